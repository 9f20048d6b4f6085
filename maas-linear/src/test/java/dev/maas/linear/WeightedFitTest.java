package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.InvalidInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.FDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weighted least squares against an exact-rational oracle ({@link Certified} with weights) and
 * the definitions of R's {@code summary(lm(weights = w))}.
 */
class WeightedFitTest {
  @TempDir Path dir;

  private static double[] weights(int n, long seed, boolean withZeros) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = withZeros && i % 7 == 3 ? 0 : Math.rint(r.nextDouble(0.1, 5) * 8) / 8;
    }
    return w;
  }

  private static double[] withIntercept(LinearRegressionModel model) {
    double[] b = model.coefficients();
    double[] out = new double[b.length + 1];
    out[0] = model.intercept();
    System.arraycopy(b, 0, out, 1, b.length);
    return out;
  }

  private static double[][] keep(double[][] x, double[] w) {
    return java.util.stream.IntStream.range(0, x.length).filter(i -> w[i] > 0).mapToObj(i -> x[i])
        .toArray(double[][]::new);
  }

  private static double[] keep(double[] y, double[] w) {
    return java.util.stream.IntStream.range(0, y.length).filter(i -> w[i] > 0).mapToDouble(i -> y[i]).toArray();
  }

  @Test
  void fit_weighted_matchesExactRationalOracleAndRsSummaryDefinitions() {
    double[][] x = LinearRegressionTrainerTest.features(60, 3, 11);
    double[] y = LinearRegressionTrainerTest.targets(x, 12);
    double[] w = weights(60, 13, true);
    FitReport report = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y, w).report().orElseThrow();
    double[][] kx = keep(x, w);
    double[] ky = keep(y, w);
    double[] kw = keep(w, w);
    int n = kx.length;
    int k = 4;
    assertThat(n).isLessThan(60);
    double[] certified = Certified.leastSquares(kx, ky, kw, true);
    double rss = Certified.rss(kx, ky, kw, true);
    double[] inverse = Certified.inverseGram(kx, kw, true);
    double sigma2 = rss / (n - k);
    double wSum = Arrays.stream(kw).sum();
    double wMean = 0;
    for (int i = 0; i < n; i++) {
      wMean += kw[i] * ky[i] / wSum;
    }
    double tss = 0;
    for (int i = 0; i < n; i++) {
      tss += kw[i] * (ky[i] - wMean) * (ky[i] - wMean);
    }
    TDistribution t = new TDistribution(n - k);
    assertThat(report.rowCount()).as("rows of weight zero drop out").isEqualTo(n);
    assertThat(report.residualDegreesOfFreedom()).isEqualTo(n - k);
    for (int c = 0; c < k; c++) {
      FitReport.Coefficient coefficient = report.coefficients().get(c);
      double se = Math.sqrt(sigma2 * inverse[c * k + c]);
      LinearRegressionTrainerTest.assertRelativelyClose(coefficient.estimate(), certified[c], 1e-14, "estimate " + c);
      LinearRegressionTrainerTest.assertRelativelyClose(coefficient.standardError(), se, 1e-10, "se " + c);
      LinearRegressionTrainerTest.assertRelativelyClose(coefficient.pValue(),
          2 * t.cumulativeProbability(-Math.abs(certified[c] / se)), 1e-6, "p " + c);
    }
    LinearRegressionTrainerTest.assertRelativelyClose(report.residualStandardError(), Math.sqrt(sigma2), 1e-12,
        "rse");
    LinearRegressionTrainerTest.assertRelativelyClose(report.rSquared(), 1 - rss / tss, 1e-12, "r2");
    double f = ((tss - rss) / 3) / sigma2;
    LinearRegressionTrainerTest.assertRelativelyClose(report.fStatistic(), f, 1e-10, "F");
    assertThat(report.fPValue()).isCloseTo(1 - new FDistribution(3, n - k).cumulativeProbability(f), within(1e-12));
  }

  @Test
  void fit_weightedWithoutIntercept_usesWeightedUncentredSums() {
    double[][] x = LinearRegressionTrainerTest.features(30, 2, 21);
    double[] y = LinearRegressionTrainerTest.targets(x, 22);
    double[] w = weights(30, 23, false);
    FitReport report = LinearRegressionTrainer.builder().intercept(false).build().fit(x, y, w).report()
        .orElseThrow();
    double rss = Certified.rss(x, y, w, false);
    double total = 0;
    for (int i = 0; i < 30; i++) {
      total += w[i] * y[i] * y[i];
    }
    LinearRegressionTrainerTest.assertRelativelyClose(report.rSquared(), 1 - rss / total, 1e-12, "r2");
    LinearRegressionTrainerTest.assertRelativelyClose(report.fStatistic(), ((total - rss) / 2) / (rss / 28), 1e-10,
        "F");
  }

  @Test
  void fit_weightedIllConditioned_isRefinedToTheExactWeightedSolution() {
    Problems.Problem problem = Problems.calibrationQuadratic();
    double[] w = weights(problem.y().length, 31, true);
    double[] certified = Certified.leastSquares(keep(problem.x(), w), keep(problem.y(), w), keep(w, w), true);
    double[] fitted = withIntercept(LinearRegressionTrainer.ordinaryLeastSquares().fit(problem.x(), problem.y(), w));
    assertThat(Certified.minDigits(fitted, certified)).isGreaterThanOrEqualTo(14);
  }

  @Test
  void fit_integerWeight_estimatesAsIfTheRowWereRepeated() {
    double[][] x = {{1}, {2}, {3}, {4}, {5}};
    double[] y = {1.5, 1.9, 3.4, 3.9, 5.6};
    double[] w = {1, 2, 1, 3, 1};
    double[][] repeated = {{1}, {2}, {2}, {3}, {4}, {4}, {4}, {5}};
    double[] repeatedY = {1.5, 1.9, 1.9, 3.4, 3.9, 3.9, 3.9, 5.6};
    LinearRegressionModel weighted = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y, w);
    LinearRegressionModel copies = LinearRegressionTrainer.ordinaryLeastSquares().fit(repeated, repeatedY);
    assertThat(weighted.intercept()).isCloseTo(copies.intercept(), within(1e-14));
    assertThat(weighted.coefficients()[0]).isCloseTo(copies.coefficients()[0], within(1e-14));
    assertThat(weighted.report().orElseThrow().rSquared())
        .isCloseTo(copies.report().orElseThrow().rSquared(), within(1e-14));
    assertThat(weighted.report().orElseThrow().residualDegreesOfFreedom()).isEqualTo(3);
  }

  @Test
  void fit_zeroWeightRow_isTheFitWithoutThatRow() {
    double[][] x = {{1}, {2}, {3}, {4}, {5}};
    double[] y = {1.5, 1.9, 1e6, 3.9, 5.6};
    LinearRegressionModel weighted = LinearRegressionTrainer.ordinaryLeastSquares()
        .fit(x, y, new double[] {1, 1, 0, 1, 1});
    LinearRegressionModel without = LinearRegressionTrainer.ordinaryLeastSquares()
        .fit(new double[][] {{1}, {2}, {4}, {5}}, new double[] {1.5, 1.9, 3.9, 5.6});
    assertThat(weighted.report()).isEqualTo(without.report());
    assertThat(weighted.report().orElseThrow().rowCount()).isEqualTo(4);
  }

  @Test
  void fit_badWeights_throwInvalidInputNamingTheRow() {
    double[][] x = {{1}, {2}, {3}};
    double[] y = {1, 2, 4};
    LinearRegressionTrainer ols = LinearRegressionTrainer.ordinaryLeastSquares();
    assertThatThrownBy(() -> ols.fit(x, y, new double[] {1, -1, 1})).isInstanceOf(InvalidInputException.class)
        .hasMessage("row 1: weight -1.0 is negative; weights must be finite and >= 0");
    assertThatThrownBy(() -> ols.fit(x, y, new double[] {1, 1, Double.NaN}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 2: weight NaN is not a finite number");
    assertThatThrownBy(() -> ols.fit(x, y, new double[] {1, Double.POSITIVE_INFINITY, 1}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a finite number");
    assertThatThrownBy(() -> ols.fit(x, y, new double[] {1, 1})).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2 weights");
    assertThatThrownBy(() -> ols.fit(x, y, new double[] {0, 0, 0})).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("every weight is zero");
  }

  private Path writeCsv(String name, double[][] x, double[] y, double[] w) throws IOException {
    Path file = dir.resolve(name);
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("wt");
      for (int j = 1; j <= x[0].length; j++) {
        out.write(",x" + j);
      }
      out.write(",y\n");
      for (int i = 0; i < y.length; i++) {
        out.write(Double.toString(w[i]));
        for (double v : x[i]) {
          out.write("," + v);
        }
        out.write("," + y[i] + "\n");
      }
    }
    return file;
  }

  @Test
  void fitCsv_weightColumn_smallAndStreamedFilesEqualTheInMemoryWeightedFit() throws IOException {
    for (int n : new int[] {50, 6_000}) {
      Problems.Problem filip = CsvFitTest.largeFilipLike(n);
      double[] w = weights(n, 41, true);
      Path file = writeCsv("w" + n + ".csv", filip.x(), filip.y(), w);
      LinearRegressionModel inMemory = LinearRegressionTrainer.ordinaryLeastSquares().fit(filip.x(), filip.y(), w);
      LinearRegressionModel streamed = LinearRegressionTrainer.builder().parallelism(2).build()
          .fitCsv(file, "y", "wt");
      assertThat(streamed.featureNames()).doesNotContain("wt").hasSize(10);
      double digits = Certified.minDigits(withIntercept(streamed), withIntercept(inMemory));
      assertThat(digits).as("%d rows", n).isGreaterThanOrEqualTo(13);
      FitReport a = streamed.report().orElseThrow();
      FitReport b = inMemory.report().orElseThrow();
      assertThat(a.rowCount()).isEqualTo(b.rowCount());
      assertThat(a.rSquared()).isCloseTo(b.rSquared(), within(1e-12));
      assertThat(a.residualStandardError()).isCloseTo(b.residualStandardError(),
          within(1e-10 * b.residualStandardError()));
    }
  }

  @Test
  void fitCsv_badWeightColumn_throwsInvalidInput() throws IOException {
    Path file = writeCsv("w.csv", new double[][] {{1}, {2}, {3}}, new double[] {1, 2, 4}, new double[] {1, -2, 1});
    LinearRegressionTrainer ols = LinearRegressionTrainer.ordinaryLeastSquares();
    assertThatThrownBy(() -> ols.fitCsv(file, "y", "wt")).isInstanceOf(InvalidInputException.class)
        .hasMessage("line 3: weight -2.0 is negative; weights must be finite and >= 0");
    assertThatThrownBy(() -> ols.fitCsv(file, "y", "nope")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no weight column 'nope'");
    assertThatThrownBy(() -> ols.fitCsv(file, "y", "y")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("cannot be the weights and the target");
  }
}
