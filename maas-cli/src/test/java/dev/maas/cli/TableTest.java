package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TableTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  @Test
  void next_chunksOfAFileLargerThanOneChunk_keepLineNumbersAndContent() throws Exception {
    StringBuilder text = new StringBuilder("a,b\r\n");
    int rows = 150_000;
    for (int i = 0; i < rows; i++) {
      text.append(i).append(',').append(i % 7 == 0 ? "\u00e9" : "x").append(i == rows - 1 ? "" : "\r\n");
    }
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("big.csv"), text);
    try (Table table = Table.open(file, "--input")) {
      assertThat(table.header()).containsExactly("a", "b");
      long expectedLine = 2;
      int chunks = 0;
      Table.Chunk chunk;
      while ((chunk = table.next()) != null) {
        chunks++;
        assertThat(chunk.firstLine()).isEqualTo(expectedLine);
        for (int i = 0; i < chunk.lines().size(); i++) {
          int row = (int) (chunk.firstLine() + i - 2);
          assertThat(chunk.lines().get(i)).isEqualTo(row + "," + (row % 7 == 0 ? "\u00e9" : "x"));
        }
        expectedLine += chunk.lines().size();
      }
      assertThat(chunks).isGreaterThan(1);
      assertThat(expectedLine).isEqualTo(rows + 2);
    }
  }

  @Test
  void next_latin1Line_isNullSoThatParsingNamesItsLine() throws Exception {
    java.nio.file.Path file = dir.resolve("latin1.csv");
    java.nio.file.Files.write(file, "a\n1\n\u00e9\n3\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    try (Table table = Table.open(file, "--input")) {
      table.select(java.util.List.of("a"), java.util.List.of());
      Table.Chunk chunk = table.next();
      assertThat(chunk.lines()).containsExactly("1", null, "3");
      assertThatThrownBy(() -> table.parse(chunk.lines().get(1), 3)).hasMessageStartingWith("line 3: is not UTF-8");
    }
  }

  @Test
  void number_agreesWithParseDoubleBitForBit() {
    Random random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      String text = switch (i % 5) {
        case 0 -> String.format(Locale.ROOT, "%.4f", (random.nextDouble() - 0.5) * 1e4);
        case 1 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
        case 2 -> Long.toString(random.nextLong() >> random.nextInt(63));
        case 3 -> String.format(Locale.ROOT, "%.17g", random.nextDouble());
        default -> (random.nextBoolean() ? "-" : "") + random.nextInt(1000) + "." + random.nextInt(1000) + "e"
            + (random.nextInt(50) - 25);
      };
      assertThat(Double.doubleToRawLongBits(Table.number(text, 1, "x")))
          .as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }
  }

  @Test
  void parsePlainAscii_agreesWithParseOrDefersToIt() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("t.csv"), "id,a,b\n");
    try (Table table = Table.open(file, "--input")) {
      table.select(java.util.List.of("b", "a"), java.util.List.of("id"));
      Random random = new Random(11);
      for (int i = 0; i < 20_000; i++) {
        String a = String.format(Locale.ROOT, random.nextBoolean() ? "%.6f" : "%.3e",
            (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20));
        String b = random.nextInt(5) == 0 ? Double.toString(random.nextGaussian()) : " " + random.nextInt(1000) + " ";
        String line = " x" + i + " ," + a + "," + b;
        byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        double[] values = new double[3];
        int[] ranges = new int[4];
        assertThat(table.parsePlainAscii(bytes, 0, bytes.length, values, 1, ranges, 2)).as(line).isTrue();
        Table.Row row = table.parse(line, 2);
        assertThat(values[1]).as(line).isEqualTo(row.values()[0]);
        assertThat(values[2]).as(line).isEqualTo(row.values()[1]);
        assertThat(new String(bytes, ranges[2], ranges[3] - ranges[2], java.nio.charset.StandardCharsets.US_ASCII))
            .isEqualTo(row.kept()[0]).isEqualTo("x" + i);
      }
      for (String line : new String[] {"1,2", "1,2,3,4", "\"1\",2,3", "1,abc,3", "1,,3", "1,1e999,3", "1,0x1p3,3",
          "1,2\t,3", "\u00e9,2,3", "1,NaN,3", "1,2d,3"}) {
        byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(table.parsePlainAscii(bytes, 0, bytes.length, new double[2], 0, new int[2], 0)).as(line).isFalse();
      }
    }
  }

  @Test
  void number_edgeCases() {
    assertThat(Table.number(" -0 ", 1, "x")).isEqualTo(-0.0);
    assertThat(Table.number(".5", 1, "x")).isEqualTo(0.5);
    assertThat(Table.number("1e22", 1, "x")).isEqualTo(1e22);
    assertThat(Table.number("123456789012345678", 1, "x")).isEqualTo(123456789012345678.0);
    assertThat(Table.number("4.9e-324", 1, "x")).isEqualTo(Double.MIN_VALUE);
  }

  @Test
  void number_refusesWhatIsNotAFiniteDecimal() {
    for (String bad : new String[] {"abc", "NaN", "Infinity", "0x1p3", "1d", "1f", "3.0\0", "1.2.3", "--1", "1e",
        "", "  "}) {
      assertThatThrownBy(() -> Table.number(bad, 7, "x")).as(bad).isInstanceOf(Table.RowException.class)
          .hasMessageStartingWith("line 7: column 'x'");
    }
    assertThatThrownBy(() -> Table.number("1e999", 7, "x")).hasMessageContaining("out of the range");
  }

  @Test
  void quote_capsLongValuesAndShowsControlCharacters() {
    assertThat(Table.quote("a".repeat(5_000_000))).hasSizeLessThan(80).endsWith("(5000000 characters)");
    assertThat(Table.quote("3.0\0")).isEqualTo("3.0\\u0000");
  }
}
