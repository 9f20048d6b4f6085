package dev.maas.internal;

import dev.maas.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one CSV reader of MaaS data files: header rows, cells (RFC 4180 quoting, no line breaks
 * inside quotes; spaces and tabs around a cell are dropped) and finite plain decimal numbers, from
 * text or straight from ASCII bytes. Every error is a {@link LineException} naming the line and the
 * column; values shown in messages are escaped and shortened ({@link #shown}).
 *
 * <p>This class has no state; its methods are thread-safe.
 */
public final class Csv {
  /** The most characters of a cell or column name an error message shows. */
  public static final int SHOWN_CHARACTERS = 40;

  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
  };
  /** Longer numbers cannot take the fast path (15 digits, sign, point, a three-digit exponent). */
  private static final int FAST_LENGTH = 24;

  private Csv() {}

  /** A line of a data file that cannot be used; its message names the line (1-based) first. */
  public static final class LineException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final long line;

    /** An exception for line {@code line} whose message is {@code "line <line>" + rest}. */
    public LineException(long line, String rest) {
      super("line " + line + rest);
      this.line = line;
    }

    /** The 1-based line number. */
    public long line() {
      return line;
    }
  }

  /**
   * The column names of header line {@code line} (line 1), without a leading byte-order mark.
   *
   * @throws LineException if a quote is not closed or a name appears twice
   */
  public static List<String> header(String line) {
    String text = !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
    List<String> names = split(text, 1);
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        throw new LineException(1, ": column '" + shown(name) + "' appears twice in the header");
      }
    }
    return names;
  }

  /**
   * The cells of CSV line {@code line} (without its line break), each without surrounding spaces
   * and tabs.
   *
   * @throws LineException if a quote is not closed
   */
  public static List<String> split(String line, long lineNumber) {
    List<String> cells = new ArrayList<>();
    if (line.indexOf('"') < 0) {
      int start = 0;
      while (true) {
        int comma = line.indexOf(',', start);
        if (comma < 0) {
          cells.add(strip(line.substring(start)));
          return cells;
        }
        cells.add(strip(line.substring(start, comma)));
        start = comma + 1;
      }
    }
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(strip(cell.toString()));
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new LineException(lineNumber, ": unterminated quote");
    }
    cells.add(strip(cell.toString()));
    return cells;
  }

  /**
   * Parses the numeric cells of CSV line {@code line} into {@code out}: cell {@code c} goes to
   * {@code out[slots[c]]}, or nowhere when {@code slots[c]} is negative. {@code slots.length} is
   * the number of cells every line must have; {@code header} names the columns in messages.
   *
   * @throws LineException if the line has another number of cells, a quote is not closed, or a
   *     wanted cell is not a finite number
   */
  public static void parseRow(String line, long lineNumber, int[] slots, List<String> header, double[] out) {
    int expected = slots.length;
    if (line.indexOf('"') >= 0) {
      List<String> cells = split(line, lineNumber);
      checkCount(cells.size(), expected, lineNumber);
      for (int c = 0; c < expected; c++) {
        if (slots[c] >= 0) {
          out[slots[c]] = number(cells.get(c), lineNumber, header.get(c));
        }
      }
      return;
    }
    int cell = 0;
    int start = 0;
    int length = line.length();
    while (true) {
      int comma = line.indexOf(',', start);
      int end = comma < 0 ? length : comma;
      if (cell < expected && slots[cell] >= 0) {
        out[slots[cell]] = number(line, start, end, lineNumber, header.get(cell));
      }
      cell++;
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    checkCount(cell, expected, lineNumber);
  }

  private static void checkCount(int actual, int expected, long lineNumber) {
    if (actual != expected) {
      throw new LineException(lineNumber, ": expected " + expected + " cells as in the header, got " + actual);
    }
  }

  /** {@code text} without leading and trailing spaces and tabs (control characters stay, and are refused as numbers). */
  public static String strip(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isBlank(text.charAt(start))) {
      start++;
    }
    while (end > start && isBlank(text.charAt(end - 1))) {
      end--;
    }
    return start == 0 && end == text.length() ? text : text.substring(start, end);
  }

  private static boolean isBlank(int c) {
    return c == ' ' || c == '\t';
  }

  /**
   * The finite number in cell {@code text.substring(from, to)} of line {@code lineNumber}, column
   * {@code column}: a plain decimal ({@code -1.5}, {@code 2e-3}), spaces and tabs around it allowed.
   *
   * @throws LineException if the cell is empty, not a plain decimal (hex, {@code NaN}, {@code 1d},
   *     control characters...) or out of the range of a double
   */
  public static double number(String text, int from, int to, long lineNumber, String column) {
    double value = decimal(text, from, to);
    if (Double.isFinite(value)) {
      return value;
    }
    String cell = text.substring(from, to);
    if (Double.isNaN(value) && strip(cell).isEmpty()) {
      throw new LineException(lineNumber, ", column '" + shown(column) + "' is empty");
    }
    throw new LineException(lineNumber, ", column '" + shown(column) + "': '" + shown(strip(cell)) + "' is "
        + (Double.isNaN(value) ? "not a number" : "out of the range of a double"));
  }

  /** {@link #number(String, int, int, long, String)} of the whole of {@code text}. */
  public static double number(String text, long lineNumber, String column) {
    return number(text, 0, text.length(), lineNumber, column);
  }

  /**
   * The value of the plain decimal in {@code text[from, to)} (spaces and tabs around it allowed):
   * NaN where it is not one, an infinity where it is out of the range of a double. The result is
   * the double {@link Double#parseDouble} gives.
   */
  public static double decimal(String text, int from, int to) {
    int start = from;
    int end = to;
    while (start < end && isBlank(text.charAt(start))) {
      start++;
    }
    while (end > start && isBlank(text.charAt(end - 1))) {
      end--;
    }
    boolean digit = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return Double.NaN;
      }
    }
    if (!digit) {
      return Double.NaN;
    }
    if (end - start <= FAST_LENGTH) {
      byte[] ascii = new byte[end - start];
      for (int i = 0; i < ascii.length; i++) {
        ascii[i] = (byte) text.charAt(start + i);
      }
      double value = fastDecimal(ascii, 0, ascii.length);
      if (!Double.isNaN(value)) {
        return value;
      }
    }
    return slowDecimal(text.substring(start, end));
  }

  /**
   * {@link #decimal(String, int, int)} of the ASCII bytes {@code data[from, to)}, read in place: the
   * path for lines that are plain ASCII.
   */
  public static double decimal(byte[] data, int from, int to) {
    int start = from;
    int end = to;
    while (start < end && isBlank(data[start])) {
      start++;
    }
    while (end > start && isBlank(data[end - 1])) {
      end--;
    }
    boolean digit = false;
    for (int i = start; i < end; i++) {
      byte c = data[i];
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
        return Double.NaN;
      }
    }
    if (!digit) {
      return Double.NaN;
    }
    double value = fastDecimal(data, start, end);
    return Double.isNaN(value) ? slowDecimal(new String(data, start, end - start, StandardCharsets.ISO_8859_1))
        : value;
  }

  private static double slowDecimal(String plain) {
    try {
      return Double.parseDouble(plain);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * The value of a plain decimal {@code [+-]digits[.digits][(e|E)[+-]digits]} in ASCII with at most
   * 15 significant digits and a decimal exponent within ±22, or NaN when the text is outside that
   * (then {@link Double#parseDouble} decides). In that range the significand and the power of ten
   * are exact doubles, so one multiplication or division rounds correctly (Clinger's fast path):
   * the result is the same double as {@code Double.parseDouble} gives.
   */
  static double fastDecimal(byte[] text, int start, int end) {
    int i = start;
    boolean negative = false;
    if (i < end && (text[i] == '-' || text[i] == '+')) {
      negative = text[i] == '-';
      i++;
    }
    long significand = 0;
    int digits = 0;
    int scale = 0;
    boolean any = false;
    boolean point = false;
    for (; i < end; i++) {
      int c = text[i];
      if (c >= '0' && c <= '9') {
        any = true;
        if (significand != 0 || c != '0') {
          if (++digits > 15) {
            return Double.NaN;
          }
          significand = significand * 10 + (c - '0');
        }
        if (point) {
          scale--;
        }
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (!any) {
      return Double.NaN;
    }
    if (i < end) {
      int c = text[i];
      if (c != 'e' && c != 'E') {
        return Double.NaN;
      }
      i++;
      boolean negativeExponent = false;
      if (i < end && (text[i] == '-' || text[i] == '+')) {
        negativeExponent = text[i] == '-';
        i++;
      }
      if (i == end || end - i > 3) {
        return Double.NaN;
      }
      int exponent = 0;
      for (; i < end; i++) {
        int d = text[i];
        if (d < '0' || d > '9') {
          return Double.NaN;
        }
        exponent = exponent * 10 + (d - '0');
      }
      scale += negativeExponent ? -exponent : exponent;
    }
    double value;
    if (significand == 0) {
      value = 0;
    } else if (scale >= 0 && scale <= 22) {
      value = significand * POWERS_OF_TEN[scale];
    } else if (scale < 0 && scale >= -22) {
      value = significand / POWERS_OF_TEN[-scale];
    } else {
      return Double.NaN;
    }
    return negative ? -value : value;
  }

  /**
   * {@code text} for an error message: control characters written as {@code \\uXXXX}, and cut to
   * {@value #SHOWN_CHARACTERS} characters with the full length given, so that a huge cell never
   * floods the message.
   */
  public static String shown(String text) {
    StringBuilder s = new StringBuilder();
    int shown = Math.min(text.length(), SHOWN_CHARACTERS);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    if (shown < text.length()) {
      s.append(String.format(Locale.ROOT, "... (%,d characters)", text.length()));
    }
    return s.toString();
  }

  /** The first 20 column names for an error message, with the count when there are more. */
  public static String names(List<String> header) {
    int shown = Math.min(header.size(), 20);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shown; i++) {
      s.append(i > 0 ? ", " : "").append(header.get(i).length() > SHOWN_CHARACTERS
          ? "'" + shown(header.get(i)) + "'" : header.get(i));
    }
    if (shown < header.size()) {
      s.append(String.format(Locale.ROOT, ", ... (%,d in all)", header.size()));
    }
    return s.toString();
  }
}
