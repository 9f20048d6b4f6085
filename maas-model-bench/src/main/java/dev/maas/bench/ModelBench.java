package dev.maas.bench;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelSignature;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.onnx.OnnxModelFormat;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Benchmarks a stored model with JMH, in forked JVMs, for every combination of the settings in
 * {@link BenchOptions}: it checks in this JVM that inputs can be built and that each variant
 * answers one call in every batching mode and over every transport (so that mistakes surface as
 * one clear error before any fork starts), then runs {@link ModelBenchmark} once per
 * benchmark-thread count and variant with the other settings as JMH parameters, with JMH's GC
 * profiler on. Each fork opens its own model, batcher and HTTP server, and closes them at the end
 * of its trial.
 *
 * <p>JMH serialises runs through a lock file in {@code java.io.tmpdir}; a second concurrent run
 * fails with a {@link BenchException}. Stateless; each call is independent.
 */
public final class ModelBench {
  private static final String OPTIMIZED_FROM = "optimized_from";
  /** What {@code maas optimize --quantize} records: the parent version and the method. */
  private static final String PARENT = "parent";
  private static final String QUANTIZATION_METHOD = "quantization.method";
  private static final String DIM_PARAMETER = "dim.";

  private ModelBench() {}

  /**
   * Runs the benchmark; JMH's progress goes to {@code progress}.
   *
   * @throws dev.maas.ModelNotFoundException if the reference matches nothing
   * @throws InvalidInputException if inputs cannot be built, a variant does not apply, or a setting does not fit
   * @throws BenchException if JMH fails
   */
  public static BenchReport run(BenchOptions options, PrintStream progress) {
    Plan plan = plan(options);
    List<RunResult> runs = new ArrayList<>();
    for (int threads : options.threads()) {
      for (Variant v : plan.variants()) {
        runs.addAll(runJmh(options, plan, v, threads, progress));
      }
    }
    List<BenchResult> results = new ArrayList<>();
    for (RunResult r : runs) {
      results.add(result(r, plan));
    }
    return new BenchReport(plan.version().reference().toString(), plan.version().format(), plan.outputs(), results,
        runs);
  }

  /** A variant as JMH's parameter value, its label, and whether ONNX Runtime runs it. */
  record Variant(String param, String label, boolean onnx) {}

  /**
   * What was checked before the run: the version, its variants, dims, rows per batch size, input
   * file, and the outputs every call asks for (empty for all).
   */
  record Plan(ModelVersion version, List<Variant> variants, Map<String, Long> dims, Map<Integer, Integer> rows,
      Optional<Path> inputFile, List<String> outputs) {}

  /** Resolves and checks everything a run needs, opening each variant once. */
  static Plan plan(BenchOptions options) {
    ModelVersion version;
    List<ModelVersion> versions;
    try (ModelStore store = ModelBenchmark.openStore(options.store(), options.forkSettings(), Optional.empty())) {
      version = store.get(options.reference());
      versions = store.versions(version.name());
    }
    ModelSignature signature = version.signature();
    Map<String, Long> dims = new LinkedHashMap<>();
    version.parameters().forEach((k, v) -> {
      if (k.startsWith(DIM_PARAMETER)) {
        try {
          dims.put(k.substring(DIM_PARAMETER.length()), Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
          throw new InvalidInputException(version.reference() + " parameter " + k + " is not a size: '" + v + "'");
        }
      }
    });
    dims.putAll(options.dims());
    Optional<Path> inputFile = options.inputFile().map(Path::toAbsolutePath);
    Map<Integer, Integer> rows = new TreeMap<>();
    if (inputFile.isPresent()) {
      Map<String, Tensor> request = Inputs.read(inputFile.get());
      rows.put(Inputs.rows(request), Inputs.rows(request));
    } else {
      Inputs.checkGeneratable(signature, dims);
      for (int batch : options.batches()) {
        rows.put(batch, Inputs.rows(Inputs.generate(signature, batch, dims, options.seed())));
      }
    }
    List<Variant> variants = new ArrayList<>();
    boolean storedOnnx = version.format().equals(OnnxModelFormat.NAME);
    variants.add(new Variant(ModelBenchmark.STORED, "stored", storedOnnx));
    for (BenchOptions.Variant v : options.variants().stream().sorted().toList()) {
      switch (v) {
        case ONNX_EXPORT -> {
          if (storedOnnx) {
            throw new InvalidInputException(version.reference() + " is already an onnx model; --compare onnx-export"
                + " applies to linear models");
          }
          variants.add(new Variant(ModelBenchmark.ONNX_EXPORT, "onnx-export", true));
        }
        case OPTIMIZED -> {
          String from = version.reference().toString();
          ModelVersion optimized = versions.stream().filter(x -> from.equals(x.parameters().get(OPTIMIZED_FROM)))
              .max(Comparator.comparingInt(ModelVersion::version))
              .orElseThrow(() -> new ModelNotFoundException("no version of " + version.name() + " was optimised from "
                  + from + "; run maas optimize " + from + " first"));
          variants.add(new Variant(ModelBenchmark.VERSION_PREFIX + optimized.reference(),
              "optimized (" + optimized.reference() + ")", true));
        }
        case QUANTIZED -> {
          String from = version.reference().toString();
          ModelVersion quantized = versions.stream().filter(x -> from.equals(x.parameters().get(PARENT))
                  && x.parameters().containsKey(QUANTIZATION_METHOD))
              .max(Comparator.comparingInt(ModelVersion::version))
              .orElseThrow(() -> new ModelNotFoundException("no version of " + version.name() + " was quantised from "
                  + from + "; run maas optimize " + from + " --quantize METHOD first"));
          variants.add(new Variant(ModelBenchmark.VERSION_PREFIX + quantized.reference(), "quantized "
              + quantized.parameters().get(QUANTIZATION_METHOD) + " (" + quantized.reference() + ")", true));
        }
        case PARENT -> {
          String parent = version.parameters().getOrDefault(PARENT, version.parameters().get(OPTIMIZED_FROM));
          if (parent == null) {
            throw new InvalidInputException(version.reference() + " records no parent version; --compare parent "
                + "applies to versions maas optimize published");
          }
          ModelVersion found = versions.stream().filter(x -> x.reference().toString().equals(parent)).findFirst()
              .orElseThrow(() -> new ModelNotFoundException("parent " + parent + " of " + version.reference()
                  + " is no longer in the store"));
          variants.add(new Variant(ModelBenchmark.VERSION_PREFIX + found.reference(),
              "parent (" + found.reference() + ")", true));
        }
        default -> throw new IllegalStateException("unknown variant " + v);
      }
    }
    boolean onnxSettings = !options.intraOpThreads().isEmpty() || !options.optimizationLevels().isEmpty();
    if (onnxSettings && variants.stream().noneMatch(Variant::onnx)) {
      throw new InvalidInputException("--intra-op-threads and --optimization are ONNX Runtime settings, and "
          + version.reference() + " has format '" + version.format() + "' (add --compare onnx-export to run its"
          + " ONNX export)");
    }
    List<String> declared = signature.outputs().stream().map(TensorSpec::name).toList();
    for (String o : options.outputs()) {
      if (!declared.contains(o)) {
        throw new InvalidInputException("--outputs: " + version.reference() + " has no output '" + o + "' (outputs: "
            + declared + ")");
      }
    }
    // a linear model's ONNX export computes the point prediction alone: ask every variant for just
    // that, unless the user chose, so that the ratio compares the same work
    List<String> outputs = options.outputs().isEmpty() && options.variants().contains(BenchOptions.Variant.ONNX_EXPORT)
        && declared.size() > 1 ? List.of(declared.get(0)) : options.outputs();
    boolean batchingOn = options.batchingModes().contains(BenchOptions.BatchingMode.ON);
    if (batchingOn && !signature.batched()) {
      throw new InvalidInputException("--batching on: the signature of " + version.reference() + " has no batch axis"
          + " (dimension 0 of every input and output), so a batcher could not merge calls");
    }
    int firstBatch = rows.keySet().iterator().next();
    for (Variant v : variants) {
      for (BenchOptions.BatchingMode mode : options.batchingModes()) {
        for (BenchOptions.Transport transport : options.transports()) {
          try (Target target = ModelBenchmark.target(options.store(), options.forkSettings(),
              version.reference().toString(), v.param(),
              ModelBenchmark.DEFAULT, ModelBenchmark.DEFAULT, firstBatch, dims,
              inputFile.map(Path::toString).orElse(""), options.seed(), batchingParam(mode),
              ModelBenchmark.formatBatchingOptions(options.batchingOptions()), ModelBenchmark.transportParam(transport),
              String.join(",", outputs), 1)) {
            target.call();
          } catch (MaasException e) {
            if (v.param().equals(ModelBenchmark.STORED) && mode == BenchOptions.BatchingMode.OFF
                && transport == BenchOptions.Transport.IN_PROCESS) {
              throw e;
            }
            throw new InvalidInputException(v.label() + (mode == BenchOptions.BatchingMode.ON ? ", batched" : "")
                + (transport == BenchOptions.Transport.IN_PROCESS ? "" : ", " + ModelBenchmark.transportParam(transport))
                + ": " + e.getMessage(), e);
          }
        }
      }
    }
    return new Plan(version, List.copyOf(variants), Map.copyOf(dims), Map.copyOf(rows), inputFile,
        List.copyOf(outputs));
  }

  private static List<RunResult> runJmh(BenchOptions o, Plan plan, Variant v, int threads, PrintStream progress) {
    Duration t = o.timePerSetting();
    TimeValue iteration = TimeValue.milliseconds(Math.max(20, t.toMillis() / 6));
    ChainedOptionsBuilder jmh = new OptionsBuilder()
        .include("^" + Pattern.quote(ModelBenchmark.class.getName()) + "\\.predict$")
        .threads(threads).forks(o.forks()).warmupForks(0)
        .warmupIterations(2).warmupTime(iteration).measurementIterations(4).measurementTime(iteration)
        .addProfiler(GCProfiler.class).shouldFailOnError(true)
        .param("store", o.store())
        .param("storeSettings", ModelBenchmark.formatSettings(o.forkSettings()))
        .param("reference", plan.version().reference().toString())
        .param("variant", v.param())
        .param("batch", plan.rows().keySet().stream().map(String::valueOf).toArray(String[]::new))
        .param("dims", ModelBenchmark.formatDims(plan.dims()))
        .param("inputFile", plan.inputFile().map(Path::toString).orElse(""))
        .param("seed", Long.toString(o.seed()))
        .param("batching", o.batchingModes().stream().map(ModelBench::batchingParam).toArray(String[]::new))
        .param("batchingOptions", ModelBenchmark.formatBatchingOptions(o.batchingOptions()))
        .param("transport", o.transports().stream().map(ModelBenchmark::transportParam).toArray(String[]::new))
        .param("outputs", String.join(",", plan.outputs()))
        .param("callers", Integer.toString(threads));
    if (v.onnx() && !o.intraOpThreads().isEmpty()) {
      jmh.param("intraOpThreads", o.intraOpThreads().stream().map(String::valueOf).toArray(String[]::new));
    } else {
      jmh.param("intraOpThreads", ModelBenchmark.DEFAULT);
    }
    if (v.onnx() && !o.optimizationLevels().isEmpty()) {
      jmh.param("optimization", o.optimizationLevels().stream().map(l -> l.name().toLowerCase(Locale.ROOT))
          .toArray(String[]::new));
    } else {
      jmh.param("optimization", ModelBenchmark.DEFAULT);
    }
    try {
      return List.copyOf(new Runner(jmh.build(), OutputFormatFactory.createFormatInstance(
          progress == null ? new PrintStream(OutputStream.nullOutputStream()) : progress, VerboseMode.NORMAL)).run());
    } catch (RunnerException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new BenchException("JMH could not run " + v.label() + " of " + plan.version().reference() + ": "
          + (root == e ? e.getMessage() : root.getMessage() + " (" + e.getMessage() + ")"), e);
    }
  }

  private static String batchingParam(BenchOptions.BatchingMode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  private static BenchResult result(RunResult run, Plan plan) {
    var params = run.getParams();
    String variantParam = params.getParam("variant");
    Variant v = plan.variants().stream().filter(x -> x.param().equals(variantParam)).findFirst().orElseThrow();
    int batch = Integer.parseInt(params.getParam("batch"));
    var primary = run.getPrimaryResult();
    var stats = primary.getStatistics();
    double alloc = Double.NaN;
    for (String key : run.getSecondaryResults().keySet()) {
      if (key.endsWith("gc.alloc.rate.norm")) {
        alloc = run.getSecondaryResults().get(key).getScore();
      }
    }
    return new BenchResult(v.label(), plan.rows().getOrDefault(batch, batch), params.getThreads(),
        v.onnx() ? params.getParam("intraOpThreads") : "-", v.onnx() ? params.getParam("optimization") : "-",
        params.getParam("batching"), params.getParam("transport"),
        primary.getScore(), primary.getScoreError(), stats.getPercentile(50), stats.getPercentile(99),
        stats.getPercentile(99.9), alloc);
  }
}
