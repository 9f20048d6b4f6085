package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.InvalidInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFitTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void fitCsv_largeFile_equalsInMemoryFit() throws IOException {
    double[][] x = LinearRegressionTrainerTest.features(25_000, 3, 31);
    double[] y = LinearRegressionTrainerTest.targets(x, 32);
    Path file = dir.resolve("data.csv");
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("a,y,b,c\n");
      for (int i = 0; i < x.length; i++) {
        out.write(x[i][0] + "," + y[i] + "," + x[i][1] + "," + x[i][2] + "\n");
      }
    }
    LinearRegressionModel inMemory = LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y);
    for (int threads : new int[] {1, 2}) {
      LinearRegressionModel streamed = LinearRegressionTrainer.builder().parallelism(threads).build()
          .fitCsv(file, "y");
      assertThat(streamed.featureNames()).containsExactly("a", "b", "c");
      assertThat(streamed.report().orElseThrow().rowCount()).isEqualTo(25_000);
      assertThat(streamed.intercept()).isCloseTo(inMemory.intercept(), within(1e-10 * Math.abs(inMemory.intercept())));
      for (int j = 0; j < 3; j++) {
        assertThat(streamed.coefficient(j))
            .isCloseTo(inMemory.coefficient(j), within(1e-10 * Math.abs(inMemory.coefficient(j))));
      }
    }
  }

  @Test
  void fitCsv_selectedFeaturesQuotesAndBlankLines_fitsThoseColumns() throws IOException {
    Path file = write("q.csv", "\"a\",\"b\",\"y\"\n1,9,3\n\n2,7,5\n3,\"8\",7\n4,1,9\n");
    LinearRegressionModel model = LinearRegressionTrainer.builder().featureNames(List.of("a")).build()
        .fitCsv(file, "y");
    assertThat(model.featureNames()).containsExactly("a");
    assertThat(model.intercept()).isEqualTo(1.0);
    assertThat(model.coefficients()).containsExactly(2.0);
  }

  @Test
  void fitCsv_nonNumericCell_throwsInvalidInputWithLineAndColumn() throws IOException {
    Path file = write("bad.csv", "a,y\n1,2\n2,4\n3,abc\n4,8\n");
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 4").hasMessageContaining("'y'")
        .hasMessageContaining("'abc'");
  }

  @Test
  void fitCsv_badCellDeepInLargeFile_reportsItsLine() throws IOException {
    Path file = dir.resolve("deep.csv");
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write("a,b,y\n");
      for (int i = 0; i < 40_000; i++) {
        out.write(i + "," + (i % 7) + "," + (i == 30_000 ? "oops" : Integer.toString(2 * i + 1)) + "\n");
      }
    }
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 30002").hasMessageContaining("'oops'");
  }

  @Test
  void fitCsv_smallIllConditionedFile_isRefinedToCertifiedDigits() throws IOException {
    Problems.Problem filip = Problems.filipLike();
    StringBuilder csv = new StringBuilder("x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,y\n");
    for (int i = 0; i < filip.y().length; i++) {
      for (double v : filip.x()[i]) {
        csv.append(v).append(',');
      }
      csv.append(filip.y()[i]).append('\n');
    }
    LinearRegressionModel model = LinearRegressionTrainer.ordinaryLeastSquares()
        .fitCsv(write("filip.csv", csv.toString()), "y");
    double[] certified = Certified.leastSquares(filip.x(), filip.y(), true);
    double[] fitted = new double[11];
    fitted[0] = model.intercept();
    System.arraycopy(model.coefficients(), 0, fitted, 1, 10);
    assertThat(Certified.minDigits(fitted, certified)).isGreaterThanOrEqualTo(15);
  }

  /** The shape measured from outside at 12.3 digits through a CSV file: now refined to at least 15. */
  @Test
  void fitCsv_calibrationQuadraticThroughText_isRefinedToFifteenDigits() throws IOException {
    Problems.Problem problem = Problems.calibrationQuadratic();
    Path file = writeProblem("calibration.csv", problem);
    double[] certified = Certified.leastSquares(problem.x(), problem.y(), true);
    LinearRegressionModel model = LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y");
    assertThat(model.report().orElseThrow().conditionNumber()).isLessThan(100);
    assertThat(Certified.minDigits(withIntercept(model), certified)).isGreaterThanOrEqualTo(15);
    LinearRegressionModel unrefined = LinearRegressionTrainer.builder().refinement(Refinement.NEVER).build()
        .fitCsv(file, "y");
    assertThat(Certified.minDigits(withIntercept(unrefined), certified)).isLessThan(15);
  }

  /**
   * A Filip-like problem (degree-10 polynomial on a narrow range, condition about 10¹⁰) with {@code
   * n} rows from seed 40: 11 used cells a row, so 6,000 rows take the streaming path.
   */
  static Problems.Problem largeFilipLike(int n) {
    SplittableRandom r = new SplittableRandom(40);
    double[] xs = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = Math.rint(r.nextDouble(-8.781464495, -3.13200249) * 1e9) / 1e9;
      double t = (xs[i] + 6) / 3;
      y[i] = Math.rint((0.8 + 0.05 * Math.sin(3 * t) + 0.02 * t * t * t + r.nextDouble(-0.003, 0.003)) * 1e4) / 1e4;
    }
    return new Problems.Problem("large Filip-like", Problems.powers(xs, 10), y, true);
  }

  private Path writeProblem(String name, Problems.Problem problem) throws IOException {
    Path file = dir.resolve(name);
    int p = problem.x()[0].length;
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (int j = 1; j <= p; j++) {
        out.write("x" + j + ",");
      }
      out.write("y\n");
      for (int i = 0; i < problem.y().length; i++) {
        for (double v : problem.x()[i]) {
          out.write(v + ",");
        }
        out.write(problem.y()[i] + "\n");
      }
    }
    return file;
  }

  private static double[] withIntercept(LinearRegressionModel model) {
    double[] b = model.coefficients();
    double[] out = new double[b.length + 1];
    out[0] = model.intercept();
    System.arraycopy(b, 0, out, 1, b.length);
    return out;
  }

  private static Iterator<double[]> rows(Problems.Problem problem) {
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < problem.y().length;
      }

      @Override
      public double[] next() {
        double[] row = Arrays.copyOf(problem.x()[i], problem.x()[i].length + 1);
        row[row.length - 1] = problem.y()[i++];
        return row;
      }
    };
  }

  @Test
  void fitCsv_largeIllConditionedFile_refinedToInMemoryDigits() throws IOException {
    Problems.Problem filip = largeFilipLike(6_000);
    assertThat(6_000 * 11).isGreaterThan(LinearRegressionTrainer.IN_MEMORY_CSV_VALUES);
    Path file = writeProblem("filip-large.csv", filip);
    double[] certified = Certified.leastSquares(filip.x(), filip.y(), true);
    double certifiedRss = Certified.rss(filip.x(), filip.y(), true);
    LinearRegressionModel inMemory = LinearRegressionTrainer.ordinaryLeastSquares().fit(filip.x(), filip.y());
    double inMemoryDigits = Certified.minDigits(withIntercept(inMemory), certified);
    double conditionNumber = inMemory.report().orElseThrow().conditionNumber();
    assertThat(conditionNumber).isGreaterThan(1e9);
    for (int threads : new int[] {1, 2}) {
      LinearRegressionModel streamed = LinearRegressionTrainer.builder().parallelism(threads).build()
          .fitCsv(file, "y");
      double digits = Certified.minDigits(withIntercept(streamed), certified);
      System.out.printf("large Filip-like (condition %.3g), %d threads: streamed %.1f digits, in memory %.1f%n",
          conditionNumber, threads, digits, inMemoryDigits);
      assertThat(digits).as("correct digits, %d threads", threads).isGreaterThanOrEqualTo(15.0)
          .isGreaterThanOrEqualTo(inMemoryDigits - 1);
      FitReport report = streamed.report().orElseThrow();
      double rss = report.residualStandardError() * report.residualStandardError() * (6_000 - 11);
      assertThat(rss).isCloseTo(certifiedRss, within(1e-12 * certifiedRss));
    }
  }

  @Test
  void fitCsv_largeIllConditionedFileRefinementNever_matchesOneStreamingPass() throws IOException {
    Problems.Problem filip = largeFilipLike(6_000);
    Path file = writeProblem("filip-large.csv", filip);
    double[] certified = Certified.leastSquares(filip.x(), filip.y(), true);
    LinearRegressionTrainer never = LinearRegressionTrainer.builder().refinement(Refinement.NEVER).parallelism(2)
        .build();
    LinearRegressionModel streamed = never.fitCsv(file, "y");
    LinearRegressionModel onePass = never.fit(rows(filip));
    double digits = Certified.minDigits(withIntercept(streamed), certified);
    double onePassDigits = Certified.minDigits(withIntercept(onePass), certified);
    System.out.printf("large Filip-like, Refinement.NEVER: streamed %.1f digits, iterator %.1f%n", digits,
        onePassDigits);
    assertThat(digits).as("plain TSQR, not refined").isLessThan(12.0).isCloseTo(onePassDigits, within(1.0));
    double[] a = withIntercept(streamed);
    double[] b = withIntercept(onePass);
    for (int j = 0; j < a.length; j++) {
      assertThat(a[j]).isCloseTo(b[j], within(1e-5 * Math.abs(b[j])));
    }
  }

  @Test
  void fitCsv_largeIllConditionedFileWithRidge_equalsInMemoryRefinedFit() throws IOException {
    Problems.Problem filip = largeFilipLike(6_000);
    Path file = writeProblem("filip-large.csv", filip);
    LinearRegressionTrainer ridge = LinearRegressionTrainer.builder().ridge(1e-3).standardize(true).build();
    double[] inMemory = withIntercept(ridge.fit(filip.x(), filip.y()));
    double[] streamed = withIntercept(ridge.fitCsv(file, "y"));
    System.out.printf("large Filip-like, ridge: streamed vs in memory %.1f digits%n",
        Certified.minDigits(streamed, inMemory));
    for (int j = 0; j < inMemory.length; j++) {
      assertThat(streamed[j]).isCloseTo(inMemory[j], within(1e-13 * Math.abs(inMemory[j])));
    }
  }

  @Test
  void fitCsv_largeWellConditionedFileRefinementAlways_equalsInMemoryFit() throws IOException {
    double[][] x = LinearRegressionTrainerTest.features(25_000, 3, 31);
    double[] y = LinearRegressionTrainerTest.targets(x, 32);
    Problems.Problem problem = new Problems.Problem("well-conditioned", x, y, true);
    Path file = writeProblem("well.csv", problem);
    LinearRegressionTrainer always = LinearRegressionTrainer.builder().refinement(Refinement.ALWAYS).build();
    double[] inMemory = withIntercept(always.fit(x, y));
    double[] streamed = withIntercept(always.fitCsv(file, "y"));
    for (int j = 0; j < inMemory.length; j++) {
      assertThat(streamed[j]).isCloseTo(inMemory[j], within(1e-10 * Math.abs(inMemory[j])));
    }
  }

  /**
   * Ordinary data (x ~ N(0, 1), coefficients ~ N(0, 1), unit noise) in a file too large for memory:
   * the default refinement runs, from the residual sums of the first read, and the file is not read
   * again; the answer has the certified digits and agrees with the in-memory fit to 10⁻¹⁰.
   */
  @Test
  void fitCsv_ordinaryLargeFile_refinedFromTheFirstReadAlone() throws IOException {
    int n = 40_000;
    int p = 8;
    Problems.Problem ordinary = Problems.ordinary(n, p);
    double[][] x = ordinary.x();
    double[] y = ordinary.y();
    Path file = writeProblem("ordinary.csv", ordinary);
    double[] certified = Certified.leastSquares(x, y, true);
    double[] inMemory = withIntercept(LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y));
    LinearRegressionModel never = LinearRegressionTrainer.builder().refinement(Refinement.NEVER).build()
        .fitCsv(file, "y");
    for (int threads : new int[] {1, 2}) {
      long reads = CsvResidualPass.READS.get();
      LinearRegressionModel streamed = LinearRegressionTrainer.builder().parallelism(threads).build().fitCsv(file, "y");
      double digits = Certified.minDigits(withIntercept(streamed), certified);
      System.out.printf("ordinary 40000 x 8 file, %d threads: streamed %.1f digits (NEVER %.1f), second reads %d%n",
          threads, digits, Certified.minDigits(withIntercept(never), certified), CsvResidualPass.READS.get() - reads);
      assertThat(CsvResidualPass.READS.get()).as("second reads").isEqualTo(reads);
      assertThat(digits).isGreaterThanOrEqualTo(14.0);
      double[] a = withIntercept(streamed);
      for (int j = 0; j < a.length; j++) {
        assertThat(a[j]).isCloseTo(inMemory[j], within(1e-10 * Math.abs(inMemory[j])));
      }
    }
  }

  @Test
  void fitCsv_emptyCell_throwsInvalidInput() throws IOException {
    Path file = write("empty.csv", "a,y\n1,2\n,4\n3,6\n");
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 3").hasMessageContaining("'a'");
  }

  @Test
  void fitCsv_missingTargetColumn_throwsInvalidInputListingColumns() throws IOException {
    Path file = write("t.csv", "a,b\n1,2\n");
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no column 'y'").hasMessageContaining("columns: a, b");
  }

  @Test
  void fitCsv_wrongCellCount_throwsInvalidInputWithLine() throws IOException {
    Path file = write("w.csv", "a,y\n1,2\n2,4,5\n3,6\n");
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 3").hasMessageContaining("expected 2 cells");
  }

  @Test
  void fitCsv_fewerRowsThanParameters_throwsInvalidInput() throws IOException {
    Path file = write("few.csv", "a,b,y\n1,2,3\n4,5,7\n");
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs at least 3 rows");
  }

  @Test
  void fitCsv_headerOnly_throwsInvalidInput() throws IOException {
    Path file = write("h.csv", "a,y\n");
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no data rows");
  }
}
