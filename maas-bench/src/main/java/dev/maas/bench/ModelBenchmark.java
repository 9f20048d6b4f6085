package dev.maas.bench;

import dev.maas.FileSystemModelStore;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.Predictor;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
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
 * The JMH benchmark {@link ModelBench} runs: one {@link Predictor#predict} call on a stored model
 * (or one of its variants) with fixed inputs, latency sampled per call. Its parameters, set by
 * {@link ModelBench} for each setting, name the store, the model, the variant, the batch size, the
 * ONNX Runtime settings and the inputs; the annotations' iteration counts are defaults that
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

  /** The store directory. */
  @Param("")
  public String store;

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

  private Opened opened;
  private Model model;
  private Predictor predictor;
  private Map<String, Tensor> inputs;

  /** A benchmark state with the default parameters; JMH sets them before {@link #open()}. */
  public ModelBenchmark() {}

  /** Opens the model variant and builds the inputs; one call checks they fit before timing starts. */
  @Setup(Level.Trial)
  public void open() {
    opened = open(Path.of(store), reference, variant, intraOpThreads, optimization);
    model = opened.model();
    predictor = model.predictor();
    inputs = inputFile.isEmpty() ? Inputs.generate(model.signature(), batch, parseDims(dims), seed)
        : Inputs.read(Path.of(inputFile));
    predictor.predict(inputs);
  }

  /** Closes the model (freeing native memory) and the store. */
  @TearDown(Level.Trial)
  public void close() {
    if (opened != null) {
      opened.close();
    }
  }

  /** One prediction; JMH consumes the outputs. */
  @Benchmark
  public Map<String, Tensor> predict() {
    return predictor.predict(inputs);
  }

  /** An opened store and model; closing it closes both. */
  record Opened(FileSystemModelStore store, Model model) implements AutoCloseable {
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
  static Opened open(Path dir, String reference, String variant, String intraOp, String optimization) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException("no model store at " + dir);
    }
    OnnxOptions.Builder onnx = OnnxOptions.builder();
    if (!intraOp.equals(DEFAULT)) {
      onnx.intraOpThreads(Integer.parseInt(intraOp));
    }
    if (!optimization.equals(DEFAULT)) {
      onnx.optimizationLevel(OnnxOptions.OptimizationLevel.valueOf(optimization.toUpperCase(Locale.ROOT)));
    }
    OnnxOptions options = onnx.build();
    FileSystemModelStore store = FileSystemModelStore.open(dir, formats(options));
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
