package dev.maas.benchmarks;

import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unstructured magnitude pruning against ONNX Runtime's dense CPU kernels: one prediction of a
 * 1024x1024 Gemm layer with all its weights ({@code dense}, the reference) and with the 50 % and 90 %
 * smallest-magnitude weights set to zero, same graph, same input, one intra-op thread. A dense
 * kernel multiplies zeros as fast as any other number, so the ratios show whether pruning alone buys
 * speed. Each state instance is used by one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PruningBenchmark {
  private static final int WIDTH = 1024;

  @Param({"1", "32"})
  int batch;

  private OnnxModel dense;
  private OnnxModel pruned50;
  private OnnxModel pruned90;
  private Map<String, Tensor> request;

  @Setup
  public void setUp() {
    float[] w = OnnxModels.floats(new Random(5), WIDTH * WIDTH);
    OnnxOptions options = OnnxOptions.builder().intraOpThreads(1).build();
    dense = OnnxModel.fromBytes(layer(w), options);
    pruned50 = OnnxModel.fromBytes(layer(pruned(w, 0.5)), options);
    pruned90 = OnnxModel.fromBytes(layer(pruned(w, 0.9)), options);
    request = Map.of("x", Tensor.ofFloats(OnnxModels.floats(new Random(6), batch * WIDTH), batch, WIDTH));
  }

  @TearDown
  public void tearDown() {
    dense.close();
    pruned50.close();
    pruned90.close();
  }

  /** {@code w} with its {@code share} smallest-magnitude elements set to zero. */
  static float[] pruned(float[] w, double share) {
    float[] magnitudes = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      magnitudes[i] = Math.abs(w[i]);
    }
    Arrays.sort(magnitudes);
    float threshold = magnitudes[(int) (share * (w.length - 1))];
    float[] out = w.clone();
    for (int i = 0; i < out.length; i++) {
      if (Math.abs(out[i]) <= threshold) {
        out[i] = 0;
      }
    }
    return out;
  }

  private static byte[] layer(float[] w) {
    return OnnxGraph.builder("layer").input("x", DataType.FP32, "batch", Integer.toString(WIDTH))
        .initializer("w", Tensor.ofFloats(w, WIDTH, WIDTH))
        .initializer("b", Tensor.ofFloats(new float[WIDTH], WIDTH))
        .node("Gemm", List.of("x", "w", "b"), List.of("h")).node("Relu", List.of("h"), List.of("y"))
        .output("y", DataType.FP32, "batch", Integer.toString(WIDTH)).build().toByteArray();
  }

  /** All weights: the reference. */
  @Benchmark
  public Tensor dense() {
    return dense.predictor().predict(request).get("y");
  }

  /** Half the weights zero. */
  @Benchmark
  public Tensor pruned50() {
    return pruned50.predictor().predict(request).get("y");
  }

  /** Nine tenths of the weights zero. */
  @Benchmark
  public Tensor pruned90() {
    return pruned90.predictor().predict(request).get("y");
  }
}
