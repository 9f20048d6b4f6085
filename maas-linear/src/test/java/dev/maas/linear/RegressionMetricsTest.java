package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
  @Test
  void of_knownErrors_givesRmseMaeAndRSquared() {
    RegressionMetrics m = RegressionMetrics.of(new double[] {1, 2, 3, 4}, new double[] {1, 3, 3, 2});
    assertThat(m.count()).isEqualTo(4);
    assertThat(m.rmse()).isCloseTo(Math.sqrt(5.0 / 4), within(1e-15));
    assertThat(m.mae()).isCloseTo(3.0 / 4, within(1e-15));
    assertThat(m.rSquared()).isCloseTo(1 - 5.0 / 5.0, within(1e-15));
  }

  @Test
  void evaluate_modelOnHeldOutRows_usesItsPredictions() {
    LinearRegressionModel model = LinearRegressionModel.of(1, new double[] {2}, List.of("x"));
    RegressionMetrics m = RegressionMetrics.evaluate(model, new double[][] {{0}, {1}, {2}}, new double[] {1, 3, 6});
    assertThat(m.rmse()).isCloseTo(Math.sqrt(1.0 / 3), within(1e-15));
    assertThat(m.mae()).isCloseTo(1.0 / 3, within(1e-15));
  }

  @Test
  void of_mismatchedLengths_throwsInvalidInput() {
    assertThatThrownBy(() -> RegressionMetrics.of(new double[] {1}, new double[] {1, 2}))
        .isInstanceOf(InvalidInputException.class);
  }
}
