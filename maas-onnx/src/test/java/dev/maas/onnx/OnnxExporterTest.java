package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import dev.maas.DataType;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnnxExporterTest {
  private static final double FP64_RELATIVE = 1e-12;
  private static final double FP32_RELATIVE = 1e-5;

  private static TestAffineModel randomModel(int p, long seed, boolean columnOutput) {
    Random random = new Random(seed);
    double[] c = new double[p];
    for (int i = 0; i < p; i++) {
      c[i] = random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3);
    }
    return new TestAffineModel(c, random.nextGaussian() * 100, columnOutput);
  }

  private static Tensor rows(int n, int p, long seed) {
    Random random = new Random(seed);
    double[] x = new double[n * p];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian() * 10;
    }
    return Tensor.ofDoubles(x, n, p);
  }

  private static void assertRelative(double actual, double expected, double relative, String what) {
    assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs " + expected)
        .isLessThanOrEqualTo(relative * Math.max(Math.abs(expected), 1e-300));
  }

  @Test
  void export_fp64_ortOutputEqualsMaasOutputTo1e12() {
    for (boolean column : new boolean[] {false, true}) {
      TestAffineModel maas = randomModel(16, 3, column);
      OnnxGraph graph = OnnxExporter.export(maas, OnnxExporter.Precision.FP64);
      try (OnnxModel onnx = OnnxModel.fromBytes(graph.toByteArray())) {
        assertThat(onnx.signature()).isEqualTo(maas.signature());
        Tensor x = rows(257, 16, 4);
        Tensor expected = maas.predictor().predict(Map.of("features", x)).get("prediction");
        Tensor actual = onnx.predictor().predict(Map.of("features", x)).get("prediction");
        assertThat(actual.shape()).isEqualTo(expected.shape());
        for (int i = 0; i < expected.size(); i++) {
          assertRelative(actual.getDouble(i), expected.getDouble(i), FP64_RELATIVE, "row " + i);
        }
      }
    }
  }

  @Test
  void export_fp64_keepsDigitsFp32WouldLose() {
    TestAffineModel maas = new TestAffineModel(new double[] {1e8, 0.3}, 0, false);
    try (OnnxModel onnx = OnnxModel.fromBytes(OnnxExporter.export(maas, OnnxExporter.Precision.FP64).toByteArray())) {
      double y = onnx.predictor().predict(Map.of("features", Tensor.ofDoubles(new double[] {1, 1}, 1, 2)))
          .get("prediction").getDouble(0);
      assertThat(y).isEqualTo(1e8 + 0.3);
    }
  }

  @Test
  void export_fp32_sameNamesFp32TypesCloseOutput() {
    TestAffineModel maas = randomModel(16, 8, false);
    try (OnnxModel onnx = OnnxModel.fromBytes(OnnxExporter.export(maas, OnnxExporter.Precision.FP32).toByteArray())) {
      assertThat(onnx.signature()).isEqualTo(new ModelSignature(
          List.of(TensorSpec.of("features", DataType.FP32, -1, 16)), List.of(TensorSpec.of("prediction", DataType.FP32, -1))));
      Tensor x = rows(64, 16, 9);
      float[] xf = x.toFloatArray();
      double[] expected = maas.predictor().predict(Map.of("features", Tensor.ofDoubles(toDoubles(xf), 64, 16)))
          .get("prediction").toDoubleArray();
      Tensor actual = onnx.predictor().predict(Map.of("features", Tensor.ofFloats(xf, 64, 16))).get("prediction");
      double scale = 0;
      for (double e : expected) {
        scale = Math.max(scale, Math.abs(e));
      }
      for (int i = 0; i < expected.length; i++) {
        // FP32 weights and sums: 1e-5 of the largest output
        assertThat(Math.abs(actual.getDouble(i) - expected[i])).as("row %d", i).isLessThanOrEqualTo(FP32_RELATIVE * scale);
      }
    }
  }

  @Test
  void export_notAffineShaped_throwsIllegalArgument() {
    TestAffineModel wrongWidth = new TestAffineModel(new double[] {1, 2}, 0, false) {
      @Override
      public double[] coefficients() {
        return new double[] {1, 2, 3};
      }
    };
    assertThatThrownBy(() -> OnnxExporter.export(wrongWidth, OnnxExporter.Precision.FP64))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("features");
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
