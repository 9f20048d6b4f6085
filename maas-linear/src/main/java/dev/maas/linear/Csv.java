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
          cells.add(line.substring(start).trim());
          return cells;
        }
        cells.add(line.substring(start, comma).trim());
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
        cells.add(cell.toString().trim());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new InvalidInputException("line " + lineNumber + ": unterminated quote");
    }
    cells.add(cell.toString().trim());
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

  static double number(String text, long lineNumber, String column) {
    String t = text.trim();
    double value;
    try {
      if (t.isEmpty() || !looksNumeric(t)) {
        throw new NumberFormatException();
      }
      value = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          "line " + lineNumber + ", column '" + column + "': '" + text + "' is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new InvalidInputException(
          "line " + lineNumber + ", column '" + column + "': '" + text + "' is not a finite number");
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
