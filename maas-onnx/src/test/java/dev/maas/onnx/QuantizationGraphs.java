package dev.maas.onnx;

import dev.maas.DataType;
import dev.maas.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The models the quantisation tests rewrite, built in code from fixed seeds. */
final class QuantizationGraphs {
  static final int IN = 64;
  static final int HIDDEN = 128;
  static final int OUT = 16;

  private QuantizationGraphs() {}

  /**
   * An MLP 64-128-128-16: a Gemm with an initializer weight (transB, alpha, beta), a MatMul whose
   * weight comes from a Constant node, and a small last MatMul (2048 weights).
   */
  static OnnxGraph.Builder mlp(int opset, long seed) {
    Random r = new Random(seed);
    return OnnxGraph.builder("mlp").opset("", opset).metadata("owner", "tests").description("a test MLP")
        .input("x", DataType.FP32, "batch", Integer.toString(IN))
        .initializer("w1t", Tensor.ofFloats(gaussian(r, HIDDEN * IN, 0.15), HIDDEN, IN))
        .initializer("b1", Tensor.ofFloats(gaussian(r, HIDDEN, 0.1), HIDDEN))
        .initializer("w3", Tensor.ofFloats(gaussian(r, HIDDEN * OUT, 0.1), HIDDEN, OUT))
        .node("Gemm", List.of("x", "w1t", "b1"), List.of("h1"), Map.of("transB", 1L, "alpha", 0.5f, "beta", 2f))
        .node("Relu", List.of("h1"), List.of("a1"))
        .node("Constant", List.of(), List.of("w2"),
            Map.of("value", Tensor.ofFloats(gaussian(r, HIDDEN * HIDDEN, 0.1), HIDDEN, HIDDEN)))
        .node("MatMul", List.of("a1", "w2"), List.of("h2"))
        .node("Relu", List.of("h2"), List.of("a2"))
        .node("MatMul", List.of("a2", "w3"), List.of("y"))
        .output("y", DataType.FP32, "batch", Integer.toString(OUT));
  }

  /**
   * A small CNN on [batch, 3, 16, 16]: Conv 3->8 (3x3, bias) + Relu, Conv 8->16 (3x3, stride 2, bias)
   * + Relu, GlobalAveragePool, Flatten, MatMul 16->10 and Softmax: classifier-shaped output [batch, 10].
   */
  static OnnxGraph.Builder cnn(int opset, long seed) {
    Random r = new Random(seed);
    return OnnxGraph.builder("cnn").opset("", opset).input("image", DataType.FP32, "batch", "3", "16", "16")
        .initializer("k1", Tensor.ofFloats(gaussian(r, 8 * 3 * 9, 0.3), 8, 3, 3, 3))
        .initializer("c1", Tensor.ofFloats(gaussian(r, 8, 0.1), 8))
        .initializer("k2", Tensor.ofFloats(gaussian(r, 16 * 8 * 9, 0.15), 16, 8, 3, 3))
        .initializer("c2", Tensor.ofFloats(gaussian(r, 16, 0.1), 16))
        .initializer("fc", Tensor.ofFloats(gaussian(r, 16 * 10, 0.5), 16, 10))
        .node("Conv", List.of("image", "k1", "c1"), List.of("f1"), Map.of("pads", new long[] {1, 1, 1, 1}))
        .node("Relu", List.of("f1"), List.of("r1"))
        .node("Conv", List.of("r1", "k2", "c2"), List.of("f2"), Map.of("strides", new long[] {2, 2}))
        .node("Relu", List.of("f2"), List.of("r2"))
        .node("GlobalAveragePool", List.of("r2"), List.of("g"))
        .node("Flatten", List.of("g"), List.of("flat"))
        .node("MatMul", List.of("flat", "fc"), List.of("logits"))
        .node("Softmax", List.of("logits"), List.of("probabilities"), Map.of("axis", 1L))
        .output("probabilities", DataType.FP32, "batch", "10");
  }

  static float[] gaussian(Random r, int n, double sd) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextGaussian() * sd);
    }
    return out;
  }

  /** {@code rows} random rows shaped {@code [rows, dims...]}. */
  static Tensor batch(long seed, int rows, long... dims) {
    long[] shape = new long[dims.length + 1];
    shape[0] = rows;
    System.arraycopy(dims, 0, shape, 1, dims.length);
    return Tensor.ofFloats(gaussian(new Random(seed), Tensor.elementCount(shape), 1.0), shape);
  }
}
