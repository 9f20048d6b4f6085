package dev.maas.benchmarks;

import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxGraph;
import java.util.List;
import java.util.Random;

/** The ONNX models the ONNX benchmarks run, written in code with fixed seeds. Stateless. */
final class OnnxModels {
  static final int FEATURES = 16;
  private static final int HIDDEN = 32;

  private OnnxModels() {}

  /** The serialized model {@code name}: {@code tiny} (16 to 1, one Gemm) or {@code mlp} (16-32-1, ReLU). */
  static byte[] model(String name) {
    Random random = new Random(42);
    return switch (name) {
      case "tiny" -> OnnxGraph.builder("tiny").input("x", DataType.FP32, "batch", Integer.toString(FEATURES))
          .initializer("w", Tensor.ofFloats(floats(random, FEATURES), FEATURES, 1))
          .initializer("b", Tensor.ofFloats(floats(random, 1), 1))
          .node("Gemm", List.of("x", "w", "b"), List.of("y")).output("y", DataType.FP32, "batch", "1")
          .build().toByteArray();
      case "mlp" -> OnnxGraph.builder("mlp").input("x", DataType.FP32, "batch", Integer.toString(FEATURES))
          .initializer("w1", Tensor.ofFloats(floats(random, FEATURES * HIDDEN), FEATURES, HIDDEN))
          .initializer("b1", Tensor.ofFloats(floats(random, HIDDEN), HIDDEN))
          .initializer("w2", Tensor.ofFloats(floats(random, HIDDEN), HIDDEN, 1))
          .initializer("b2", Tensor.ofFloats(floats(random, 1), 1))
          .node("Gemm", List.of("x", "w1", "b1"), List.of("h0")).node("Relu", List.of("h0"), List.of("h"))
          .node("Gemm", List.of("h", "w2", "b2"), List.of("y")).output("y", DataType.FP32, "batch", "1")
          .build().toByteArray();
      default -> throw new IllegalArgumentException("unknown model " + name);
    };
  }

  /** {@code n} Gaussian floats from {@code random}. */
  static float[] floats(Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextGaussian() * 0.3);
    }
    return out;
  }
}
