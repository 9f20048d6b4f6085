package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fits whose first pass forms the Gram matrix (the default for in-memory and CSV fits), on ordinary
 * data: x ~ N(0, 1), coefficients ~ N(0, 1) (one of them near zero), unit noise.
 */
class GramFitTest {
  private static final int N = 6_000;
  private static final int P = 12;

  private static double[][] x;
  private static double[] y;

  static {
    SplittableRandom random = new SplittableRandom(8);
    double[] beta = new double[P + 1];
    for (int j = 0; j <= P; j++) {
      beta[j] = random.nextGaussian();
    }
    beta[5] = 3e-4;
    x = new double[N][P];
    y = new double[N];
    for (int i = 0; i < N; i++) {
      double v = beta[0];
      for (int j = 0; j < P; j++) {
        x[i][j] = random.nextGaussian();
        v += beta[j + 1] * x[i][j];
      }
      y[i] = v + random.nextGaussian();
    }
  }

  private static double digits(double actual, double expected) {
    double error = Math.abs(actual - expected) / Math.abs(expected);
    return error == 0 ? 17 : -Math.log10(error);
  }

  @Test
  void fit_ordinaryData_defaultMatchesTheCertifiedSolutionToFourteenDigits() {
    double[] certified = Certified.leastSquares(x, y, true);
    LinearRegressionModel model = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y);
    assertThat(digits(model.intercept(), certified[0])).as("intercept").isGreaterThanOrEqualTo(14);
    for (int j = 0; j < P; j++) {
      assertThat(digits(model.coefficient(j), certified[j + 1])).as("coefficient %d", j).isGreaterThanOrEqualTo(14);
    }
    double rss = Certified.rss(x, y, true);
    FitReport report = model.report().orElseThrow();
    assertThat(digits(report.residualStandardError(), Math.sqrt(rss / (N - P - 1)))).isGreaterThanOrEqualTo(14);
  }

  @Test
  void fit_ordinaryData_inMemoryStreamedCsvAndIteratorAgree(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("ordinary.csv");
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      List<String> header = new ArrayList<>();
      for (int j = 1; j <= P; j++) {
        header.add("x" + j);
      }
      header.add("y");
      out.write(String.join(",", header) + "\n");
      for (int i = 0; i < N; i++) {
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < P; j++) {
          line.append(x[i][j]).append(',');
        }
        out.write(line.append(y[i]).append('\n').toString());
      }
    }
    assertThat((long) N * (P + 1)).isGreaterThan(LinearRegressionTrainer.IN_MEMORY_CSV_VALUES);
    LinearRegressionModel inMemory = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      double[] row = java.util.Arrays.copyOf(x[i], P + 1);
      row[P] = y[i];
      rows.add(row);
    }
    for (int threads : new int[] {1, 2}) {
      LinearRegressionTrainer trainer = LinearRegressionTrainer.builder().parallelism(threads).build();
      for (LinearRegressionModel other : List.of(trainer.fitCsv(csv, "y"), trainer.fit(rows.iterator()))) {
        assertThat(digits(other.intercept(), inMemory.intercept())).isGreaterThanOrEqualTo(10);
        for (int j = 0; j < P; j++) {
          assertThat(digits(other.coefficient(j), inMemory.coefficient(j))).as("coefficient %d", j)
              .isGreaterThanOrEqualTo(10);
        }
        FitReport a = other.report().orElseThrow();
        FitReport b = inMemory.report().orElseThrow();
        assertThat(digits(a.residualStandardError(), b.residualStandardError())).isGreaterThanOrEqualTo(10);
        assertThat(digits(a.rSquared(), b.rSquared())).isGreaterThanOrEqualTo(10);
      }
    }
  }
}
