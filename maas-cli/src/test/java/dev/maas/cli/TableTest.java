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
  void number_refusalNamesTheLineAndColumn() {
    assertThatThrownBy(() -> Table.number("abc", 7, "x")).isInstanceOf(Table.RowException.class)
        .hasMessage("line 7, column 'x': 'abc' is not a number");
  }
}
