package dev.maas.benchmarks;

import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxQuantizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The models the quantisation benchmarks run, written in code with fixed seeds: an MLP
 * 512-1024-1024-256 (Gemm, Relu, Gemm, Relu, Gemm) and a small CNN on [batch, 3, 32, 32] (three
 * 3x3 Conv + Relu, the last two with stride 2, GlobalAveragePool, Flatten, Gemm to 10 classes,
 * Softmax), each with its INT8 and FP16 variants from {@link OnnxQuantizer}. Stateless.
 */
final class QuantizationModels {
  static final int MLP_IN = 512;
  static final long[] CNN_IMAGE = {3, 32, 32};

  private QuantizationModels() {}

  /** The FP32 model {@code mlp} or {@code cnn}. */
  static byte[] fp32(String model) {
    Random r = new Random(2026);
    return switch (model) {
      case "mlp" -> OnnxGraph.builder("mlp").input("x", DataType.FP32, "batch", "512")
          .initializer("w1", weights(r, 0.05, 512, 1024)).initializer("b1", weights(r, 0.05, 1024))
          .initializer("w2", weights(r, 0.03, 1024, 1024)).initializer("b2", weights(r, 0.05, 1024))
          .initializer("w3", weights(r, 0.03, 1024, 256)).initializer("b3", weights(r, 0.05, 256))
          .node("Gemm", List.of("x", "w1", "b1"), List.of("h1")).node("Relu", List.of("h1"), List.of("a1"))
          .node("Gemm", List.of("a1", "w2", "b2"), List.of("h2")).node("Relu", List.of("h2"), List.of("a2"))
          .node("Gemm", List.of("a2", "w3", "b3"), List.of("y")).output("y", DataType.FP32, "batch", "256")
          .build().toByteArray();
      case "cnn" -> OnnxGraph.builder("cnn").input("x", DataType.FP32, "batch", "3", "32", "32")
          .initializer("k1", weights(r, 0.2, 16, 3, 3, 3)).initializer("c1", weights(r, 0.05, 16))
          .initializer("k2", weights(r, 0.1, 32, 16, 3, 3)).initializer("c2", weights(r, 0.05, 32))
          .initializer("k3", weights(r, 0.07, 64, 32, 3, 3)).initializer("c3", weights(r, 0.05, 64))
          .initializer("fc", weights(r, 0.3, 64, 10)).initializer("fb", weights(r, 0.05, 10))
          .node("Conv", List.of("x", "k1", "c1"), List.of("f1"), Map.of("pads", new long[] {1, 1, 1, 1}))
          .node("Relu", List.of("f1"), List.of("r1"))
          .node("Conv", List.of("r1", "k2", "c2"), List.of("f2"),
              Map.of("pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2}))
          .node("Relu", List.of("f2"), List.of("r2"))
          .node("Conv", List.of("r2", "k3", "c3"), List.of("f3"),
              Map.of("pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2}))
          .node("Relu", List.of("f3"), List.of("r3"))
          .node("GlobalAveragePool", List.of("r3"), List.of("g")).node("Flatten", List.of("g"), List.of("flat"))
          .node("Gemm", List.of("flat", "fc", "fb"), List.of("logits"))
          .node("Softmax", List.of("logits"), List.of("y"), Map.of("axis", 1L))
          .output("y", DataType.FP32, "batch", "10").build().toByteArray();
      default -> throw new IllegalArgumentException("unknown model " + model);
    };
  }

  /**
   * Variant {@code variant} of {@code model}: {@code fp32}, {@code int8Dynamic}, {@code
   * int8DynamicPerChannel}, {@code int8Static}, {@code int8StaticPerChannel} or {@code fp16}.
   */
  static byte[] variant(String model, String variant) {
    byte[] fp32 = fp32(model);
    OnnxQuantizer perTensor = OnnxQuantizer.defaults();
    OnnxQuantizer perChannel = OnnxQuantizer.builder().granularity(OnnxQuantizer.Granularity.PER_CHANNEL).build();
    return switch (variant) {
      case "fp32" -> fp32;
      case "int8Dynamic" -> perTensor.int8Dynamic(fp32).graph().toByteArray();
      case "int8DynamicPerChannel" -> perChannel.int8Dynamic(fp32).graph().toByteArray();
      case "int8Static" -> perTensor.int8Static(fp32, calibration(model)).graph().toByteArray();
      case "int8StaticPerChannel" -> perChannel.int8Static(fp32, calibration(model)).graph().toByteArray();
      case "fp16" -> perTensor.fp16(fp32).graph().toByteArray();
      default -> throw new IllegalArgumentException("unknown variant " + variant);
    };
  }

  /** Sixteen requests of eight rows, from a seed apart from the measured inputs'. */
  static List<Map<String, Tensor>> calibration(String model) {
    List<Map<String, Tensor>> out = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      out.add(Map.of("x", input(model, 8, 100 + i)));
    }
    return out;
  }

  /** A batch of {@code rows} Gaussian rows for {@code model}. */
  static Tensor input(String model, int rows, long seed) {
    long[] shape = model.equals("mlp") ? new long[] {rows, MLP_IN}
        : new long[] {rows, CNN_IMAGE[0], CNN_IMAGE[1], CNN_IMAGE[2]};
    Random r = new Random(seed);
    float[] x = new float[Tensor.elementCount(shape)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return Tensor.ofFloats(x, shape);
  }

  private static Tensor weights(Random r, double sd, long... shape) {
    float[] w = new float[Tensor.elementCount(shape)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (r.nextGaussian() * sd);
    }
    return Tensor.ofFloats(w, shape);
  }
}
