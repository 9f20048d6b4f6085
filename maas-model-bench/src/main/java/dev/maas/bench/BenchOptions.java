package dev.maas.bench;

import dev.maas.BatchingOptions;
import dev.maas.onnx.OnnxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@link ModelBench} measures: which stored model, which settings (every combination of batch
 * sizes, benchmark threads, ONNX Runtime intra-op threads and graph optimisation levels, dynamic
 * batching off or on, and in-process or HTTP calls), which outputs, which of the model's variants
 * to compare, and how long to spend on each setting.
 *
 * <p>Immutable and thread-safe; built with {@link #builder(Path, String)}.
 */
public final class BenchOptions {
  /** A variant of the stored model measured next to it. */
  public enum Variant {
    /** A linear (affine) model exported to ONNX and run by ONNX Runtime in the same process. */
    ONNX_EXPORT,
    /** The version {@code maas optimize} published from this one (the newest such version). */
    OPTIMIZED,
    /** The version {@code maas optimize --quantize} published from this one (the newest such version). */
    QUANTIZED,
    /** The version this one was quantised or optimised from. */
    PARENT
  }

  /** Whether calls go straight to the predictor or through a {@link dev.maas.BatchingPredictor} one. */
  public enum BatchingMode {
    /** Each call runs on its own. */
    OFF,
    /** Calls go through {@link dev.maas.BatchingPredictor} with {@link BenchOptions#batchingOptions()}. */
    ON
  }

  /** How a call reaches the model. */
  public enum Transport {
    /** {@link dev.maas.Predictor#predict} in the benchmark's own JVM. */
    IN_PROCESS,
    /**
     * An Open Inference Protocol JSON request to an {@link dev.maas.http.InferenceServer} on
     * loopback in the same JVM, over a keep-alive HTTP/1.1 connection per benchmark thread.
     */
    HTTP,
    /** As {@link #HTTP}, with the tensors in the binary tensor data extension instead of JSON. */
    HTTP_BINARY
  }

  private static final Pattern DIM_KEY = Pattern.compile("[^:=\\s]+:[1-9][0-9]*");

  private final String store;
  private final Map<String, String> storeSettings;
  private final String reference;
  private final List<Integer> batches;
  private final List<Integer> threads;
  private final List<Integer> intraOpThreads;
  private final List<OnnxOptions.OptimizationLevel> optimizationLevels;
  private final Set<Variant> variants;
  private final List<BatchingMode> batchingModes;
  private final BatchingOptions batchingOptions;
  private final List<Transport> transports;
  private final List<String> outputs;
  private final Duration timePerSetting;
  private final int forks;
  private final Map<String, Long> dims;
  private final Optional<Path> inputFile;
  private final long seed;
  private final Optional<Path> encryptionKey;
  private final List<Path> signatureKeys;

  private BenchOptions(Builder b) {
    store = b.store;
    storeSettings = b.storeSettings;
    reference = b.reference;
    batches = b.batches;
    threads = b.threads;
    intraOpThreads = b.intraOpThreads;
    optimizationLevels = b.optimizationLevels;
    variants = b.variants.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(b.variants));
    batchingModes = b.batchingModes;
    batchingOptions = b.batchingOptions;
    transports = b.transports;
    outputs = b.outputs;
    timePerSetting = b.timePerSetting;
    forks = b.forks;
    dims = Map.copyOf(b.dims);
    inputFile = b.inputFile;
    seed = b.seed;
    encryptionKey = b.encryptionKey;
    signatureKeys = b.signatureKeys;
  }

  /** A builder for benchmarking model version {@code reference} of the store in directory {@code store}. */
  public static Builder builder(Path store, String reference) {
    Objects.requireNonNull(store, "store");
    return new Builder(store.toAbsolutePath().toString(), Map.of(), reference);
  }

  /**
   * A builder for benchmarking model version {@code reference} of the store at {@code store} (for
   * example {@code s3://bucket/prefix}, with module maas-store-s3), opened with {@code settings} as
   * {@link dev.maas.ModelStore#open(java.net.URI, Map)} does; credentials come from the environment,
   * which the benchmark's forks inherit.
   */
  public static Builder builder(java.net.URI store, Map<String, String> settings, String reference) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(settings, "settings");
    for (Map.Entry<String, String> e : settings.entrySet()) {
      if (e.getKey().contains("=") || e.getKey().contains(";") || e.getValue().contains(";")) {
        throw new IllegalArgumentException("store setting '" + e.getKey() + "' holds '=' or ';', which a benchmark"
            + " cannot pass to its forks");
      }
    }
    return new Builder(store.toString(), Map.copyOf(settings), reference);
  }

  /** The store: a directory (absolute) or a location such as {@code s3://bucket/prefix}. */
  public String store() {
    return store;
  }

  /** The settings the store is opened with; empty for a directory. */
  public Map<String, String> storeSettings() {
    return storeSettings;
  }

  /** The model reference ({@code name}, {@code name:VERSION} or {@code name@ALIAS}). */
  public String reference() {
    return reference;
  }

  /** Batch sizes: the size of each input's dynamic first dimension (default [1]). */
  public List<Integer> batches() {
    return batches;
  }

  /** Benchmark threads calling the one shared predictor at once (default [1]). */
  public List<Integer> threads() {
    return threads;
  }

  /** ONNX Runtime intra-op thread counts; empty keeps the model's own setting. */
  public List<Integer> intraOpThreads() {
    return intraOpThreads;
  }

  /** ONNX Runtime graph optimisation levels; empty keeps the model's own setting. */
  public List<OnnxOptions.OptimizationLevel> optimizationLevels() {
    return optimizationLevels;
  }

  /** Variants measured next to the stored model. */
  public Set<Variant> variants() {
    return variants;
  }

  /** Whether calls go through a batching predictor: each mode is a setting (default [OFF]). */
  public List<BatchingMode> batchingModes() {
    return batchingModes;
  }

  /**
   * The batcher's settings for {@link BatchingMode#ON}: the defaults of {@link BatchingOptions}
   * (64 rows, no queue delay, one batch at a time, 1,024 queued requests) unless given.
   */
  public BatchingOptions batchingOptions() {
    return batchingOptions;
  }

  /** How calls reach the model: each transport is a setting (default [IN_PROCESS]). */
  public List<Transport> transports() {
    return transports;
  }

  /** The outputs each call asks for, in order; empty (the default) for every declared output. */
  public List<String> outputs() {
    return outputs;
  }

  /** Time spent on each setting: a third warming up, two thirds measuring (default 10 s). */
  public Duration timePerSetting() {
    return timePerSetting;
  }

  /** JMH forks per setting (default 1). */
  public int forks() {
    return forks;
  }

  /** Sizes of dynamic dimensions other than the batch, keyed {@code input:axis}. */
  public Map<String, Long> dims() {
    return dims;
  }

  /** An Open Inference Protocol request (JSON) whose inputs are sent instead of generated ones. */
  public Optional<Path> inputFile() {
    return inputFile;
  }

  /** The seed of the generated inputs (default 7). */
  public long seed() {
    return seed;
  }

  /** The key file encrypted versions are decrypted with (in every fork); empty for none. */
  public Optional<Path> encryptionKey() {
    return encryptionKey;
  }

  /** The public keys (PEM) the measured versions must be signed with; empty for no signature policy. */
  public List<Path> signatureKeys() {
    return signatureKeys;
  }

  /**
   * What a benchmark fork opens the store with: the store's settings plus the key files, under
   * names {@link ModelBenchmark#openStore} takes back out.
   */
  Map<String, String> forkSettings() {
    Map<String, String> all = new LinkedHashMap<>(storeSettings);
    encryptionKey.ifPresent(k -> all.put(ModelBenchmark.ENCRYPTION_KEY_SETTING, k.toString()));
    if (!signatureKeys.isEmpty()) {
      all.put(ModelBenchmark.SIGNATURE_KEYS_SETTING, String.join(java.io.File.pathSeparator,
          signatureKeys.stream().map(Path::toString).toList()));
    }
    return all;
  }

  /** Builds {@link BenchOptions}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private final String store;
    private final Map<String, String> storeSettings;
    private final String reference;
    private List<Integer> batches = List.of(1);
    private boolean batchesGiven;
    private List<Integer> threads = List.of(1);
    private List<Integer> intraOpThreads = List.of();
    private List<OnnxOptions.OptimizationLevel> optimizationLevels = List.of();
    private Set<Variant> variants = Set.of();
    private List<BatchingMode> batchingModes = List.of(BatchingMode.OFF);
    private BatchingOptions batchingOptions = BatchingOptions.defaults();
    private boolean batchingOptionsGiven;
    private List<Transport> transports = List.of(Transport.IN_PROCESS);
    private List<String> outputs = List.of();
    private Duration timePerSetting = Duration.ofSeconds(10);
    private int forks = 1;
    private final Map<String, Long> dims = new LinkedHashMap<>();
    private Optional<Path> inputFile = Optional.empty();
    private long seed = 7;
    private Optional<Path> encryptionKey = Optional.empty();
    private List<Path> signatureKeys = List.of();

    private Builder(String store, Map<String, String> storeSettings, String reference) {
      this.store = store;
      this.storeSettings = storeSettings;
      this.reference = Objects.requireNonNull(reference, "reference");
    }

    /**
     * Decrypts encrypted versions with the key file {@code keyFile} (32 bytes; see docs/security.md),
     * in this process and in every benchmark fork, which read the file themselves.
     */
    public Builder encryptionKey(Path keyFile) {
      Path file = Objects.requireNonNull(keyFile, "keyFile").toAbsolutePath();
      forkable(file, "key file");
      encryptionKey = Optional.of(file);
      return this;
    }

    /** Opens only versions signed with one of {@code publicKeys} (PEM files), as {@code maas serve} does. */
    public Builder requireSignatures(List<Path> publicKeys) {
      List<Path> files = publicKeys.stream().map(Path::toAbsolutePath).toList();
      for (Path file : files) {
        forkable(file, "public key");
      }
      signatureKeys = files;
      return this;
    }

    private static void forkable(Path file, String what) {
      String text = file.toString();
      if (text.indexOf(java.io.File.pathSeparatorChar) >= 0 || text.indexOf(';') >= 0 || text.indexOf('=') >= 0) {
        throw new IllegalArgumentException(what + " '" + file + "': a path holding '" + java.io.File.pathSeparator
            + "', ';' or '=' cannot be handed to a benchmark fork");
      }
    }

    /** Batch sizes, each 1 or more. */
    public Builder batches(List<Integer> sizes) {
      batches = positive(sizes, "batch size", 1 << 24);
      batchesGiven = true;
      return this;
    }

    /** Benchmark thread counts, each 1 to 1024. */
    public Builder threads(List<Integer> counts) {
      threads = positive(counts, "thread count", 1024);
      return this;
    }

    /** ONNX Runtime intra-op thread counts, each 1 to 1024. */
    public Builder intraOpThreads(List<Integer> counts) {
      intraOpThreads = positive(counts, "intra-op thread count", 1024);
      return this;
    }

    /** ONNX Runtime graph optimisation levels. */
    public Builder optimizationLevels(List<OnnxOptions.OptimizationLevel> levels) {
      optimizationLevels = List.copyOf(levels);
      if (optimizationLevels.stream().distinct().count() != optimizationLevels.size()) {
        throw new IllegalArgumentException("optimisation levels repeat: " + levels);
      }
      return this;
    }

    /** Variants to measure next to the stored model. */
    public Builder variants(Set<Variant> compare) {
      variants = Set.copyOf(compare);
      return this;
    }

    /** Batching modes to measure, each once. */
    public Builder batchingModes(List<BatchingMode> modes) {
      batchingModes = distinct(modes, "batching mode");
      return this;
    }

    /** The batcher's settings for {@link BatchingMode#ON}. */
    public Builder batchingOptions(BatchingOptions options) {
      batchingOptions = Objects.requireNonNull(options, "options");
      batchingOptionsGiven = true;
      return this;
    }

    /** Transports to measure, each once. */
    public Builder transports(List<Transport> list) {
      transports = distinct(list, "transport");
      return this;
    }

    /** The outputs each call asks for, each once and without commas; empty for all. */
    public Builder outputs(List<String> names) {
      for (String name : names) {
        if (name.isBlank()) {
          throw new IllegalArgumentException("an output name is empty");
        }
        if (name.indexOf(',') >= 0) {
          throw new IllegalArgumentException("output '" + name + "': names with a comma cannot be benchmarked");
        }
      }
      if (names.stream().distinct().count() != names.size()) {
        throw new IllegalArgumentException("outputs repeat: " + names);
      }
      outputs = List.copyOf(names);
      return this;
    }

    /** Time per setting, 100 ms to one hour. */
    public Builder timePerSetting(Duration time) {
      if (time.compareTo(Duration.ofMillis(100)) < 0 || time.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("time per setting must be between 100ms and 1h, got " + time);
      }
      timePerSetting = time;
      return this;
    }

    /** JMH forks per setting, 1 to 20. */
    public Builder forks(int count) {
      if (count < 1 || count > 20) {
        throw new IllegalArgumentException("forks must be 1 to 20, got " + count);
      }
      forks = count;
      return this;
    }

    /** The size of dynamic dimension {@code axis} (1 or more) of input {@code input}. */
    public Builder dim(String input, int axis, long size) {
      String key = input + ":" + axis;
      if (!DIM_KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("--dim names INPUT:AXIS with AXIS 1 or more (axis 0 is the batch,"
            + " set by --batch), got '" + key + "'");
      }
      if (size < 1 || size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("dimension " + key + " must be 1 or more, got " + size);
      }
      if (dims.putIfAbsent(key, size) != null) {
        throw new IllegalArgumentException("dimension " + key + " is given twice");
      }
      return this;
    }

    /** Sends the inputs of this Open Inference Protocol request instead of generated ones. */
    public Builder inputFile(Path request) {
      inputFile = Optional.of(request);
      return this;
    }

    /** The seed of generated inputs. */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException if batch sizes are given with an input file (whose rows fix the batch),
     *     or batching options without {@link BatchingMode#ON}
     */
    public BenchOptions build() {
      if (batchingOptionsGiven && !batchingModes.contains(BatchingMode.ON)) {
        throw new IllegalArgumentException("--batch-max-rows and --batch-delay set the batcher of --batching on,"
            + " and batching is not on");
      }
      if (inputFile.isPresent() && batchesGiven) {
        throw new IllegalArgumentException("--batch and --input-file exclude each other: the request's inputs fix"
            + " the batch");
      }
      if (inputFile.isPresent() && !dims.isEmpty()) {
        throw new IllegalArgumentException("--dim and --input-file exclude each other: the request's inputs fix"
            + " every dimension");
      }
      return new BenchOptions(this);
    }

    private static <T> List<T> distinct(List<T> values, String what) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("at least one " + what + " is needed");
      }
      if (values.stream().distinct().count() != values.size()) {
        throw new IllegalArgumentException(what + "s repeat: " + values);
      }
      return List.copyOf(values);
    }

    private static List<Integer> positive(List<Integer> values, String what, int max) {
      if (values.isEmpty()) {
        throw new IllegalArgumentException("at least one " + what + " is needed");
      }
      for (int v : values) {
        if (v < 1 || v > max) {
          throw new IllegalArgumentException(what + " must be 1 to " + max + ", got " + v);
        }
      }
      if (values.stream().distinct().count() != values.size()) {
        throw new IllegalArgumentException(what + "s repeat: " + values);
      }
      return List.copyOf(values);
    }
  }
}
