package dev.maas.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.FunctionModel;
import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.ScaleModel;
import dev.maas.Tensor;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** {@link Explainer} on models computed in Java, against textbook Shapley values. */
class ExplainerTest {
  private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "ignored");

  /**
   * Nonlinear, with interactions of two, three and four features (pairwise-only games would make
   * paired Kernel SHAP exact), a feature it never reads, and b and c interchangeable.
   */
  private static final ToDoubleFunction<double[]> F = x -> Math.sin(x[0]) + 1.5 * x[1] * x[2] + Math.exp(0.3 * x[3])
      + 0.5 * x[4] * x[4] - 0.7 * x[0] * x[4] + 0.8 * x[0] * (x[1] + x[2]) * x[3] + Math.tanh(x[0] + x[1] + x[2] - x[4]);

  private static double[][] gaussian(int n, int p, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[n][p];
    for (double[] row : out) {
      for (int j = 0; j < p; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return out;
  }

  private static Background background() {
    return Background.of(NAMES, gaussian(20, 6, 11));
  }

  @Test
  void explain_exact_equalsBruteForceShapley() {
    FunctionModel model = new FunctionModel(NAMES, F);
    Background background = background();
    double[][] rows = gaussian(5, 6, 12);
    Explanation e = Explainer.of(model, background).explain(rows);
    assertThat(e.method()).isEqualTo(ExplainMethod.EXACT);
    assertThat(e.coalitionsPerRow()).isEqualTo(62);
    for (int i = 0; i < rows.length; i++) {
      double[] expected = BruteForceShapley.values(F, rows[i], background.rows());
      for (int j = 0; j < 6; j++) {
        assertThat(e.attribution(i, j)).as("row %d feature %d", i, j).isCloseTo(expected[j], within(1e-9));
        assertThat(e.standardError(i, 0, j)).isZero();
      }
      assertThat(e.attribution(i, 5)).as("missingness").isCloseTo(0, within(1e-12));
      assertThat(e.prediction(i)).isEqualTo(F.applyAsDouble(rows[i]));
    }
  }

  @Test
  void explain_everyMode_isLocallyAccurate() {
    FunctionModel model = new FunctionModel(NAMES, F);
    Background background = background();
    double[][] rows = gaussian(4, 6, 13);
    double base = BruteForceShapley.value(F, new double[6], background.rows(), List.of());
    for (ExplainMethod method : List.of(ExplainMethod.EXACT, ExplainMethod.KERNEL)) {
      Explanation e = Explainer.builder(model, background).method(method).build().explain(rows);
      assertThat(e.baseValue()).isCloseTo(base, within(1e-12));
      for (int i = 0; i < rows.length; i++) {
        double sum = 0;
        for (double a : e.attributions(i)) {
          sum += a;
        }
        assertThat(sum).as("%s row %d", method, i).isCloseTo(e.prediction(i) - e.baseValue(), within(1e-9));
      }
    }
  }

  @Test
  void explain_kernel_agreesWithExactWithinReportedError() {
    FunctionModel model = new FunctionModel(NAMES, F);
    Background background = background();
    double[][] rows = gaussian(6, 6, 14);
    Explanation exact = Explainer.builder(model, background).method(ExplainMethod.EXACT).build().explain(rows);
    Explanation kernel = Explainer.builder(model, background).method(ExplainMethod.KERNEL).samples(4000).seed(3)
        .build().explain(rows);
    assertThat(kernel.method()).isEqualTo(ExplainMethod.KERNEL);
    assertThat(kernel.coalitionsPerRow()).isEqualTo(4000);
    int outside2 = 0;
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < 6; j++) {
        double error = kernel.standardError(i, 0, j);
        double gap = Math.abs(kernel.attribution(i, j) - exact.attribution(i, j));
        assertThat(gap).as("row %d feature %d: gap vs 4 standard errors", i, j).isLessThanOrEqualTo(4 * error + 1e-12);
        if (gap > 2 * error) {
          outside2++;
        }
      }
      assertThat(kernel.standardError(i, 0, 1)).as("a feature that matters has sampling error").isPositive();
    }
    assertThat(outside2).as("gaps beyond 2 standard errors, of 36").isLessThanOrEqualTo(6);
  }

  @Test
  void explain_kernelSameSeed_isBitForBitReproducible() {
    FunctionModel model = new FunctionModel(NAMES, F);
    double[][] rows = gaussian(3, 6, 15);
    Explanation first = Explainer.builder(model, background()).method(ExplainMethod.KERNEL).seed(42).build()
        .explain(rows);
    Explanation second = Explainer.builder(model, background()).method(ExplainMethod.KERNEL).seed(42).batchRows(333)
        .build().explain(rows);
    Explanation other = Explainer.builder(model, background()).method(ExplainMethod.KERNEL).seed(43).build()
        .explain(rows);
    for (int i = 0; i < rows.length; i++) {
      assertThat(second.attributions(i)).isEqualTo(first.attributions(i));
      assertThat(second.standardErrors(i, 0)).isEqualTo(first.standardErrors(i, 0));
    }
    assertThat(other.attributions(0)).isNotEqualTo(first.attributions(0));
  }

  @Test
  void explain_interchangeableFeatures_getEqualValuesExactlyOrWithinError() {
    FunctionModel model = new FunctionModel(NAMES, F);
    double[][] bg = gaussian(15, 6, 16);
    for (double[] row : bg) {
      row[2] = row[1];
    }
    double[] x = {0.3, 1.2, 1.2, -0.4, 0.8, 5};
    for (ExplainMethod method : List.of(ExplainMethod.EXACT, ExplainMethod.KERNEL)) {
      Explanation e = Explainer.builder(model, Background.of(NAMES, bg)).method(method).build()
          .explain(new double[][] {x});
      double tolerance = method == ExplainMethod.EXACT ? 1e-9
          : 4 * Math.hypot(e.standardError(0, 0, 1), e.standardError(0, 0, 2));
      assertThat(e.attribution(0, 1)).as(method.name()).isCloseTo(e.attribution(0, 2), within(tolerance));
      double missing = method == ExplainMethod.EXACT ? 1e-9 : 4 * e.standardError(0, 0, 5);
      assertThat(e.attribution(0, 5)).as(method.name()).isCloseTo(0, within(missing));
    }
  }

  @Test
  void explain_batchesCoalitionsIntoFewPredictorCalls() {
    FunctionModel model = new FunctionModel(NAMES, F);
    Explainer explainer = Explainer.builder(model, background()).batchRows(1000).build();
    model.calls.set(0);
    model.rows.set(0);
    Explanation e = explainer.explain(gaussian(3, 6, 17));
    long evaluated = 3L * e.coalitionsPerRow() * 20;
    assertThat(model.rows.get()).isEqualTo(evaluated + 3);
    assertThat(model.calls.get()).isEqualTo((int) ((evaluated + 999) / 1000) + 1);
    Explanation small = Explainer.builder(model, background()).batchRows(7).build().explain(gaussian(3, 6, 17));
    for (int i = 0; i < 3; i++) {
      assertThat(small.attributions(i)).isEqualTo(e.attributions(i));
    }
  }

  @Test
  void explain_multiOutput_explainsEveryColumn() {
    try (ScaleModel model = new ScaleModel(3)) {
      double[][] bg = gaussian(10, 2, 18);
      Background background = Background.of(List.of("u", "v"), bg);
      Explainer explainer = Explainer.builder(model.predictor(), background).output("y").build();
      assertThat(explainer.outputColumns()).isEqualTo(2);
      double[] means = background.means();
      double[][] rows = gaussian(3, 2, 19);
      Explanation e = explainer.explain(rows);
      for (int i = 0; i < rows.length; i++) {
        for (int col = 0; col < 2; col++) {
          assertThat(e.prediction(i, col)).isEqualTo(3 * rows[i][col]);
          for (int j = 0; j < 2; j++) {
            double expected = j == col ? 3 * (rows[i][j] - means[j]) : 0;
            assertThat(e.attribution(i, col, j)).isCloseTo(expected, within(1e-12));
          }
        }
      }
      assertThat(Explainer.builder(model.predictor(), background).build().output()).as("first FP output").isEqualTo("y");
    }
  }

  @Test
  void explain_singleFeature_attributesWholeDifference() {
    FunctionModel model = new FunctionModel(List.of("only"), x -> x[0] * x[0]);
    Background background = Background.of(List.of("only"), new double[][] {{1}, {3}});
    for (ExplainMethod method : List.of(ExplainMethod.EXACT, ExplainMethod.KERNEL)) {
      Explanation e = Explainer.builder(model, background).method(method).build().explain(new double[][] {{2}});
      assertThat(e.attribution(0, 0)).isEqualTo(4 - 5.0);
    }
  }

  @Test
  void build_badBackgroundOrMethod_throwsClearErrors() {
    FunctionModel model = new FunctionModel(NAMES, F);
    assertThatThrownBy(() -> Background.of(NAMES, new double[0][])).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no rows");
    Background wrongColumns = Background.of(List.of("a", "b", "c", "d", "e", "zzz"), gaussian(3, 6, 1));
    assertThatThrownBy(() -> Explainer.of(model, wrongColumns)).isInstanceOf(InvalidInputException.class)
        .hasMessage("background: column 'zzz' is not a feature of the model (features: a, b, c, d, e, ignored)");
    Background tooFew = Background.of(List.of("a", "b"), gaussian(3, 2, 1));
    assertThatThrownBy(() -> Explainer.of(model, tooFew)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no column for feature 'c'");
    double[][] nan = gaussian(3, 6, 1);
    nan[1][3] = Double.NaN;
    assertThatThrownBy(() -> Background.of(NAMES, nan)).isInstanceOf(InvalidInputException.class)
        .hasMessage("background: row 1, feature 'd' is NaN; values must be finite");
    assertThatThrownBy(() -> Explainer.builder(model, background()).method(ExplainMethod.EXACT).exactLimit(5).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("beyond the exact limit of 5 features");
    assertThatThrownBy(() -> Explainer.builder(model, background()).method(ExplainMethod.FORMAT).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no exact explainer of its own");
    assertThatThrownBy(() -> Explainer.builder(model, background()).method(ExplainMethod.KERNEL).samples(4).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 2p = 12 samples");
    assertThatThrownBy(() -> Explainer.builder(model, background()).exactLimit(21))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Explainer.builder(model, background()).output("nope").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no output 'nope'");
  }

  @Test
  void build_autoBeyondExactLimit_usesKernel() {
    FunctionModel model = new FunctionModel(NAMES, F);
    assertThat(Explainer.builder(model, background()).exactLimit(5).build().method()).isEqualTo(ExplainMethod.KERNEL);
    assertThat(Explainer.of(model, background()).method()).isEqualTo(ExplainMethod.EXACT);
  }

  @Test
  void explain_badRows_throwClearErrors() {
    Explainer explainer = Explainer.of(new FunctionModel(NAMES, F), background());
    assertThatThrownBy(() -> explainer.explain(new double[][] {{1, 2, 3}})).isInstanceOf(InvalidInputException.class)
        .hasMessage("row 0 has 3 values, expected 6 (a, b, c, d, e, ignored)");
    assertThatThrownBy(() -> explainer.explain(new double[][] {{1, 2, 3, 4, 5, 6}, {1, 2, Double.POSITIVE_INFINITY, 4,
        5, 6}})).isInstanceOf(InvalidInputException.class)
        .hasMessage("row 1, feature 'c' is Infinity; values must be finite");
    assertThatThrownBy(() -> explainer.explain(Tensor.ofDoubles(new double[4], 2, 2)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("shape [-1, 6]");
    assertThat(explainer.explain(new double[0][]).rowCount()).isZero();
  }

  @Test
  void explain_modelReturnsNaN_throwsMaasException() {
    FunctionModel model = new FunctionModel(NAMES, x -> x[0] > 10 ? Double.NaN : x[0]);
    Explainer explainer = Explainer.of(model, background());
    assertThatThrownBy(() -> explainer.explain(new double[][] {{11, 0, 0, 0, 0, 0}}))
        .isInstanceOf(MaasException.class).hasMessageContaining("model output 'y' is NaN");
  }

  @Test
  void explain_tensorRows_equalArrayRows() {
    Explainer explainer = Explainer.of(new FunctionModel(NAMES, F), background());
    double[][] rows = gaussian(2, 6, 20);
    double[] flat = new double[12];
    System.arraycopy(rows[0], 0, flat, 0, 6);
    System.arraycopy(rows[1], 0, flat, 6, 6);
    Explanation fromTensor = explainer.explain(Tensor.ofDoubles(flat, 2, 6));
    Explanation fromArrays = explainer.explain(rows);
    assertThat(fromTensor.attributionMatrix(0)).isDeepEqualTo(fromArrays.attributionMatrix(0));
    assertThat(fromTensor.attributionsByName(1, 0)).containsOnlyKeys(NAMES);
  }
}
