package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvObserverTest {
  @TempDir Path dir;

  /** Sees everything, in order. */
  private static class Recorder implements CsvObserver {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<double[]> rows = new ArrayList<>();
    List<String> features;
    int begins;

    @Override
    public void begin(List<String> featureNames) {
      features = featureNames;
      begins++;
    }

    @Override
    public void bytes(byte[] data, int offset, int length) {
      bytes.write(data, offset, length);
    }

    @Override
    public void row(double[] values) {
      rows.add(values.clone());
    }
  }

  /** A file of {@code rows} rows: weight w (every 5th 0), x1, y, x2; blank lines among them. */
  private Path write(int rows) throws IOException {
    StringBuilder text = new StringBuilder("\uFEFFw,x1,y,x2\n");
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < rows; i++) {
      double x1 = random.nextDouble(-5, 5);
      double x2 = random.nextInt(100) / 4.0;
      text.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%s%n", i % 5 == 0 ? 0 : 1, x1,
          1 + 2 * x1 - x2 + random.nextGaussian(), x2));
      if (i % 1000 == 7) {
        text.append("\n");
      }
    }
    return Files.writeString(dir.resolve("d" + rows + ".csv"), text);
  }

  @ParameterizedTest
  @ValueSource(ints = {300, 40_000}) // parsed in memory; streamed in blocks
  void fitCsv_observer_seesEveryByteAndEveryRowInFileOrder(int rows) throws IOException {
    Path file = write(rows);
    Recorder seen = new Recorder();

    LinearRegressionModel observed = LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y", "w", seen);

    assertThat(seen.begins).isEqualTo(1);
    assertThat(seen.features).containsExactly("x1", "x2");
    assertThat(seen.bytes.toByteArray()).isEqualTo(Files.readAllBytes(file));
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<double[]> expected = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        String[] cells = line.split(",");
        expected.add(new double[] {Double.parseDouble(cells[1]), Double.parseDouble(cells[3])});
      }
    }
    assertThat(seen.rows).hasSize(rows).containsExactlyElementsOf(expected);
    LinearRegressionModel plain = LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y", "w");
    assertThat(observed.coefficients()).isEqualTo(plain.coefficients());
  }

  @Test
  void fitCsv_observerThrows_failsTheFit() throws IOException {
    Path file = write(300);
    CsvObserver refusing = new Recorder() {
      @Override
      public void row(double[] values) {
        throw new InvalidInputException("no thanks");
      }
    };
    assertThatThrownBy(() -> LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y", null, refusing))
        .isInstanceOf(InvalidInputException.class).hasMessage("no thanks");
  }
}
