package dev.maas.bench;

import dev.maas.BatchingOptions;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.StoredModel;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxExporter;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxModelFormat;
import dev.maas.onnx.OnnxOptions;
import dev.maas.spi.AffineModel;
import dev.maas.spi.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH benchmark {@link ModelBench} runs: one {@link dev.maas.Predictor#predict} call on a stored
 * model (or one of its variants) with fixed inputs, latency sampled per call, in process or over
 * HTTP, with or without a batcher in front. Its parameters, set by {@link ModelBench} for each
 * setting, name the store, the model, the variant, the batch size, the ONNX Runtime settings, the
 * batching, the transport, the outputs and the inputs; the annotations' iteration counts are defaults that
 * {@link ModelBench} replaces from {@link BenchOptions#timePerSetting()}.
 *
 * <p>Public only because JMH's generated code extends it; not an API. JMH state shared by every
 * benchmark thread of a trial (the predictor is thread-safe, so threads measure concurrent calls
 * on one model).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class ModelBenchmark {
  /** Variant parameter value of the stored model itself. */
  static final String STORED = "stored";
  /** Variant parameter value of a linear model's ONNX export. */
  static final String ONNX_EXPORT = "onnx-export";
  /** Variant parameter prefix of another stored version: {@code version=REF}. */
  static final String VERSION_PREFIX = "version=";
  /** Parameter value meaning "the model's own setting". */
  static final String DEFAULT = "default";
  /** Batching parameter value for calls without a batcher. */
  static final String BATCHING_OFF = "off";

  /** The setting of {@link #storeSettings} naming the key file encrypted versions are decrypted with. */
  static final String ENCRYPTION_KEY_SETTING = "maas-bench.encryption-key";
  /** The setting of {@link #storeSettings} naming the public keys required, joined by the path separator. */
  static final String SIGNATURE_KEYS_SETTING = "maas-bench.require-signature";

  /** The store: a directory, or a location such as {@code s3://bucket/prefix}. */
  @Param("")
  public String store;

  /** The store's settings, {@code name=value} joined by {@code ;}; empty for none. */
  @Param("")
  public String storeSettings;

  /** The model reference. */
  @Param("")
  public String reference;

  /** {@value #STORED}, {@value #ONNX_EXPORT} or {@code version=REF}. */
  @Param(STORED)
  public String variant;

  /** Size of each input's dynamic first dimension. */
  @Param("1")
  public int batch;

  /** ONNX Runtime intra-op threads, or {@value #DEFAULT}. */
  @Param(DEFAULT)
  public String intraOpThreads;

  /** ONNX Runtime optimisation level, or {@value #DEFAULT}. */
  @Param(DEFAULT)
  public String optimization;

  /** Other dynamic dimensions, {@code input:axis=N} joined by {@code ;}; empty for none. */
  @Param("")
  public String dims;

  /** An Open Inference Protocol request file to send instead of generated inputs; empty for none. */
  @Param("")
  public String inputFile;

  /** Seed of the generated inputs. */
  @Param("7")
  public long seed;

  /** {@code off}, or {@code on} for calls through a batcher. */
  @Param(BATCHING_OFF)
  public String batching;

  /** The batcher's settings with batching on: {@code maxBatchRows/maxQueueDelayNanos/concurrency}. */
  @Param("64/0/1")
  public String batchingOptions;

  /** {@code in-process}, {@code http} or {@code http-binary}. */
  @Param("in-process")
  public String transport;

  /** The outputs asked for, joined by {@code ,}; empty for all. */
  @Param("")
  public String outputs;

  /** The most benchmark threads of this trial (the HTTP server must not shed them). */
  @Param("1")
  public int callers;

  /**
   * The HTTP adapter's logger, held so that its level stays set: in a fork, its INFO lines (server
   * started, stopped) would reach the user's terminal through JMH even with {@code --quiet}.
   */
  private static final java.util.logging.Logger HTTP_LOG = java.util.logging.Logger.getLogger("dev.maas.http");

  private Target target;

  /** A benchmark state with the default parameters; JMH sets them before {@link #open()}. */
  public ModelBenchmark() {}

  /**
   * Opens the model variant, builds the inputs, puts the batcher and the transport in front; one
   * call checks it all works before timing starts.
   */
  @Setup(Level.Trial)
  public void open() {
    HTTP_LOG.setLevel(java.util.logging.Level.WARNING);
    target = target(store, parseSettings(storeSettings), reference, variant, intraOpThreads, optimization, batch, parseDims(dims),
        inputFile, seed, batching, batchingOptions, transport, outputs, callers);
    target.call();
  }

  /** Stops the batcher or the HTTP server, closes the model (freeing native memory) and the store. */
  @TearDown(Level.Trial)
  public void close() {
    if (target != null) {
      target.close();
    }
  }

  /** One call; JMH consumes what came back. */
  @Benchmark
  public Object predict() {
    return target.call();
  }

  /** The target of one setting, from the benchmark's parameters (also used to check them before forking). */
  static Target target(String store, Map<String, String> settings, String reference, String variant, String intraOp,
      String optimization, int batch, Map<String, Long> dims, String inputFile, long seed, String batching,
      String batchingOptions, String transport, String outputs, int callers) {
    Opened opened = open(store, settings, reference, variant, intraOp, optimization);
    Map<String, Tensor> inputs;
    try {
      inputs = inputFile.isEmpty() ? Inputs.generate(opened.model().signature(), batch, dims, seed)
          : Inputs.read(Path.of(inputFile));
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    Optional<BatchingOptions> batcher = batching.equals(BATCHING_OFF) ? Optional.empty()
        : Optional.of(parseBatchingOptions(batchingOptions));
    Set<String> wanted = outputs.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(outputs.split(",")));
    return Target.open(opened, batcher, transportOf(transport), inputs, wanted, callers);
  }

  /** The parameter value of a transport: {@code in-process}, {@code http}, {@code http-binary}. */
  static String transportParam(BenchOptions.Transport t) {
    return t.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static BenchOptions.Transport transportOf(String param) {
    return BenchOptions.Transport.valueOf(param.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** {@code maxBatchRows/maxQueueDelayNanos/concurrency}, the inverse of {@link #parseBatchingOptions}. */
  static String formatBatchingOptions(BatchingOptions o) {
    return o.maxBatchRows() + "/" + o.maxQueueDelay().toNanos() + "/" + o.concurrency();
  }

  static BatchingOptions parseBatchingOptions(String text) {
    String[] parts = text.split("/");
    return BatchingOptions.builder().maxBatchRows(Integer.parseInt(parts[0]))
        .maxQueueDelay(Duration.ofNanos(Long.parseLong(parts[1]))).concurrency(Integer.parseInt(parts[2])).build();
  }

  /** An opened store and model; closing it closes both. */
  record Opened(ModelStore store, Model model) implements AutoCloseable {
    @Override
    public void close() {
      try {
        model.close();
      } finally {
        store.close();
      }
    }
  }

  /**
   * Opens {@code variant} of {@code reference} in the store at {@code dir}, ONNX models with the
   * given intra-op threads and optimisation level (or their own settings for {@value #DEFAULT}).
   */
  static Opened open(String location, Map<String, String> settings, String reference, String variant, String intraOp,
      String optimization) {
    OnnxOptions.Builder onnx = OnnxOptions.builder();
    if (!intraOp.equals(DEFAULT)) {
      onnx.intraOpThreads(Integer.parseInt(intraOp));
    }
    if (!optimization.equals(DEFAULT)) {
      onnx.optimizationLevel(OnnxOptions.OptimizationLevel.valueOf(optimization.toUpperCase(Locale.ROOT)));
    }
    OnnxOptions options = onnx.build();
    ModelStore store = openStore(location, settings, Optional.of(formats(options)));
    try {
      String ref = variant.startsWith(VERSION_PREFIX) ? variant.substring(VERSION_PREFIX.length()) : reference;
      StoredModel stored = store.open(ref);
      if (!variant.equals(ONNX_EXPORT)) {
        return new Opened(store, stored);
      }
      try (stored) {
        if (!(stored.model() instanceof AffineModel affine)) {
          throw new InvalidInputException(reference + " cannot be exported to ONNX: only linear (affine) models"
              + " can");
        }
        byte[] graph = OnnxExporter.export(affine, OnnxExporter.Precision.FP64).toByteArray();
        return new Opened(store, OnnxModel.fromBytes(graph, options));
      }
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Whether {@code location} names a store by URI ({@code s3://...}) rather than a directory. */
  static boolean isUri(String location) {
    return location.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
  }

  /** Opens the store at {@code location} (a directory, or a URI with {@code settings}) with {@code formats}, if given. */
  static ModelStore openStore(String location, Map<String, String> settings, Optional<List<ModelFormat>> formats) {
    Map<String, String> rest = new java.util.LinkedHashMap<>(settings);
    dev.maas.StoreSecurity security = dev.maas.StoreSecurity.none();
    String keys = rest.remove(SIGNATURE_KEYS_SETTING);
    if (keys != null) {
      security = security.requireSignatures(dev.maas.signing.ModelVerifier.fromPemFiles(
          java.util.Arrays.stream(keys.split(java.util.regex.Pattern.quote(java.io.File.pathSeparator)))
              .map(Path::of).toList()));
    }
    String key = rest.remove(ENCRYPTION_KEY_SETTING);
    if (key != null) {
      security = security.encryptWith(dev.maas.encryption.KeyProvider.fromKeyFile(Path.of(key)));
    }
    if (isUri(location)) {
      java.net.URI uri = java.net.URI.create(location);
      return formats.isPresent() ? ModelStore.open(uri, rest, formats.get(), security)
          : ModelStore.open(uri, rest, security);
    }
    Path dir = Path.of(location);
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException("no model store at " + dir);
    }
    return formats.isPresent() ? ModelStore.open(dir, formats.get(), security) : ModelStore.open(dir, security);
  }

  /** {@code name=value;...}, the inverse of {@link #parseSettings}. */
  static String formatSettings(Map<String, String> settings) {
    return String.join(";", new java.util.TreeMap<>(settings).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  static Map<String, String> parseSettings(String text) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (!text.isEmpty()) {
      for (String pair : text.split(";")) {
        int eq = pair.indexOf('=');
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }

  /** The formats the class path provides, the ONNX one replaced by one that opens with {@code options}. */
  private static List<ModelFormat> formats(OnnxOptions options) {
    List<ModelFormat> out = new ArrayList<>();
    for (ModelFormat f : ServiceLoader.load(ModelFormat.class, ModelBenchmark.class.getClassLoader())) {
      if (!f.name().equals(OnnxModelFormat.NAME)) {
        out.add(f);
      }
    }
    out.add(new OnnxModelFormat(options));
    return out;
  }

  /** Parses {@code input:axis=N;...}. */
  static Map<String, Long> parseDims(String text) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (text.isEmpty()) {
      return out;
    }
    for (String part : text.split(";")) {
      int eq = part.lastIndexOf('=');
      out.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
    }
    return out;
  }

  /** The inverse of {@link #parseDims}. */
  static String formatDims(Map<String, Long> dims) {
    StringBuilder s = new StringBuilder();
    dims.forEach((k, v) -> s.append(s.length() == 0 ? "" : ";").append(k).append('=').append(v));
    return s.toString();
  }
}
