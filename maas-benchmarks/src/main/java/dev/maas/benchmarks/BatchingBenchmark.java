package dev.maas.benchmarks;

import dev.maas.BatchingPredictor;
import dev.maas.BatchingOptions;
import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-row requests from many threads at once (32 by default; {@code -t 1} for one caller) through
 * a {@link BatchingPredictor} predictor against the same model's predictor called directly, in the same run.
 * Models, built in code with fixed seeds: {@code mlp256}, an ONNX MLP 256 → 256 → 256 → 1 (FP32,
 * ReLU) on one intra-op thread, where a call's fixed cost is small next to what a batch shares;
 * {@code mlp1024}, the same at width 1024, whose 8 MiB of weights a single row must stream from
 * memory while a batch of rows shares one pass over them; and
 * {@code linear}, a 16-feature {@link LinearRegressionModel}, whose call costs almost nothing.
 * The model and the batching predictor are shared by all threads; each thread has its own input.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(32)
public class BatchingBenchmark {
  static final int WIDTH = 256;
  static final int WIDE = 1024;
  static final int LINEAR_FEATURES = 16;

  @Param({"mlp256", "mlp1024", "linear"})
  String model;

  /** {@link BatchingOptions#maxQueueDelay()} in microseconds. */
  @Param({"0"})
  int delayMicros;

  /** {@link BatchingOptions#concurrency()}: batches running at once (the unbatched cells ignore it). */
  @Param({"1", "2"})
  int concurrency;

  private Model loaded;
  private Predictor direct;
  private BatchingPredictor batching;
  private final AtomicLong seeds = new AtomicLong(11);

  @Setup
  public void setUp() {
    loaded = switch (model) {
      case "mlp256" -> OnnxModel.fromBytes(mlp256(), OnnxOptions.builder().intraOpThreads(1).build());
      case "mlp1024" -> OnnxModel.fromBytes(mlp(WIDE), OnnxOptions.builder().intraOpThreads(1).build());
      case "linear" -> linear();
      default -> throw new IllegalArgumentException("unknown model " + model);
    };
    direct = loaded.predictor();
    batching = BatchingPredictor.of(direct, BatchingOptions.builder().maxBatchRows(64)
        .maxQueueDelay(Duration.ofNanos(delayMicros * 1000L)).maxQueuedRequests(4096).concurrency(concurrency)
        .build());
  }

  @TearDown
  public void tearDown() {
    batching.close();
    loaded.close();
  }

  /** Each benchmark thread's own one-row request. */
  @State(Scope.Thread)
  public static class Request {
    Map<String, Tensor> inputs;

    @Setup
    public void setUp(BatchingBenchmark shared) {
      Random random = new Random(shared.seeds.incrementAndGet());
      inputs = switch (shared.model) {
        case "mlp256" -> Map.of("x", Tensor.ofFloats(OnnxModels.floats(random, WIDTH), 1, WIDTH));
        case "mlp1024" -> Map.of("x", Tensor.ofFloats(OnnxModels.floats(random, WIDE), 1, WIDE));
        default -> {
          double[] x = new double[LINEAR_FEATURES];
          for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
          }
          yield Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(x, 1, LINEAR_FEATURES));
        }
      };
    }
  }

  /** The baseline: every thread calls the model's predictor itself. */
  @Benchmark
  public Map<String, Tensor> unbatched(Request request) {
    return direct.predict(request.inputs);
  }

  /** The same requests through the batching predictor. */
  @Benchmark
  public Map<String, Tensor> batched(Request request) {
    return batching.predict(request.inputs);
  }

  static byte[] mlp256() {
    return mlp(WIDTH);
  }

  /** An ONNX MLP {@code width} → {@code width} → {@code width} → 1 (Gemm, ReLU; FP32), seeded weights. */
  static byte[] mlp(int width) {
    Random random = new Random(42);
    OnnxGraph.Builder g = OnnxGraph.builder("mlp" + width).input("x", DataType.FP32, "batch", Integer.toString(width));
    String in = "x";
    for (int layer = 1; layer <= 2; layer++) {
      g.initializer("w" + layer, Tensor.ofFloats(scaled(random, width * width), width, width))
          .initializer("b" + layer, Tensor.ofFloats(scaled(random, width), width))
          .node("Gemm", List.of(in, "w" + layer, "b" + layer), List.of("g" + layer))
          .node("Relu", List.of("g" + layer), List.of("h" + layer));
      in = "h" + layer;
    }
    return g.initializer("w3", Tensor.ofFloats(scaled(random, width), width, 1))
        .initializer("b3", Tensor.ofFloats(scaled(random, 1), 1))
        .node("Gemm", List.of(in, "w3", "b3"), List.of("y"))
        .output("y", DataType.FP32, "batch", "1")
        .build().toByteArray();
  }

  private static float[] scaled(Random random, int n) {
    float[] w = OnnxModels.floats(random, n);
    for (int i = 0; i < n; i++) {
      w[i] /= 4;
    }
    return w;
  }

  private static LinearRegressionModel linear() {
    Random random = new Random(42);
    double[] c = new double[LINEAR_FEATURES];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < c.length; j++) {
      c[j] = random.nextGaussian();
      names.add("f" + j);
    }
    return LinearRegressionModel.of(0.5, c, names);
  }
}
