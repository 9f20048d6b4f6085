package dev.maas.onnx;

import dev.maas.DataType;
import dev.maas.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The ONNX models the tests run, built in code with {@link OnnxGraph} (nothing is downloaded). */
final class TestGraphs {
  static final int MLP_IN = 16;
  static final int MLP_HIDDEN = 32;

  private TestGraphs() {}

  /** {@code y = Identity(x)}, x of {@code type} with shape [batch, 3]. */
  static byte[] identity(DataType type) {
    return OnnxGraph.builder("identity_" + type).input("x", type, "batch", "3")
        .node("Identity", List.of("x"), List.of("y")).output("y", type, "batch", "3").build().toByteArray();
  }

  /** {@code y = Cast(x, to)}, x INT32 [batch], for unsigned outputs. */
  static byte[] castFromInt32(DataType to) {
    return OnnxGraph.builder("cast").input("x", DataType.INT32, "batch")
        .node("Cast", List.of("x"), List.of("y"), Map.of("to", (long) OnnxGraph.elementType(to)))
        .output("y", to, "batch").build().toByteArray();
  }

  /** Two inputs a, b FP32 [batch, 2]; outputs sum = a + b, product = a * b, total = ReduceSum(sum) (rank 0). */
  static byte[] multiInputMultiOutput() {
    return OnnxGraph.builder("multi")
        .input("a", DataType.FP32, "batch", "2").input("b", DataType.FP32, "batch", "2")
        .node("Add", List.of("a", "b"), List.of("sum"))
        .node("Mul", List.of("a", "b"), List.of("product"))
        .node("ReduceSum", List.of("sum"), List.of("total"), Map.of("keepdims", 0L))
        .output("sum", DataType.FP32, "batch", "2").output("product", DataType.FP32, "batch", "2")
        .output("total", DataType.FP32).build().toByteArray();
  }

  /** x FP64 [batch, 2] times scalar s FP64 [] gives y FP64 [batch, 2]. */
  static byte[] scaleByScalar() {
    return OnnxGraph.builder("scalar").input("x", DataType.FP64, "batch", "2").input("s", DataType.FP64)
        .node("Mul", List.of("x", "s"), List.of("y")).output("y", DataType.FP64, "batch", "2").build().toByteArray();
  }

  /** The MLP's weights, from a fixed seed. */
  static final class Mlp {
    final float[] w1 = new float[MLP_IN * MLP_HIDDEN];
    final float[] b1 = new float[MLP_HIDDEN];
    final float[] w2 = new float[MLP_HIDDEN];
    final float[] b2 = new float[1];

    Mlp(long seed) {
      Random random = new Random(seed);
      fill(random, w1);
      fill(random, b1);
      fill(random, w2);
      fill(random, b2);
    }

    private static void fill(Random random, float[] a) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (random.nextGaussian() * 0.3);
      }
    }

    /** The graph: y = Relu(x W1 + b1) W2 + b2, x FP32 [batch, 16], y FP32 [batch, 1]. */
    byte[] graph() {
      return OnnxGraph.builder("mlp").input("x", DataType.FP32, "batch", Integer.toString(MLP_IN))
          .initializer("w1", Tensor.ofFloats(w1, MLP_IN, MLP_HIDDEN)).initializer("b1", Tensor.ofFloats(b1, MLP_HIDDEN))
          .initializer("w2", Tensor.ofFloats(w2, MLP_HIDDEN, 1)).initializer("b2", Tensor.ofFloats(b2, 1))
          .node("MatMul", List.of("x", "w1"), List.of("h0")).node("Add", List.of("h0", "b1"), List.of("h1"))
          .node("Relu", List.of("h1"), List.of("h")).node("MatMul", List.of("h", "w2"), List.of("y0"))
          .node("Add", List.of("y0", "b2"), List.of("y")).output("y", DataType.FP32, "batch", "1").build().toByteArray();
    }

    /** The MLP computed in Java, in double precision. */
    double[] predict(float[] x, int rows) {
      double[] y = new double[rows];
      for (int r = 0; r < rows; r++) {
        double out = b2[0];
        for (int j = 0; j < MLP_HIDDEN; j++) {
          double h = b1[j];
          for (int i = 0; i < MLP_IN; i++) {
            h += (double) x[r * MLP_IN + i] * w1[i * MLP_HIDDEN + j];
          }
          out += Math.max(h, 0) * w2[j];
        }
        y[r] = out;
      }
      return y;
    }
  }

  /** Random FP32 rows from {@code seed}. */
  static float[] randomFloats(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }
}
