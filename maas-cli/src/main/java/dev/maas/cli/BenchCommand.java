package dev.maas.cli;

import dev.maas.BatchingOptions;
import dev.maas.bench.BenchOptions;
import dev.maas.bench.BenchReport;
import dev.maas.bench.ModelBench;
import dev.maas.onnx.OnnxOptions;
import dev.maas.ModelStore;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas bench REF --store DIR}: benchmarks a stored model with JMH (forked JVMs, seeded
 * inputs from its signature) for every combination of the settings given (batching and transport
 * included), and prints latency, throughput and allocation per setting, the best setting, and the
 * ratios of variants, batched against unbatched and HTTP against in-process calls.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark a stored model with JMH for every combination of the settings given.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas bench demo --store maas-store --batch 1,64 --threads 1,2 --time 5s",
      "  maas bench demo --store maas-store --batching off,on --threads 8 \\",
      "      --transport in-process,http"})
final class BenchCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m)");
  private static final Pattern DELAY = Pattern.compile("([0-9]{1,9})(us|ms|s)");
  private static final Pattern DIM = Pattern.compile("(.+):([0-9]+)=([0-9]+)");

  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--batch", split = ",", paramLabel = "N,...", hideParamSyntax = true,
      description = "Sizes of the inputs' dynamic first dimension (default 1).")
  List<Integer> batches;

  @Option(names = "--threads", split = ",", paramLabel = "N,...", hideParamSyntax = true,
      description = "Threads calling the model at once (default 1).")
  List<Integer> threads;

  @Option(names = "--intra-op-threads", split = ",", paramLabel = "N,...", hideParamSyntax = true,
      description = "ONNX Runtime intra-op threads (default: the model's own setting).")
  List<Integer> intraOpThreads;

  @Option(names = "--optimization", split = ",", paramLabel = "LEVEL,...", hideParamSyntax = true,
      description = "ONNX Runtime graph optimisation: disabled, basic, extended, all (default: the model's own).")
  List<String> optimization;

  @Option(names = "--compare", split = ",", paramLabel = "VARIANT,...", hideParamSyntax = true,
      description = "Also measure: onnx-export (a linear model's ONNX export), optimized (the version maas optimize"
          + " made from this one), quantized (the version maas optimize --quantize made from this one), parent (the"
          + " version this one was quantised or optimised from).")
  List<String> compare;

  @Option(names = "--batching", split = ",", paramLabel = "off|on,...", hideParamSyntax = true,
      description = "Call the model directly (off) and/or through a dynamic batcher (on), which merges concurrent"
          + " calls; it pays only with --threads above 1 (default: off).")
  List<String> batching;

  @Option(names = "--batch-max-rows", paramLabel = "N",
      description = "With --batching on: the most rows one merged call holds (default 64).")
  Integer batchMaxRows;

  @Option(names = "--batch-delay", paramLabel = "DURATION",
      description = "With --batching on: how long a call may wait for others to join it, such as 0us, 200us or 2ms"
          + " (default 0: merge only calls already queued).")
  String batchDelay;

  @Option(names = "--transport", split = ",", paramLabel = "T,...", hideParamSyntax = true,
      description = "How calls reach the model: in-process, http (Open Inference Protocol JSON to a server on"
          + " loopback in the same JVM), http-binary (the binary tensor extension) (default: in-process).")
  List<String> transports;

  @Option(names = "--outputs", split = ",", paramLabel = "NAME,...", hideParamSyntax = true,
      description = "Outputs each call asks for (default: all the model declares).")
  List<String> outputs;

  @Option(names = "--time", defaultValue = "10s", paramLabel = "DURATION",
      description = "Time per setting, a third warming up (e.g. 500ms, 10s, 2m). Default: ${DEFAULT-VALUE}.")
  String time;

  @Option(names = "--forks", defaultValue = "1", paramLabel = "N", description = "JMH forks per setting.")
  int forks;

  @Option(names = "--dim", paramLabel = "INPUT:AXIS=N",
      description = "Size of a dynamic dimension other than the batch; repeatable.")
  List<String> dims;

  @Option(names = "--input-file", paramLabel = "JSON",
      description = "Send this Open Inference Protocol request's inputs instead of generated ones.")
  Path inputFile;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "N", description = "Seed of the generated inputs.")
  long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write JMH's raw results as JSON.")
  Path json;

  @Option(names = "--quiet", description = "Do not show JMH's progress on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    try (ModelStore s = store.open()) {
      References.resolve(s, reference); // a misspelt reference is named with what exists, before JMH starts
    }
    BenchOptions.Builder b = (store.isObjectStore()
        ? BenchOptions.builder(java.net.URI.create(store.location), store.settings(), reference)
        : BenchOptions.builder(store.existing(), reference))
        .timePerSetting(duration(time)).forks(forks).seed(seed);
    if (store.encryptionKey != null) {
      InputFiles.requireReadable(store.encryptionKey, "--encryption-key", "a key file of 32 bytes");
      b.encryptionKey(store.encryptionKey);
    }
    if (!store.requireSignature.isEmpty()) {
      b.requireSignatures(store.requireSignature);
    }
    if (batches != null) {
      b.batches(batches);
    }
    if (threads != null) {
      b.threads(threads);
    }
    if (intraOpThreads != null) {
      b.intraOpThreads(intraOpThreads);
    }
    if (optimization != null) {
      List<OnnxOptions.OptimizationLevel> levels = new ArrayList<>();
      for (String level : optimization) {
        levels.add(enumValue(OnnxOptions.OptimizationLevel.class, level, "--optimization"));
      }
      b.optimizationLevels(levels);
    }
    if (compare != null) {
      Set<BenchOptions.Variant> variants = EnumSet.noneOf(BenchOptions.Variant.class);
      for (String v : compare) {
        variants.add(enumValue(BenchOptions.Variant.class, v, "--compare"));
      }
      b.variants(variants);
    }
    if (batching != null) {
      List<BenchOptions.BatchingMode> modes = new ArrayList<>();
      for (String m : batching) {
        modes.add(enumValue(BenchOptions.BatchingMode.class, m, "--batching"));
      }
      b.batchingModes(modes);
    }
    if (batchMaxRows != null || batchDelay != null) {
      BatchingOptions.Builder batcher = BatchingOptions.builder();
      if (batchMaxRows != null) {
        if (batchMaxRows < 1) {
          throw new IllegalArgumentException("--batch-max-rows must be 1 or more, got " + batchMaxRows);
        }
        batcher.maxBatchRows(batchMaxRows);
      }
      if (batchDelay != null) {
        batcher.maxQueueDelay(delay(batchDelay));
      }
      b.batchingOptions(batcher.build());
    }
    if (transports != null) {
      List<BenchOptions.Transport> list = new ArrayList<>();
      for (String t : transports) {
        list.add(enumValue(BenchOptions.Transport.class, t, "--transport"));
      }
      b.transports(list);
    }
    if (outputs != null) {
      b.outputs(outputs.stream().map(String::trim).toList());
    }
    if (dims != null) {
      for (String d : dims) {
        Matcher m = DIM.matcher(d.trim());
        if (!m.matches()) {
          throw new IllegalArgumentException("--dim wants INPUT:AXIS=N, got '" + d + "'");
        }
        b.dim(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)));
      }
    }
    if (inputFile != null) {
      b.inputFile(inputFile);
    }
    PrintStream progress = quiet ? new PrintStream(OutputStream.nullOutputStream()) : System.err;
    BenchReport report = ModelBench.run(b.build(), progress);
    PrintWriter out = spec.commandLine().getOut();
    out.print(report.format());
    out.flush();
    if (json != null) {
      report.writeJson(json);
      out.println("JMH results: " + json);
      out.flush();
    }
    return 0;
  }

  private static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--time wants a duration such as 500ms, 10s or 2m, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }

  private static Duration delay(String text) {
    Matcher m = DELAY.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--batch-delay wants a duration such as 0us, 200us or 2ms, got '" + text
          + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
      case "ms" -> Duration.ofMillis(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String option) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new IllegalArgumentException(option + ": unknown value '" + text + "' (one of " + allowed + ")");
  }
}
