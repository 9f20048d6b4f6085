package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

class LinearRegressionTrainerTest {
  /** n rows of p Gaussian features with offsets, and y = 3 + Σ (j+1) x_j + noise. */
  static double[][] features(int n, int p, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        x[i][j] = 10 * j + r.nextGaussian() * (1 + j);
      }
    }
    return x;
  }

  static double[] targets(double[][] x, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = 3;
      for (int j = 0; j < x[i].length; j++) {
        v += (j + 1) * x[i][j];
      }
      y[i] = v + r.nextGaussian();
    }
    return y;
  }

  static void assertRelativelyClose(double actual, double expected, double tolerance, String what) {
    assertThat(actual).as(what).isCloseTo(expected, within(tolerance * Math.max(1, Math.abs(expected))));
  }

  @Test
  void fit_exactLinearData_recoversCoefficientsAndPerfectFit() {
    double[][] x = {{1, 2}, {2, 1}, {3, 5}, {4, 3}, {5, 8}};
    double[] y = new double[5];
    for (int i = 0; i < 5; i++) {
      y[i] = 0.5 + 2 * x[i][0] - 1.5 * x[i][1];
    }
    LinearRegressionModel model = LinearRegressionTrainer.builder().refinement(Refinement.ALWAYS).build().fit(x, y);
    assertThat(model.intercept()).isEqualTo(0.5);
    assertThat(model.coefficients()).containsExactly(2, -1.5);
    assertThat(model.featureNames()).containsExactly("x1", "x2");
    assertThat(model.report().orElseThrow().rSquared()).isEqualTo(1.0);
  }

  @Test
  void fit_report_matchesStatisticsComputedFromCertifiedValues() {
    double[][] x = features(60, 3, 1);
    double[] y = targets(x, 2);
    FitReport report = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y).report().orElseThrow();
    double[] certified = Certified.leastSquares(x, y, true);
    double rss = Certified.rss(x, y, true);
    double[] inverse = Certified.inverseGram(x, true);
    int n = 60;
    int k = 4;
    double sigma2 = rss / (n - k);
    double mean = Arrays.stream(y).average().orElseThrow();
    double tss = Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum();
    TDistribution t = new TDistribution(n - k);
    assertThat(report.rowCount()).isEqualTo(60);
    assertThat(report.parameterCount()).isEqualTo(4);
    assertThat(report.residualDegreesOfFreedom()).isEqualTo(56);
    assertThat(report.coefficients()).extracting(FitReport.Coefficient::name)
        .containsExactly(FitReport.INTERCEPT, "x1", "x2", "x3");
    for (int c = 0; c < k; c++) {
      FitReport.Coefficient coefficient = report.coefficients().get(c);
      double se = Math.sqrt(sigma2 * inverse[c * k + c]);
      assertRelativelyClose(coefficient.estimate(), certified[c], 1e-13, "estimate " + c);
      assertRelativelyClose(coefficient.standardError(), se, 1e-9, "standard error " + c);
      assertRelativelyClose(coefficient.tStatistic(), certified[c] / se, 1e-9, "t " + c);
      assertRelativelyClose(coefficient.pValue(), 2 * t.cumulativeProbability(-Math.abs(certified[c] / se)), 1e-6,
          "p " + c);
    }
    double r2 = 1 - rss / tss;
    assertRelativelyClose(report.residualStandardError(), Math.sqrt(sigma2), 1e-10, "rse");
    assertRelativelyClose(report.rSquared(), r2, 1e-12, "r2");
    assertRelativelyClose(report.adjustedRSquared(), 1 - (1 - r2) * (n - 1.0) / (n - k), 1e-12, "adjusted r2");
    double f = ((tss - rss) / 3) / sigma2;
    assertRelativelyClose(report.fStatistic(), f, 1e-9, "F");
    assertThat(report.fPValue()).isCloseTo(1 - new FDistribution(3, n - k).cumulativeProbability(f), within(1e-12));
    assertThat(report.conditionNumber()).isBetween(1.0, 10.0);
  }

  @Test
  void fit_noIntercept_rSquaredIsAgainstZeroAsInR() {
    double[][] x = {{60}, {61}, {62}, {63}, {64}, {65}, {66}, {67}, {68}, {69}, {70}};
    double[] y = {130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140};
    FitReport report = LinearRegressionTrainer.builder().intercept(false).build().fit(x, y).report().orElseThrow();
    double rss = Certified.rss(x, y, false);
    double sumSquares = Arrays.stream(y).map(v -> v * v).sum();
    assertThat(report.parameterCount()).isEqualTo(1);
    assertRelativelyClose(report.rSquared(), 1 - rss / sumSquares, 1e-12, "r2");
    assertRelativelyClose(report.adjustedRSquared(), 1 - (rss / sumSquares) * 11 / 10, 1e-12, "adjusted r2");
    assertRelativelyClose(report.fStatistic(), ((sumSquares - rss) / 1) / (rss / 10), 1e-9, "F");
  }

  @Test
  void fit_refinementSettings_allAgreeOnWellConditionedData() {
    double[][] x = features(500, 3, 41);
    double[] y = targets(x, 42);
    double[] certified = Certified.leastSquares(x, y, true);
    for (Refinement refinement : Refinement.values()) {
      LinearRegressionModel model = LinearRegressionTrainer.builder().refinement(refinement).build().fit(x, y);
      double[] fitted = {model.intercept(), model.coefficient(0), model.coefficient(1), model.coefficient(2)};
      assertThat(Certified.minDigits(fitted, certified)).as(refinement.name())
          .isGreaterThanOrEqualTo(refinement == Refinement.ALWAYS ? 15 : 12);
    }
  }

  @Test
  void fit_neverRefineOnIllConditionedData_isLessAccurateThanAuto() {
    Problems.Problem filip = Problems.filipLike();
    double[] certified = Certified.leastSquares(filip.x(), filip.y(), true);
    LinearRegressionModel plain = LinearRegressionTrainer.builder().refinement(Refinement.NEVER).build()
        .fit(filip.x(), filip.y());
    double[] fitted = new double[11];
    fitted[0] = plain.intercept();
    System.arraycopy(plain.coefficients(), 0, fitted, 1, 10);
    assertThat(Certified.minDigits(fitted, certified)).isLessThan(15);
  }

  @Test
  void fit_duplicateColumn_throwsInvalidInputNamingIt() {
    double[][] x = features(50, 3, 3);
    for (double[] row : x) {
      row[2] = row[0];
    }
    assertThatThrownBy(() -> LinearRegressionTrainer.builder().featureNames(List.of("a", "b", "c")).build()
        .fit(x, targets(x, 4)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("rank deficient").hasMessageContaining("'c'");
  }

  @Test
  void fit_linearCombinationColumn_throwsInvalidInput() {
    double[][] x = features(50, 3, 5);
    for (double[] row : x) {
      row[2] = 2 * row[0] - 0.5 * row[1];
    }
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fit(x, targets(x, 6)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'x3'");
  }

  @Test
  void fit_constantColumnWithIntercept_throwsInvalidInputSayingConstant() {
    double[][] x = features(40, 2, 7);
    for (double[] row : x) {
      row[1] = 4.25;
    }
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fit(x, targets(x, 8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'x2' (constant)");
  }

  @Test
  void fit_zeroColumnWithoutIntercept_throwsInvalidInput() {
    double[][] x = features(40, 2, 9);
    for (double[] row : x) {
      row[0] = 0;
    }
    assertThatThrownBy(() -> LinearRegressionTrainer.builder().intercept(false).build().fit(x, targets(x, 10)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'x1' (all zeros)");
  }

  @Test
  void fit_duplicateColumnWithRidge_isFullRankAndSucceeds() {
    double[][] x = features(50, 2, 11);
    double[][] doubled = new double[50][];
    for (int i = 0; i < 50; i++) {
      doubled[i] = new double[] {x[i][0], x[i][1], x[i][0]};
    }
    LinearRegressionModel model = LinearRegressionTrainer.builder().ridge(1).build().fit(doubled, targets(x, 12));
    assertThat(model.coefficient(0)).isCloseTo(model.coefficient(2), within(1e-9));
  }

  @Test
  void fit_ridge_matchesClosedFormWithUnpenalisedIntercept() {
    double[][] x = features(80, 3, 13);
    double[] y = targets(x, 14);
    double lambda = 25;
    LinearRegressionModel model = LinearRegressionTrainer.builder().ridge(lambda).build().fit(x, y);
    double[] expected = closedFormRidge(x, y, lambda, new double[] {1, 1, 1});
    for (int j = 0; j < 3; j++) {
      assertRelativelyClose(model.coefficient(j), expected[j + 1], 1e-10, "coefficient " + j);
    }
    assertRelativelyClose(model.intercept(), expected[0], 1e-10, "intercept");
    FitReport report = model.report().orElseThrow();
    assertThat(report.ridge()).isEqualTo(lambda);
    assertThat(report.coefficients().get(1).standardError()).isPositive();
    assertThat(report.coefficients().get(1).pValue()).isNaN();
    assertThat(report.fStatistic()).isNaN();
  }

  /**
   * Ridge with the intercept unpenalised in closed form: centre x and y, solve (XcᵀXc + λW²) b =
   * Xcᵀyc in BigDecimal-free double (the problem is well conditioned), intercept = ȳ - x̄ᵀb.
   */
  static double[] closedFormRidge(double[][] x, double[] y, double lambda, double[] weights) {
    int n = x.length;
    int p = x[0].length;
    double[] mx = new double[p];
    double my = Arrays.stream(y).average().orElseThrow();
    for (double[] row : x) {
      for (int j = 0; j < p; j++) {
        mx[j] += row[j] / n;
      }
    }
    double[][] a = new double[p][p + 1];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        for (int l = 0; l < p; l++) {
          a[j][l] += (x[i][j] - mx[j]) * (x[i][l] - mx[l]);
        }
        a[j][p] += (x[i][j] - mx[j]) * (y[i] - my);
      }
    }
    for (int j = 0; j < p; j++) {
      a[j][j] += lambda * weights[j] * weights[j];
    }
    for (int c = 0; c < p; c++) {
      for (int r = c + 1; r < p; r++) {
        double f = a[r][c] / a[c][c];
        for (int l = c; l <= p; l++) {
          a[r][l] -= f * a[c][l];
        }
      }
    }
    double[] b = new double[p];
    for (int r = p - 1; r >= 0; r--) {
      double s = a[r][p];
      for (int l = r + 1; l < p; l++) {
        s -= a[r][l] * b[l];
      }
      b[r] = s / a[r][r];
    }
    double b0 = my;
    for (int j = 0; j < p; j++) {
      b0 -= mx[j] * b[j];
    }
    double[] out = new double[p + 1];
    out[0] = b0;
    System.arraycopy(b, 0, out, 1, p);
    return out;
  }

  @Test
  void fit_standardizeWithoutPenalty_givesTheSameModel() {
    double[][] x = features(100, 4, 15);
    double[] y = targets(x, 16);
    LinearRegressionModel raw = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y);
    LinearRegressionModel standardized = LinearRegressionTrainer.builder().standardize(true).build().fit(x, y);
    for (int j = 0; j < 4; j++) {
      assertRelativelyClose(standardized.coefficient(j), raw.coefficient(j), 1e-12, "coefficient " + j);
    }
    assertRelativelyClose(standardized.intercept(), raw.intercept(), 1e-12, "intercept");
  }

  @Test
  void fit_standardizeWithRidge_equalsRidgeOnStandardisedDataFoldedBack() {
    double[][] x = features(100, 3, 17);
    double[] y = targets(x, 18);
    double lambda = 40;
    int n = x.length;
    double[] mean = new double[3];
    double[] sd = new double[3];
    for (double[] row : x) {
      for (int j = 0; j < 3; j++) {
        mean[j] += row[j] / n;
      }
    }
    for (double[] row : x) {
      for (int j = 0; j < 3; j++) {
        sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
      }
    }
    double[][] z = new double[n][3];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        sd[j] = i == 0 ? Math.sqrt(sd[j]) : sd[j];
        z[i][j] = (x[i][j] - mean[j]) / sd[j];
      }
    }
    LinearRegressionModel onStandardised = LinearRegressionTrainer.builder().ridge(lambda).build().fit(z, y);
    LinearRegressionModel folded = LinearRegressionTrainer.builder().ridge(lambda).standardize(true).build().fit(x, y);
    double intercept = onStandardised.intercept();
    for (int j = 0; j < 3; j++) {
      double b = onStandardised.coefficient(j) / sd[j];
      assertRelativelyClose(folded.coefficient(j), b, 1e-10, "coefficient " + j);
      intercept -= b * mean[j];
    }
    assertRelativelyClose(folded.intercept(), intercept, 1e-10, "intercept");
    double[] row = x[7];
    assertRelativelyClose(folded.predictor().predictRow(row), onStandardised.predictor().predictRow(z[7]), 1e-10,
        "prediction on raw input");
  }

  @Test
  void fit_iteratorOfRows_equalsInMemoryFit() {
    double[][] x = features(20_000, 5, 19);
    double[] y = targets(x, 20);
    LinearRegressionModel inMemory = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y);
    for (int threads : new int[] {1, 2, 3}) {
      double[] buffer = new double[6];
      java.util.Iterator<double[]> rows = new java.util.Iterator<>() {
        int i;

        @Override
        public boolean hasNext() {
          return i < x.length;
        }

        @Override
        public double[] next() {
          System.arraycopy(x[i], 0, buffer, 0, 5);
          buffer[5] = y[i++];
          return buffer;
        }
      };
      LinearRegressionModel streamed = LinearRegressionTrainer.builder().parallelism(threads).build().fit(rows);
      assertRelativelyClose(streamed.intercept(), inMemory.intercept(), 1e-10, "intercept, threads " + threads);
      for (int j = 0; j < 5; j++) {
        assertRelativelyClose(streamed.coefficient(j), inMemory.coefficient(j), 1e-10, "coefficient " + j);
      }
      FitReport a = streamed.report().orElseThrow();
      FitReport b = inMemory.report().orElseThrow();
      assertThat(a.rowCount()).isEqualTo(20_000);
      assertRelativelyClose(a.rSquared(), b.rSquared(), 1e-10, "r2");
      assertRelativelyClose(a.residualStandardError(), b.residualStandardError(), 1e-10, "rse");
    }
  }

  @Test
  void fit_sameDataTwice_isDeterministic() {
    double[][] x = features(30_000, 4, 21);
    double[] y = targets(x, 22);
    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder().parallelism(2).build();
    assertThat(trainer.fit(x, y).coefficients()).isEqualTo(trainer.fit(x, y).coefficients());
  }

  @Test
  void fit_fewerRowsThanParameters_throwsInvalidInput() {
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fit(new double[][] {{1, 2}, {3, 4}},
        new double[] {1, 2}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("3 parameters").hasMessageContaining("got 2");
  }

  @Test
  void fit_nonFiniteValue_throwsInvalidInputNamingRowAndColumn() {
    double[][] x = features(10, 2, 23);
    x[4][1] = Double.NaN;
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fit(x, targets(x, 24)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 4").hasMessageContaining("'x2'");
  }

  @Test
  void fit_raggedRows_throwsInvalidInput() {
    double[][] x = {{1, 2}, {3}, {4, 5}, {6, 7}};
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fit(x, new double[4]))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 1");
  }

  @Test
  void builder_invalidSettings_throwImmediately() {
    assertThatThrownBy(() -> LinearRegressionTrainer.builder().ridge(-1)).isExactlyInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinearRegressionTrainer.builder().ridge(Double.NaN))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinearRegressionTrainer.builder().parallelism(0))
        .isExactlyInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinearRegressionTrainer.builder().featureNames(List.of("a", "a")))
        .isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void crossValidate_fiveFolds_measuresEveryRowOnce() {
    double[][] x = features(103, 2, 25);
    double[] y = targets(x, 26);
    List<RegressionMetrics> folds = LinearRegressionTrainer.ordinaryLeastSquares().crossValidate(x, y, 5, 42);
    assertThat(folds).hasSize(5);
    assertThat(folds.stream().mapToLong(RegressionMetrics::count).sum()).isEqualTo(103);
    RegressionMetrics mean = RegressionMetrics.mean(folds);
    assertThat(mean.rmse()).isBetween(0.8, 1.2);
    assertThat(mean.rSquared()).isGreaterThan(0.9);
    assertThat(LinearRegressionTrainer.ordinaryLeastSquares().crossValidate(x, y, 5, 42)).isEqualTo(folds);
  }
}
