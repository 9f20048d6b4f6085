package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Hostile CSV input: every case is one clear {@link InvalidInputException}, never an overflow or OOM. */
class CsvHardeningTest {
  @TempDir Path dir;

  private Path wide(int columns, int rows) throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int c = 0; c < columns; c++) {
      csv.append(c > 0 ? "," : "").append('c').append(c);
    }
    csv.append(",y\n");
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        csv.append(c > 0 ? "," : "").append((r * 31 + c) % 7);
      }
      csv.append(',').append(r).append('\n');
    }
    Path file = dir.resolve("wide.csv");
    Files.writeString(file, csv);
    return file;
  }

  private static String message(Runnable fit) {
    try {
      fit.run();
    } catch (InvalidInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected an InvalidInputException");
  }

  @Test
  void fitCsv_50000ColumnsThreeRows_refusesWithTheLimitNotAnOverflow() throws IOException {
    Path file = wide(50_000, 3);
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"));
    assertThat(m).contains("50,000 feature columns").contains("at most 46,338");
  }

  @Test
  void fitCsv_100000Columns_refusesBeforeAllocating() throws IOException {
    Path file = wide(100_000, 3);
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"));
    assertThat(m).contains("100,000 feature columns");
  }

  @Test
  void fitCsv_30000ColumnsThreeRows_namesTheRowCountBeforeAllocatingTheFactor() throws IOException {
    Path file = wide(30_000, 3);
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"));
    assertThat(m).isEqualTo("fitting 30001 parameters needs at least 30001 rows, got 3");
  }

  @Test
  void threadsThatFit_factorLargerThanHeap_refusesNamingMemoryAndFewerThreadsWhenTight() {
    long factor = 40_000L * 40_000L * 8;
    assertThatThrownBy(() -> ParallelFolder.threadsThatFit(4, 40_000, 256, factor))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("40,000 working columns")
        .hasMessageContaining("-Xmx");
    int columns = 1000;
    long perWorker = (long) columns * columns * 8 + (long) columns * 256 * 8;
    assertThat(ParallelFolder.threadsThatFit(8, columns, 256, 3 * perWorker + columns * columns * 8L)).isEqualTo(3);
    assertThat(ParallelFolder.threadsThatFit(2, columns, 256, Long.MAX_VALUE)).isEqualTo(2);
  }

  @Test
  void fitCsv_hugeNonNumericCell_isQuotedShortWithItsLength() throws IOException {
    Path file = dir.resolve("big.csv");
    String cell = "x".repeat(5 * 1024 * 1024);
    Files.writeString(file, "a,y\n1,2\n" + cell + ",3\n4,5\n");
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"));
    assertThat(m).hasSizeLessThan(200).contains("line 3").contains("(5,242,880 characters)")
        .contains("is not a number");
  }

  @Test
  void fitCsv_nulByteInsideNumber_isRefusedAndShownEscaped() throws IOException {
    Path file = dir.resolve("nul.csv");
    Files.writeString(file, "a,y\n1,2\n3.0\0,3\n4,5\n");
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"));
    assertThat(m).isEqualTo("line 3, column 'a': '3.0\\u0000' is not a number");
  }

  @Test
  void fitCsv_spacesAndTabsAroundNumbers_areStillAccepted() throws IOException {
    Path file = dir.resolve("spaces.csv");
    Files.writeString(file, "a , y\n 1\t, 2\n2 ,4\n3,\t7\n");
    LinearRegressionModel model = LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y");
    assertThat(model.featureNames()).containsExactly("a");
    assertThat(model.coefficients()[0]).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void fitCsv_latin1File_saysItIsNotUtf8() throws IOException {
    Path file = dir.resolve("latin1.csv");
    Files.write(file, "caf\u00e9,y\n1,2\n2,3\n3,5\n".getBytes(StandardCharsets.ISO_8859_1));
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y"));
    assertThat(m).contains("latin1.csv is not UTF-8 text").contains("iconv");
  }

  @Test
  void fitCsv_directory_saysSo() {
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(dir, "y"));
    assertThat(m).isEqualTo(dir + " is a directory, not a CSV file");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void fitCsv_device_saysItIsNotARegularFile() {
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(Path.of("/dev/zero"), "y"));
    assertThat(m).startsWith("/dev/zero is not a regular file");
  }

  @Test
  void fitCsv_missingFile_saysNoSuchFile() {
    Path missing = dir.resolve("nope.csv");
    String m = message(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(missing, "y"));
    assertThat(m).isEqualTo("no such file: " + missing);
  }

  @Test
  void fitCsv_missingColumnInWideHeader_listsOnlyTheFirstColumns() throws IOException {
    Path file = wide(500, 3);
    String m = message(() -> LinearRegressionTrainer.builder().featureNames(List.of("nope")).build()
        .fitCsv(file, "y"));
    assertThat(m).contains("no feature column 'nope'").contains("(501 in all)").hasSizeLessThan(400);
  }
}
