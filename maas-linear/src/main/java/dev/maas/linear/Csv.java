package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV lines into cells (RFC 4180 without line breaks inside quotes) and parses numeric
 * cells, naming the line and column of anything that is not a finite number.
 *
 * <p>This class has no state.
 */
final class Csv {
  private Csv() {}

  /** The cells of {@code line}. */
  static List<String> split(String line, long lineNumber) {
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
      throw new InvalidInputException("line " + lineNumber + ": unterminated quote");
    }
    cells.add(strip(cell.toString()));
    return cells;
  }

  /**
   * Parses the cells of {@code line} into {@code out}: cell {@code c} goes to {@code
   * out[target[c]]}, or nowhere when {@code target[c]} is negative. {@code target.length} is the
   * number of cells every line must have.
   */
  static void parse(String line, long lineNumber, int[] target, List<String> header, double[] out) {
    int expected = target.length;
    if (line.indexOf('"') >= 0) {
      List<String> cells = split(line, lineNumber);
      checkCount(cells.size(), expected, lineNumber);
      for (int c = 0; c < expected; c++) {
        if (target[c] >= 0) {
          out[target[c]] = number(cells.get(c), lineNumber, header.get(c));
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
      if (cell < expected && target[cell] >= 0) {
        out[target[cell]] = number(line.substring(start, end), lineNumber, header.get(cell));
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
      throw new InvalidInputException(
          "line " + lineNumber + ": expected " + expected + " cells as in the header, got " + actual);
    }
  }

  /** {@code text} without leading and trailing spaces and tabs (control characters stay, and are refused). */
  static String strip(String text) {
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

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** The most characters of a cell or column name an error message shows. */
  static final int SHOWN_CHARACTERS = 40;

  /**
   * {@code text} in single quotes for an error message: control characters escaped, and cut to
   * {@value #SHOWN_CHARACTERS} characters with the full length given, so that a huge cell never
   * floods the message.
   */
  static String quote(String text) {
    StringBuilder s = new StringBuilder("'");
    int shown = Math.min(text.length(), SHOWN_CHARACTERS);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        s.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    s.append('\'');
    if (shown < text.length()) {
      s.append(String.format(java.util.Locale.ROOT, "... (%,d characters)", text.length()));
    }
    return s.toString();
  }

  /** The first few column names for an error message, with the count when there are more. */
  static String names(List<String> header) {
    int shown = Math.min(header.size(), 20);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < shown; i++) {
      s.append(i > 0 ? ", " : "").append(header.get(i).length() > SHOWN_CHARACTERS ? quote(header.get(i))
          : header.get(i));
    }
    if (shown < header.size()) {
      s.append(String.format(java.util.Locale.ROOT, ", ... (%,d in all)", header.size()));
    }
    return s.toString();
  }

  static double number(String text, long lineNumber, String column) {
    String t = strip(text);
    double value;
    try {
      if (t.isEmpty() || !looksNumeric(t)) {
        throw new NumberFormatException();
      }
      value = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "line " + lineNumber + ", column " + quote(column) + ": " + quote(t) + " is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new InvalidInputException(
          "line " + lineNumber + ", column " + quote(column) + ": " + quote(t) + " is not a finite number");
    }
    return value;
  }

  /** Plain decimal notation only: digits, sign, point and exponent (no hex, no "NaN", no "1d"). */
  private static boolean looksNumeric(String t) {
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
        return false;
      }
    }
    return true;
  }
}
