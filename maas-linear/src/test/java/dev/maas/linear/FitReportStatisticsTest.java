package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The statistics of {@link FitReport} against closed forms worked out by hand on tiny data sets
 * with two residual degrees of freedom, where Student's t and Fisher's F have elementary
 * distribution functions: P(|T| > t) = 1 - t / sqrt(2 + t²) for t on 2 degrees of freedom,
 * P(F > f) = 1 / (1 + f) for F on (2, 2) and the p-value of t for F on (1, 2).
 */
class FitReportStatisticsTest {
  private static final double TIGHT = 1e-14;

  private static double twoSidedT2(double t) {
    return 1 - Math.abs(t) / Math.sqrt(2 + t * t);
  }

  /**
   * x = 0, 1, 2, 3 and y = 1, 3, 2, 5: x̄ = 1.5, Sxx = 5, ȳ = 2.75, Sxy = 5.5, so b1 = 1.1 and b0 =
   * 1.1; residuals -0.1, 0.8, -1.3, 0.6, RSS = 2.7, σ² = 1.35; TSS = 8.75; se(b1)² = σ²/Sxx = 0.27,
   * se(b0)² = σ² (1/n + x̄²/Sxx) = 0.945.
   */
  @Test
  void fit_withIntercept_matchesClosedForms() {
    double[][] x = {{0}, {1}, {2}, {3}};
    double[] y = {1, 3, 2, 5};
    FitReport report = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y).report().orElseThrow();
    FitReport.Coefficient b0 = report.coefficients().get(0);
    FitReport.Coefficient b1 = report.coefficients().get(1);
    assertThat(b0.estimate()).isCloseTo(1.1, within(TIGHT));
    assertThat(b1.estimate()).isCloseTo(1.1, within(TIGHT));
    assertThat(b0.standardError()).isCloseTo(Math.sqrt(0.945), within(TIGHT));
    assertThat(b1.standardError()).isCloseTo(Math.sqrt(0.27), within(TIGHT));
    double t0 = 1.1 / Math.sqrt(0.945);
    double t1 = 1.1 / Math.sqrt(0.27);
    assertThat(b0.tStatistic()).isCloseTo(t0, within(1e-13));
    assertThat(b1.tStatistic()).isCloseTo(t1, within(1e-13));
    assertThat(b0.pValue()).isCloseTo(twoSidedT2(t0), within(1e-12));
    assertThat(b1.pValue()).isCloseTo(twoSidedT2(t1), within(1e-12));
    assertThat(report.residualStandardError()).isCloseTo(Math.sqrt(1.35), within(TIGHT));
    assertThat(report.rSquared()).isCloseTo(1 - 2.7 / 8.75, within(TIGHT));
    assertThat(report.adjustedRSquared()).isCloseTo(1 - (2.7 / 8.75) * 3 / 2, within(TIGHT));
    assertThat(report.fStatistic()).isCloseTo((8.75 - 2.7) / 1.35, within(1e-13));
    assertThat(report.fPValue()).isCloseTo(twoSidedT2(t1), within(1e-12));
    assertThat(report.modelDegreesOfFreedom()).isEqualTo(1);
    assertThat(report.residualDegreesOfFreedom()).isEqualTo(2);
  }

  /**
   * Without an intercept R's R² and F are uncentred: x1 = 1, 1, 0, 0, x2 = 0, 0, 1, 1 and y = 1, 3,
   * 2, 6 give b = (2, 4), residuals -1, 1, -2, 2, RSS = 10, σ² = 5, XᵀX = 2I so se² = 2.5; Σy² = 50,
   * R² = 0.8, adjusted 1 - 0.2 · 4/2 = 0.6, F = (40/2)/5 = 4 on (2, 2), p = 1/5.
   */
  @Test
  void fit_withoutIntercept_usesUncentredSumsAsR() {
    double[][] x = {{1, 0}, {1, 0}, {0, 1}, {0, 1}};
    double[] y = {1, 3, 2, 6};
    FitReport report = LinearRegressionTrainer.builder().intercept(false).build().fit(x, y).report().orElseThrow();
    assertThat(report.coefficients()).extracting(FitReport.Coefficient::name).containsExactly("x1", "x2");
    double se = Math.sqrt(2.5);
    double[] estimates = {2, 4};
    for (int j = 0; j < 2; j++) {
      FitReport.Coefficient c = report.coefficients().get(j);
      assertThat(c.estimate()).isCloseTo(estimates[j], within(TIGHT));
      assertThat(c.standardError()).isCloseTo(se, within(TIGHT));
      assertThat(c.tStatistic()).isCloseTo(estimates[j] / se, within(1e-13));
      assertThat(c.pValue()).isCloseTo(twoSidedT2(estimates[j] / se), within(1e-12));
    }
    assertThat(report.rSquared()).isCloseTo(0.8, within(TIGHT));
    assertThat(report.adjustedRSquared()).isCloseTo(0.6, within(TIGHT));
    assertThat(report.fStatistic()).isCloseTo(4, within(1e-13));
    assertThat(report.fPValue()).isCloseTo(0.2, within(1e-12));
    assertThat(report.modelDegreesOfFreedom()).isEqualTo(2);
    assertThat(report.residualDegreesOfFreedom()).isEqualTo(2);
  }
}
