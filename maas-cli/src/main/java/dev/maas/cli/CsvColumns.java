package dev.maas.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads named numeric columns of a CSV file with a header row (RFC 4180 quoting, no line breaks in
 * cells); other columns are ignored. Every error names the file, the line and the column.
 *
 * <p>This class has no state.
 */
final class CsvColumns {
  private CsvColumns() {}

  /** The header of {@code file}. */
  static List<String> header(Path file) throws IOException {
    try (BufferedReader in = open(file)) {
      return readHeader(in, file);
    }
  }

  /** The rows of {@code file}, each holding the columns {@code names} in that order. */
  static double[][] read(Path file, List<String> names) throws IOException {
    List<double[]> rows = new ArrayList<>();
    forEachRow(file, names, rows::add);
    return rows.toArray(new double[0][]);
  }

  /** Hands each row of {@code file}, holding the columns {@code names} in that order, to {@code sink}. */
  static void forEachRow(Path file, List<String> names, Consumer<double[]> sink) throws IOException {
    try (BufferedReader in = open(file)) {
      List<String> header = readHeader(in, file);
      int[] index = new int[names.size()];
      for (int j = 0; j < index.length; j++) {
        index[j] = header.indexOf(names.get(j));
        if (index[j] < 0) {
          throw new IllegalArgumentException(file + ": no column '" + names.get(j) + "' (needed: "
              + String.join(", ", names) + "; the file has: " + String.join(", ", header) + ")");
        }
      }
      String line;
      long number = 1;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        List<String> cells = split(line, file, number);
        if (cells.size() != header.size()) {
          throw new IllegalArgumentException(file + " line " + number + ": " + cells.size() + " cells, but the header has "
              + header.size());
        }
        double[] row = new double[index.length];
        for (int j = 0; j < index.length; j++) {
          row[j] = number(cells.get(index[j]), file, number, names.get(j));
        }
        sink.accept(row);
      }
    }
  }

  private static BufferedReader open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  private static List<String> readHeader(BufferedReader in, Path file) throws IOException {
    String line = in.readLine();
    if (line == null || line.isBlank()) {
      throw new IllegalArgumentException(file + " is empty; expected a header row of column names");
    }
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    List<String> header = split(line, file, 1);
    for (int i = 0; i < header.size(); i++) {
      if (header.indexOf(header.get(i)) != i) {
        throw new IllegalArgumentException(file + ": column '" + header.get(i) + "' appears twice in the header");
      }
    }
    return header;
  }

  private static double number(String cell, Path file, long line, String column) {
    double value;
    try {
      value = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " line " + line + ", column '" + column + "': '" + shorten(cell)
          + "' is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(file + " line " + line + ", column '" + column + "': '" + shorten(cell)
          + "' is not a finite number");
    }
    return value;
  }

  private static String shorten(String cell) {
    return cell.length() <= 40 ? cell : cell.substring(0, 40) + "...";
  }

  static List<String> split(String line, Path file, long number) {
    try {
      return Table.splitCsv(line, number);
    } catch (Table.RowException e) {
      throw new IllegalArgumentException(file + " " + e.getMessage(), e);
    }
  }
}
