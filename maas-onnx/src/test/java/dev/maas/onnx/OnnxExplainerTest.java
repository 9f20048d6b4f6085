package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.explain.Background;
import dev.maas.explain.BruteForceShapley;
import dev.maas.explain.ExplainMethod;
import dev.maas.explain.Explainer;
import dev.maas.explain.Explanation;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Shapley values of a small nonlinear ONNX model built in code, run by ONNX Runtime, against
 * textbook Shapley values of the same function computed in Java.
 */
class OnnxExplainerTest {
  private static final int P = 6;
  private static final int HIDDEN = 5;
  private static final int CLASSES = 3;
  private static final List<String> NAMES = List.of("f0", "f1", "f2", "f3", "f4", "unused");

  /**
   * FP64 throughout: {@code h = tanh(x W1 + b1)}, {@code y = h w2 + b2 + x0·x1} (an explicit
   * interaction on top of the MLP's own) and {@code probabilities = softmax(h W3)}; row 5 of
   * {@code W1} is zero, so feature 5 is read but ignored.
   */
  private static final class Net {
    final double[] w1 = new double[P * HIDDEN];
    final double[] b1 = new double[HIDDEN];
    final double[] w2 = new double[HIDDEN];
    final double[] b2 = new double[1];
    final double[] w3 = new double[HIDDEN * CLASSES];

    Net(long seed) {
      Random random = new Random(seed);
      for (int i = 0; i < w1.length; i++) {
        w1[i] = i / HIDDEN == P - 1 ? 0 : random.nextGaussian();
      }
      for (double[] a : List.of(b1, w2, b2, w3)) {
        for (int i = 0; i < a.length; i++) {
          a[i] = random.nextGaussian();
        }
      }
    }

    byte[] graph() {
      double[] pick0 = new double[P];
      double[] pick1 = new double[P];
      pick0[0] = 1;
      pick1[1] = 1;
      return OnnxGraph.builder("explain_mlp").metadata("features", String.join(",", NAMES))
          .input("x", DataType.FP64, "batch", Integer.toString(P))
          .initializer("w1", Tensor.ofDoubles(w1, P, HIDDEN)).initializer("b1", Tensor.ofDoubles(b1, HIDDEN))
          .initializer("w2", Tensor.ofDoubles(w2, HIDDEN, 1)).initializer("b2", Tensor.ofDoubles(b2, 1))
          .initializer("w3", Tensor.ofDoubles(w3, HIDDEN, CLASSES))
          .initializer("pick0", Tensor.ofDoubles(pick0, P, 1)).initializer("pick1", Tensor.ofDoubles(pick1, P, 1))
          .node("MatMul", List.of("x", "w1"), List.of("z0")).node("Add", List.of("z0", "b1"), List.of("z"))
          .node("Tanh", List.of("z"), List.of("h"))
          .node("MatMul", List.of("h", "w2"), List.of("m0")).node("Add", List.of("m0", "b2"), List.of("m"))
          .node("MatMul", List.of("x", "pick0"), List.of("x0")).node("MatMul", List.of("x", "pick1"), List.of("x1"))
          .node("Mul", List.of("x0", "x1"), List.of("inter")).node("Add", List.of("m", "inter"), List.of("y"))
          .node("MatMul", List.of("h", "w3"), List.of("logits"))
          .node("Softmax", List.of("logits"), List.of("probabilities"), java.util.Map.of("axis", 1L))
          .output("y", DataType.FP64, "batch", "1").output("probabilities", DataType.FP64, "batch",
              Integer.toString(CLASSES))
          .build().toByteArray();
    }

    private double[] hidden(double[] x) {
      double[] h = new double[HIDDEN];
      for (int k = 0; k < HIDDEN; k++) {
        double z = b1[k];
        for (int j = 0; j < P; j++) {
          z += x[j] * w1[j * HIDDEN + k];
        }
        h[k] = Math.tanh(z);
      }
      return h;
    }

    double y(double[] x) {
      double[] h = hidden(x);
      double out = b2[0] + x[0] * x[1];
      for (int k = 0; k < HIDDEN; k++) {
        out += h[k] * w2[k];
      }
      return out;
    }

    double probability(double[] x, int c) {
      double[] h = hidden(x);
      double[] logits = new double[CLASSES];
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < CLASSES; i++) {
        for (int k = 0; k < HIDDEN; k++) {
          logits[i] += h[k] * w3[k * CLASSES + i];
        }
        max = Math.max(max, logits[i]);
      }
      double sum = 0;
      for (int i = 0; i < CLASSES; i++) {
        sum += Math.exp(logits[i] - max);
      }
      return Math.exp(logits[c] - max) / sum;
    }
  }

  private static double[][] gaussian(int n, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[n][P];
    for (double[] row : out) {
      for (int j = 0; j < P; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return out;
  }

  @Test
  void explain_exactOnOnnxMlp_equalsBruteForceShapley() {
    Net net = new Net(21);
    Background background = Background.of(NAMES, gaussian(25, 22));
    double[][] rows = gaussian(4, 23);
    try (OnnxModel model = OnnxModel.fromBytes(net.graph())) {
      Explainer explainer = Explainer.builder(model, background).output("y").build();
      assertThat(explainer.method()).isEqualTo(ExplainMethod.EXACT);
      assertThat(explainer.featureNames()).isEqualTo(NAMES);
      Explanation e = explainer.explain(rows);
      for (int i = 0; i < rows.length; i++) {
        double[] expected = BruteForceShapley.values(net::y, rows[i], background.rows());
        double sum = 0;
        for (int j = 0; j < P; j++) {
          assertThat(e.attribution(i, j)).as("row %d feature %d", i, j).isCloseTo(expected[j], within(1e-9));
          sum += e.attribution(i, j);
        }
        assertThat(e.attribution(i, P - 1)).as("the ignored feature").isCloseTo(0, within(1e-12));
        assertThat(e.prediction(i)).isCloseTo(net.y(rows[i]), within(1e-12));
        assertThat(sum).as("local accuracy").isCloseTo(e.prediction(i) - e.baseValue(), within(1e-9));
      }
    }
  }

  @Test
  void explain_kernelOnOnnxMlp_agreesWithExactWithinReportedError() {
    Net net = new Net(31);
    Background background = Background.of(NAMES, gaussian(25, 32));
    double[][] rows = gaussian(5, 33);
    try (OnnxModel model = OnnxModel.fromBytes(net.graph())) {
      Explanation exact = Explainer.builder(model, background).output("y").method(ExplainMethod.EXACT).build()
          .explain(rows);
      Explanation kernel = Explainer.builder(model, background).output("y").method(ExplainMethod.KERNEL)
          .samples(3000).seed(5).build().explain(rows);
      Explanation again = Explainer.builder(model, background).output("y").method(ExplainMethod.KERNEL)
          .samples(3000).seed(5).build().explain(rows);
      int nonzeroErrors = 0;
      for (int i = 0; i < rows.length; i++) {
        double sum = 0;
        for (int j = 0; j < P; j++) {
          double error = kernel.standardError(i, 0, j);
          assertThat(Math.abs(kernel.attribution(i, j) - exact.attribution(i, j))).as("row %d feature %d", i, j)
              .isLessThanOrEqualTo(4 * error + 1e-12);
          nonzeroErrors += error > 0 ? 1 : 0;
          sum += kernel.attribution(i, j);
        }
        assertThat(sum).as("local accuracy").isCloseTo(kernel.prediction(i) - kernel.baseValue(), within(1e-9));
        assertThat(again.attributions(i)).as("same seed, same bits").isEqualTo(kernel.attributions(i));
      }
      assertThat(nonzeroErrors).as("a model with interactions of three or more has sampling error").isPositive();
    }
  }

  @Test
  void explain_probabilityOutput_explainsEveryClass() {
    Net net = new Net(41);
    Background background = Background.of(NAMES, gaussian(10, 42));
    double[][] rows = gaussian(2, 43);
    try (OnnxModel model = OnnxModel.fromBytes(net.graph())) {
      Explanation e = Explainer.builder(model, background).output("probabilities").build().explain(rows);
      assertThat(e.outputColumns()).isEqualTo(CLASSES);
      for (int c = 0; c < CLASSES; c++) {
        int cls = c;
        ToDoubleFunction<double[]> f = x -> net.probability(x, cls);
        for (int i = 0; i < rows.length; i++) {
          double[] expected = BruteForceShapley.values(f, rows[i], background.rows());
          for (int j = 0; j < P; j++) {
            assertThat(e.attribution(i, c, j)).as("class %d row %d feature %d", c, i, j)
                .isCloseTo(expected[j], within(1e-9));
          }
        }
      }
    }
  }

  @Test
  void explain_fp32Mlp_isLocallyAccurate() {
    TestGraphs.Mlp mlp = new TestGraphs.Mlp(51);
    List<String> names = new java.util.ArrayList<>();
    for (int j = 0; j < TestGraphs.MLP_IN; j++) {
      names.add("in" + j);
    }
    Random random = new Random(52);
    double[][] bg = new double[8][TestGraphs.MLP_IN];
    double[][] rows = new double[2][TestGraphs.MLP_IN];
    for (double[][] a : List.of(bg, rows)) {
      for (double[] row : a) {
        for (int j = 0; j < row.length; j++) {
          row[j] = random.nextGaussian();
        }
      }
    }
    try (OnnxModel model = OnnxModel.fromBytes(mlp.graph())) {
      Explainer explainer = Explainer.builder(model, Background.of(names, bg)).build();
      assertThat(explainer.method()).as("16 features are beyond the exact limit").isEqualTo(ExplainMethod.KERNEL);
      Explanation e = explainer.explain(rows);
      for (int i = 0; i < rows.length; i++) {
        double sum = 0;
        for (double a : e.attributions(i)) {
          sum += a;
        }
        assertThat(sum).isCloseTo(e.prediction(i) - e.baseValue(), within(1e-9));
      }
    }
  }
}
