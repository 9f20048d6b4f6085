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
import java.util.List;
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
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no column 'y'").hasMessageContaining("[a, b]");
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
