package dev.maas.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void number_agreesWithParseDoubleBitForBitFromTextAndFromBytes() {
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
      long expected = Double.doubleToRawLongBits(Double.parseDouble(text));
      assertThat(Double.doubleToRawLongBits(Csv.number(text, 1, "x"))).as(text).isEqualTo(expected);
      byte[] bytes = (" " + text + " ").getBytes(StandardCharsets.US_ASCII);
      assertThat(Double.doubleToRawLongBits(Csv.decimal(bytes, 0, bytes.length))).as(text).isEqualTo(expected);
    }
  }

  @Test
  void number_edgeCases() {
    assertThat(Csv.number(" -0 ", 1, "x")).isEqualTo(-0.0);
    assertThat(Csv.number("\t.5", 1, "x")).isEqualTo(0.5);
    assertThat(Csv.number("1e22", 1, "x")).isEqualTo(1e22);
    assertThat(Csv.number("123456789012345678", 1, "x")).isEqualTo(123456789012345678.0);
    assertThat(Csv.number("4.9e-324", 1, "x")).isEqualTo(Double.MIN_VALUE);
    assertThat(Csv.number("a,2.5,b", 2, 5, 1, "x")).isEqualTo(2.5);
  }

  @Test
  void number_refusesWhatIsNotAFiniteDecimal() {
    for (String bad : new String[] {"abc", "NaN", "Infinity", "0x1p3", "1d", "1f", "3.0\0", "1.2.3", "--1", "1e"}) {
      assertThatThrownBy(() -> Csv.number(bad, 7, "x")).as(bad).isInstanceOf(Csv.LineException.class)
          .hasMessageStartingWith("line 7, column 'x': '").hasMessageEndingWith("' is not a number");
      byte[] bytes = bad.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(Csv.decimal(bytes, 0, bytes.length)).as(bad).isNaN();
    }
    assertThatThrownBy(() -> Csv.number("  ", 7, "x")).hasMessage("line 7, column 'x' is empty");
    assertThatThrownBy(() -> Csv.number("1e999", 7, "x"))
        .hasMessage("line 7, column 'x': '1e999' is out of the range of a double");
    assertThat(Csv.decimal("1e999".getBytes(StandardCharsets.US_ASCII), 0, 5)).isInfinite();
  }

  @Test
  void split_quotedCells_followRfc4180() {
    assertThat(Csv.split(" a ,\"b, \"\"c\"\"\",\t", 3)).containsExactly("a", "b, \"c\"", "");
    assertThatThrownBy(() -> Csv.split("a,\"b", 3)).isInstanceOf(Csv.LineException.class)
        .hasMessage("line 3: unterminated quote");
  }

  @Test
  void header_byteOrderMarkAndDuplicates() {
    assertThat(Csv.header("\uFEFFa,b")).containsExactly("a", "b");
    assertThatThrownBy(() -> Csv.header("a,b,a")).hasMessage("line 1: column 'a' appears twice in the header");
  }

  @Test
  void parseRow_slotsAndCellCount() {
    double[] out = new double[2];
    Csv.parseRow("1,x,3", 2, new int[] {1, -1, 0}, List.of("a", "b", "c"), out);
    assertThat(out).containsExactly(3, 1);
    Csv.parseRow("\"4\",x,5", 3, new int[] {1, -1, 0}, List.of("a", "b", "c"), out);
    assertThat(out).containsExactly(5, 4);
    assertThatThrownBy(() -> Csv.parseRow("1,2", 4, new int[] {0, -1, 1}, List.of("a", "b", "c"), out))
        .hasMessage("line 4: expected 3 cells as in the header, got 2");
  }

  @Test
  void shown_capsLongValuesAndShowsControlCharacters() {
    assertThat(Csv.shown("a".repeat(5_000_000))).hasSizeLessThan(80).endsWith("(5,000,000 characters)");
    assertThat(Csv.shown("3.0\0")).isEqualTo("3.0\\u0000");
  }
}
