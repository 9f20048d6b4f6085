package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.PublishOptions;
import dev.maas.StoredModel;
import dev.maas.TensorSpec;
import dev.maas.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confidence and prediction intervals against R's {@code predict.lm} definitions in closed form,
 * served through the model's declared {@code lower} and {@code upper} outputs.
 */
class IntervalTest {
  @TempDir Path root;

  /** The data of {@link FitReportStatisticsTest}: ŷ = 1.1 + 1.1 x, σ² = 1.35, n = 4, x̄ = 1.5, Sxx = 5. */
  private static final double[][] X = {{0}, {1}, {2}, {3}};
  private static final double[] Y = {1, 3, 2, 5};

  /** The two-sided t quantile on 2 degrees of freedom in closed form: F(t) = 1/2 + t / (2 sqrt(2 + t²)). */
  private static double t2(double level) {
    double a = level;
    return a * Math.sqrt(2 / (1 - a * a));
  }

  private static Map<String, Tensor> bounds(LinearRegressionModel model, double... xs) {
    return model.predictor().predict(Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(xs, xs.length, 1)),
        Set.of(LinearRegressionModel.OUTPUT, LinearRegressionModel.LOWER, LinearRegressionModel.UPPER));
  }

  @Test
  void predict_confidenceAndPredictionIntervals_matchClosedForms() {
    LinearRegressionModel fitted = LinearRegressionTrainer.ordinaryLeastSquares().fit(X, Y);
    assertThat(fitted.hasIntervals()).isTrue();
    assertThat(fitted.interval()).isEqualTo(Interval.PREDICTION);
    assertThat(fitted.intervalLevel()).isEqualTo(0.95);
    double[] xs = {1.5, 4, -2};
    for (double level : new double[] {0.95, 0.5, 0.99}) {
      for (Interval kind : Interval.values()) {
        Map<String, Tensor> out = bounds(fitted.withIntervals(kind, level), xs);
        for (int i = 0; i < xs.length; i++) {
          double fit = 1.1 + 1.1 * xs[i];
          double se2 = 1.35 * (0.25 + (xs[i] - 1.5) * (xs[i] - 1.5) / 5);
          double half = t2(level) * Math.sqrt(kind == Interval.CONFIDENCE ? se2 : 1.35 + se2);
          assertThat(out.get("prediction").getDouble(i)).isCloseTo(fit, within(1e-13));
          assertThat(out.get("lower").getDouble(i)).as("%s %s lower at %s", kind, level, xs[i])
              .isCloseTo(fit - half, within(1e-9));
          assertThat(out.get("upper").getDouble(i)).isCloseTo(fit + half, within(1e-9));
        }
      }
    }
  }

  @Test
  void signature_fittedModel_declaresBoundsComputedOnlyWhenAsked() {
    LinearRegressionModel fitted = LinearRegressionTrainer.ordinaryLeastSquares().fit(X, Y);
    assertThat(fitted.signature().outputs()).extracting(TensorSpec::name).containsExactly("prediction", "lower",
        "upper");
    Map<String, Tensor> inputs = Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(new double[] {2}, 1, 1));
    assertThat(fitted.predictor().predict(inputs, Set.of("prediction")).keySet()).containsExactly("prediction");
    assertThat(fitted.predictor().predict(inputs).keySet()).containsExactly("prediction", "lower", "upper");
    assertThat(fitted.predictor().predict(inputs, Set.of("upper")).keySet()).containsExactly("upper");
    assertThat(fitted.predictor().predictRow(new double[] {2})).isCloseTo(3.3, within(1e-13));
  }

  @Test
  void predict_inputsNearAMillion_keepTheirDigitsInShiftedCoordinates() {
    double[][] shifted = new double[X.length][1];
    for (int i = 0; i < X.length; i++) {
      shifted[i][0] = X[i][0] + 1e6;
    }
    LinearRegressionModel near = LinearRegressionTrainer.ordinaryLeastSquares().fit(X, Y)
        .withIntervals(Interval.CONFIDENCE, 0.9);
    LinearRegressionModel far = LinearRegressionTrainer.ordinaryLeastSquares().fit(shifted, Y)
        .withIntervals(Interval.CONFIDENCE, 0.9);
    Map<String, Tensor> a = bounds(near, 0.5, 7);
    Map<String, Tensor> b = bounds(far, 1e6 + 0.5, 1e6 + 7);
    for (int i = 0; i < 2; i++) {
      double widthNear = a.get("upper").getDouble(i) - a.get("lower").getDouble(i);
      double widthFar = b.get("upper").getDouble(i) - b.get("lower").getDouble(i);
      assertThat(widthFar).isCloseTo(widthNear, within(1e-8 * widthNear));
    }
  }

  @Test
  void predict_weightedFit_usesTheWeightedCovarianceAndUnitWeightForNewObservations() {
    double[][] x = LinearRegressionTrainerTest.features(40, 2, 61);
    double[] y = LinearRegressionTrainerTest.targets(x, 62);
    double[] w = new double[40];
    for (int i = 0; i < 40; i++) {
      w[i] = 0.5 + (i % 5);
    }
    LinearRegressionModel model = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y, w);
    double sigma2 = Certified.rss(x, y, w, true) / (40 - 3);
    double[] g = Certified.inverseGram(x, w, true);
    double[] row = {0.3, -1.2};
    double[] a = {1, row[0], row[1]};
    double q = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        q += a[i] * g[i * 3 + j] * a[j];
      }
    }
    double t = new org.apache.commons.math3.distribution.TDistribution(37).inverseCumulativeProbability(0.975);
    Map<String, Tensor> out = model.predictor().predict(
        Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(row, 1, 2)), Set.of());
    double fit = out.get("prediction").getDouble(0);
    assertThat(out.get("upper").getDouble(0) - fit).isCloseTo(t * Math.sqrt(sigma2 * (1 + q)),
        within(1e-9 * Math.sqrt(sigma2)));
  }

  @Test
  void predict_modelWithoutIntervalData_refusesBoundsSayingWhyButStillPredicts() {
    LinearRegressionModel plain = LinearRegressionModel.of(1, new double[] {2}, List.of("a"));
    LinearRegressionModel ridge = LinearRegressionTrainer.builder().ridge(1).build().fit(X, Y);
    for (LinearRegressionModel model : List.of(plain, ridge)) {
      assertThat(model.hasIntervals()).isFalse();
      assertThat(model.signature().outputs()).extracting(TensorSpec::name).containsExactly("prediction");
      Map<String, Tensor> inputs = Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(new double[] {2}, 1, 1));
      assertThat(model.predictor().predict(inputs).keySet()).containsExactly("prediction");
      assertThatThrownBy(() -> model.predictor().predict(inputs, Set.of("prediction", "lower")))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("output 'lower'")
          .hasMessageContaining("no interval data");
      assertThatThrownBy(() -> model.withIntervals(Interval.PREDICTION, 0.9))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("no interval data");
    }
  }

  @Test
  void withIntervals_levelOutOfRange_throwsIllegalArgument() {
    LinearRegressionModel fitted = LinearRegressionTrainer.ordinaryLeastSquares().fit(X, Y);
    for (double level : new double[] {0, 1, -0.5, Double.NaN}) {
      assertThatThrownBy(() -> fitted.withIntervals(Interval.CONFIDENCE, level))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("level");
    }
  }

  @Test
  void publishAndOpen_keepsIntervalDataKindAndLevelBitForBit() {
    LinearRegressionModel model = LinearRegressionTrainer.ordinaryLeastSquares().fit(Problems.calibrationQuadratic()
        .x(), Problems.calibrationQuadratic().y()).withIntervals(Interval.CONFIDENCE, 0.8);
    try (ModelStore store = ModelStore.open(root)) {
      store.publish("cal", model, PublishOptions.builder().build());
      try (Model opened = store.open("cal:1")) {
        LinearRegressionModel back = (LinearRegressionModel) ((StoredModel) opened).model();
        assertThat(back.interval()).isEqualTo(Interval.CONFIDENCE);
        assertThat(back.intervalLevel()).isEqualTo(0.8);
        double[] xs = {2e6, 4e12, 5e5, 2.5e11};
        Map<String, Tensor> inputs = Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(xs, 2, 2));
        assertThat(back.predictor().predict(inputs)).isEqualTo(model.predictor().predict(inputs));
      }
    }
  }
}
