package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ridge standard errors against the closed form on the raw design, computed with dense matrices
 * and an LU inverse (nothing shared with the QR solver): with M = XᵀX + Λ (Λ zero for the
 * intercept), b = M⁻¹Xᵀy, H = X M⁻¹ Xᵀ, σ² = ‖y - Xb‖² / (n - tr H) and Cov(b) = σ² M⁻¹ XᵀX M⁻¹.
 */
class RidgeStandardErrorTest {
  @ParameterizedTest(name = "intercept {0}, standardize {1}, lambda {2}")
  @CsvSource({"true, false, 25", "true, true, 3", "false, false, 10", "true, false, 1e-9"})
  void fit_ridge_standardErrorsAreTheSandwichWithEffectiveDegreesOfFreedom(boolean intercept, boolean standardize,
      double lambda) {
    int n = 50;
    int p = 3;
    double[][] x = LinearRegressionTrainerTest.features(n, p, 51);
    double[] y = LinearRegressionTrainerTest.targets(x, 52);
    FitReport report = LinearRegressionTrainer.builder().intercept(intercept).standardize(standardize).ridge(lambda)
        .build().fit(x, y).report().orElseThrow();
    int off = intercept ? 1 : 0;
    int k = p + off;
    RealMatrix design = new Array2DRowRealMatrix(n, k);
    for (int i = 0; i < n; i++) {
      if (intercept) {
        design.setEntry(i, 0, 1);
      }
      for (int j = 0; j < p; j++) {
        design.setEntry(i, off + j, x[i][j]);
      }
    }
    RealMatrix penalty = MatrixUtils.createRealMatrix(k, k);
    for (int j = 0; j < p; j++) {
      double scale = 1;
      if (standardize) {
        double mean = 0;
        for (double[] row : x) {
          mean += row[j] / n;
        }
        double ss = 0;
        for (double[] row : x) {
          ss += (row[j] - mean) * (row[j] - mean);
        }
        scale = Math.sqrt(ss / n);
      }
      penalty.setEntry(off + j, off + j, lambda * scale * scale);
    }
    RealMatrix gram = design.transpose().multiply(design);
    RealMatrix inverse = new LUDecomposition(gram.add(penalty)).getSolver().getInverse();
    RealVector target = new ArrayRealVector(y);
    RealVector b = inverse.operate(design.transpose().operate(target));
    double rss = target.subtract(design.operate(b)).getNorm();
    rss *= rss;
    double trace = design.multiply(inverse).multiply(design.transpose()).getTrace();
    double sigma2 = rss / (n - trace);
    RealMatrix covariance = inverse.multiply(gram).multiply(inverse).scalarMultiply(sigma2);
    assertThat(report.effectiveDegreesOfFreedom()).isCloseTo(trace, org.assertj.core.data.Offset.offset(1e-10));
    assertThat(report.effectiveDegreesOfFreedom()).isLessThan(k);
    LinearRegressionTrainerTest.assertRelativelyClose(report.residualStandardError(), Math.sqrt(sigma2), 1e-10,
        "residual standard error");
    for (int c = 0; c < k; c++) {
      FitReport.Coefficient coefficient = report.coefficients().get(c);
      double se = Math.sqrt(covariance.getEntry(c, c));
      LinearRegressionTrainerTest.assertRelativelyClose(coefficient.estimate(), b.getEntry(c), 1e-9, "estimate " + c);
      LinearRegressionTrainerTest.assertRelativelyClose(coefficient.standardError(), se, 1e-9, "se " + c);
      LinearRegressionTrainerTest.assertRelativelyClose(coefficient.tStatistic(), b.getEntry(c) / se, 1e-9, "t " + c);
      assertThat(coefficient.pValue()).as("the ridge estimator is biased: no p-value").isNaN();
    }
    assertThat(report.fStatistic()).isNaN();
  }
}
