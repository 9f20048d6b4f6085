package dev.maas.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.maas.internal.Csv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A data file read line by line for scoring or evaluation: CSV with a header row, or JSON Lines
 * (one object per line, fields named as the model's features). Parsing a line is separate from
 * reading it, so that worker threads can parse while one thread reads. Numbers must be finite
 * decimal numbers; anything else is a {@link RowException} naming the line and the column.
 *
 * <p>Reading ({@link #next}) is for one thread; {@link #parse} is stateless and thread-safe, and so
 * is {@link #recycle}.
 */
final class Table implements AutoCloseable {
  private static final JsonFactory JSON = dev.maas.internal.Json.FACTORY;

  /** The file layouts read. */
  enum Format {
    CSV,
    JSONL;

    static Format of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      return name.endsWith(".jsonl") || name.endsWith(".ndjson") ? JSONL : CSV;
    }
  }

  /** A line that cannot be used, with its 1-based line number. */
  static final class RowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final long line;

    RowException(long line, String message) {
      super("line " + line + ": " + message);
      this.line = line;
    }

    /** The CLI's form of a line the shared CSV reader refused; the message stays as it is. */
    RowException(Csv.LineException e) {
      super(e.getMessage(), e);
      this.line = e.line();
    }
  }

  /**
   * Consecutive whole lines of the file as raw bytes, the first at {@code firstLine}. Decoding and
   * splitting happen in {@link #lines()}, on the thread that parses, so the reading thread only
   * moves bytes. Used by one thread at a time.
   */
  static final class Chunk {
    private final long firstLine;
    private final byte[] data;
    private final int length;
    private List<String> lines;

    Chunk(long firstLine, byte[] data, int length) {
      this.firstLine = firstLine;
      this.data = data;
      this.length = length;
    }

    long firstLine() {
      return firstLine;
    }

    long bytes() {
      return length;
    }

    /** The raw bytes; the chunk's lines are {@code data()[0, bytes())}. Not to be modified. */
    byte[] data() {
      return data;
    }

    /** The lines, without line terminators; a line that is not UTF-8 text is null. */
    List<String> lines() {
      if (lines == null) {
        lines = split(data, 0, length);
      }
      return lines;
    }

    private static List<String> split(byte[] data, int from, int to) {
      try {
        String text = strictUtf8().decode(java.nio.ByteBuffer.wrap(data, from, to - from)).toString();
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
          int nl = text.indexOf('\n', start);
          int end = nl < 0 ? text.length() : nl;
          out.add(text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end));
          start = end + 1;
        }
        return out;
      } catch (java.nio.charset.CharacterCodingException e) {
        List<String> out = new ArrayList<>(); // find the lines that are not UTF-8, one by one
        int start = from;
        while (start < to) {
          int end = start;
          while (end < to && data[end] != '\n') {
            end++;
          }
          int stop = end > start && data[end - 1] == '\r' ? end - 1 : end;
          try {
            out.add(strictUtf8().decode(java.nio.ByteBuffer.wrap(data, start, stop - start)).toString());
          } catch (java.nio.charset.CharacterCodingException bad) {
            out.add(null);
          }
          start = end + 1;
        }
        return out;
      }
    }
  }

  /** {@code data[from, to)} decoded with {@code decoder} (from {@link #strictUtf8}), or null if it is not UTF-8. */
  static String decode(CharsetDecoder decoder, byte[] data, int from, int to) {
    try {
      return decoder.reset().decode(java.nio.ByteBuffer.wrap(data, from, to - from)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /** A UTF-8 decoder that refuses malformed input. */
  static CharsetDecoder strictUtf8() {
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** The longest line read; longer ones are refused rather than filling the heap. */
  private static final int MAX_LINE = 1 << 28;
  /** How many bytes one chunk holds, about. */
  static final int CHUNK_BYTES = 1 << 20;

  /** One parsed line: the values of the wanted columns, and of the kept columns as text. */
  record Row(double[] values, Object[] kept) {}

  /**
   * A kept JSON string, told apart from a kept CSV cell (a {@code String}) so that JSON output
   * writes it back as a string even when it looks like a number.
   */
  record JsonText(String value) {
    @Override
    public String toString() {
      return value;
    }
  }

  private final Path file;
  private final Format format;
  private final InputStream in;
  private final List<String> header;
  private long lineNumber;
  /** Chunk buffers handed back by {@link #recycle}, so that steady reading allocates nothing. */
  private final java.util.concurrent.BlockingQueue<byte[]> spare = new java.util.concurrent.ArrayBlockingQueue<>(64);
  private byte[] pending = new byte[0];
  private int pendingLength;
  private boolean eof;

  private int[] wantedIndex;
  private int[] keptIndex;
  /** For each CSV column: its place among the wanted values, or -1. */
  private int[] wantedAt;
  /** For each CSV column: its place among the kept values, or -1. */
  private int[] keptAt;
  private List<String> wanted;
  private List<String> keptNames;

  private Table(Path file, Format format, InputStream in) {
    this.file = file;
    this.format = format;
    this.in = in;
    this.header = new ArrayList<>();
  }

  /**
   * Every data row of {@code file} (CSV or JSON Lines), holding the numeric columns {@code names}
   * in that order; errors name the file and the line.
   */
  static double[][] readAll(Path file, String option, List<String> names) throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (Table table = open(file, option)) {
      table.select(names, List.of());
      Chunk chunk;
      while ((chunk = table.next()) != null) {
        List<String> lines = chunk.lines();
        for (int i = 0; i < lines.size(); i++) {
          if (!blank(lines.get(i))) {
            rows.add(table.parse(lines.get(i), chunk.firstLine() + i).values());
          }
        }
        table.recycle(chunk);
      }
    } catch (RowException e) {
      throw new IllegalArgumentException(file + " " + e.getMessage(), e);
    }
    return rows.toArray(new double[0][]);
  }

  /** The header row of the CSV file {@code file} (empty for JSON Lines). */
  static List<String> header(Path file, String option) throws IOException {
    try (Table table = open(file, option)) {
      return List.copyOf(table.header());
    }
  }

  /** Opens {@code file} (UTF-8) and, for CSV, reads its header row. */
  static Table open(Path file, String option) throws IOException {
    InputFiles.requireReadable(file, option, "a CSV file with a header row, or a .jsonl file");
    Format format = Format.of(file);
    Table table = new Table(file, format, Files.newInputStream(file));
    try {
      if (format == Format.CSV) {
        table.readHeader(option);
      }
      return table;
    } catch (IOException | RuntimeException e) {
      table.close();
      throw e;
    }
  }

  private void readHeader(String option) throws IOException {
    int newline = -1;
    while (true) {
      for (int i = 0; i < pendingLength; i++) {
        if (pending[i] == '\n') {
          newline = i;
          break;
        }
      }
      if (newline >= 0 || eof) {
        break;
      }
      if (pendingLength >= MAX_LINE) {
        throw new IllegalArgumentException(file + " line 1 is longer than " + (MAX_LINE >> 20) + " MiB; is it a text file?");
      }
      fill(Math.min(MAX_LINE, Math.max(CHUNK_BYTES, pendingLength * 2)));
    }
    int end = newline >= 0 ? newline : pendingLength;
    if (end == 0 && pendingLength == 0) {
      throw new IllegalArgumentException(option + " '" + file + "' is empty: expected a header row");
    }
    String first;
    try {
      first = strictUtf8().decode(java.nio.ByteBuffer.wrap(pending, 0, end > 0 && pending[end - 1] == '\r' ? end - 1
          : end)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw notUtf8(1);
    }
    int rest = newline >= 0 ? newline + 1 : pendingLength;
    System.arraycopy(pending, rest, pending, 0, pendingLength - rest);
    pendingLength -= rest;
    lineNumber = 1;
    List<String> names;
    try {
      names = Csv.header(first);
    } catch (Csv.LineException e) {
      throw new IllegalArgumentException(file + " " + e.getMessage(), e);
    }
    header.addAll(names);
  }

  private IllegalArgumentException notUtf8(long line) {
    return new IllegalArgumentException(file + " line " + line + " is not UTF-8 text (maybe Latin-1?); convert it, "
        + "for example: iconv -f latin1 -t utf-8 " + file.getFileName() + " > utf8" + suffix());
  }

  private String suffix() {
    return format == Format.JSONL ? ".jsonl" : ".csv";
  }

  /** Reads more of the file into {@code pending}, growing it to hold at least {@code capacity} bytes. */
  private void fill(int capacity) throws IOException {
    if (pending.length < capacity) {
      pending = java.util.Arrays.copyOf(pending, capacity);
    }
    while (pendingLength < pending.length) {
      int n = in.read(pending, pendingLength, pending.length - pendingLength);
      if (n < 0) {
        eof = true;
        return;
      }
      pendingLength += n;
    }
  }

  Format format() {
    return format;
  }

  /** How many values {@link #parse} returns per row, as chosen by {@link #select}. */
  int wantedCount() {
    return wanted.size();
  }

  /** How many kept cells {@link #parse} returns per row, as chosen by {@link #select}. */
  int keptCount() {
    return keptNames.size();
  }

  /** The CSV header; empty for JSON Lines. */
  List<String> header() {
    return java.util.Collections.unmodifiableList(header);
  }

  /**
   * Chooses the columns {@link #parse} returns: the numeric {@code wanted} ones in that order, and
   * {@code kept} ones copied as they are.
   *
   * @throws IllegalArgumentException if a CSV header lacks one of them
   */
  void select(List<String> wanted, List<String> kept) {
    this.wanted = List.copyOf(wanted);
    this.keptNames = List.copyOf(kept);
    Set<String> distinct = new HashSet<>(wanted);
    if (distinct.size() != wanted.size()) {
      throw new IllegalArgumentException("a feature column is named twice: " + String.join(", ", wanted));
    }
    if (format == Format.CSV) {
      wantedIndex = indexes(wanted);
      keptIndex = indexes(kept);
      wantedAt = new int[header.size()];
      keptAt = new int[header.size()];
      java.util.Arrays.fill(wantedAt, -1);
      java.util.Arrays.fill(keptAt, -1);
      for (int i = 0; i < wantedIndex.length; i++) {
        wantedAt[wantedIndex[i]] = i;
      }
      for (int i = 0; i < keptIndex.length; i++) {
        keptAt[keptIndex[i]] = i; // a column kept twice is copied once, to its last place
      }
    }
  }

  private int[] indexes(List<String> names) {
    int[] index = new int[names.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = header.indexOf(names.get(i));
      if (index[i] < 0) {
        throw new IllegalArgumentException("no column '" + quote(names.get(i)) + "' in the header of " + file
            + "; columns: " + abbreviate(header));
      }
    }
    return index;
  }

  private static String abbreviate(List<String> names) {
    List<String> shown = names.size() > 20 ? names.subList(0, 20) : names;
    return String.join(", ", shown) + (names.size() > 20 ? ", ... (" + names.size() + " in all)" : "");
  }

  /**
   * The next whole lines, about {@link #CHUNK_BYTES} of them (more when one line is longer); null
   * at the end of the file.
   */
  Chunk next() throws IOException {
    while (true) {
      int last = -1;
      for (int i = pendingLength - 1; i >= 0; i--) {
        if (pending[i] == '\n') {
          last = i;
          break;
        }
      }
      boolean full = pendingLength == pending.length;
      if ((last >= 0 && (full || eof)) || (eof && pendingLength > 0)) {
        int end = last >= 0 ? last + 1 : pendingLength;
        if (eof && last >= 0 && last + 1 < pendingLength) {
          end = pendingLength; // the last line has no line break
        }
        byte[] data = spare.poll();
        if (data == null || data.length < end) {
          data = new byte[Math.max(end, CHUNK_BYTES)];
        }
        System.arraycopy(pending, 0, data, 0, end);
        long lines = 0;
        for (int i = 0; i < end; i++) {
          if (data[i] == '\n') {
            lines++;
          }
        }
        if (end > 0 && data[end - 1] != '\n') {
          lines++;
        }
        Chunk chunk = new Chunk(lineNumber + 1, data, end);
        lineNumber += lines;
        System.arraycopy(pending, end, pending, 0, pendingLength - end);
        pendingLength -= end;
        return chunk;
      }
      if (eof) {
        return null;
      }
      if (full && last < 0 && pending.length >= MAX_LINE) {
        throw new IllegalArgumentException(file + " line " + (lineNumber + 1) + " is longer than " + (MAX_LINE >> 20)
            + " MiB; is it a text file?");
      }
      fill(full && last < 0 ? Math.min(MAX_LINE, Math.max(CHUNK_BYTES, pending.length * 2))
          : Math.max(CHUNK_BYTES, pending.length));
    }
  }

  /**
   * Hands back the bytes of a chunk whose lines are no longer needed, for {@link #next} to reuse;
   * the chunk must not be used after. Any thread may call it.
   */
  void recycle(Chunk chunk) {
    spare.offer(chunk.data);
  }

  /** Whether {@code line} holds no data (blank lines are skipped, not errors). */
  static boolean blank(String line) {
    return line != null && line.isBlank();
  }

  /** Parses line {@code lineNumber}. */
  Row parse(String line, long lineNumber) {
    if (line == null) {
      throw new RowException(lineNumber, "is not UTF-8 text (maybe Latin-1?); convert the file, for example with iconv");
    }
    return format == Format.CSV ? parseCsv(line, lineNumber) : parseJson(line, lineNumber, false);
  }

  /** The kept cells of a line that could not be parsed, where its cells can still be told apart; else null. */
  Object[] keptOf(String line) {
    if (keptNames.isEmpty()) {
      return null;
    }
    if (format == Format.JSONL) {
      try {
        return parseJson(line, 0, true).kept();
      } catch (RowException e) {
        return null;
      }
    }
    try {
      List<String> cells = splitCsv(line, 0);
      if (cells.size() != header.size()) {
        return null;
      }
      Object[] kept = new Object[keptIndex.length];
      for (int i = 0; i < kept.length; i++) {
        kept[i] = cells.get(keptIndex[i]);
      }
      return kept;
    } catch (RowException e) {
      return null;
    }
  }

  private Row parseCsv(String line, long lineNumber) {
    if (line.indexOf('"') < 0) {
      return parsePlainCsv(line, lineNumber);
    }
    List<String> cells = splitCsv(line, lineNumber);
    if (cells.size() != header.size()) {
      throw new RowException(lineNumber, "has " + cells.size() + " cells, the header has " + header.size());
    }
    double[] values = new double[wantedIndex.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = number(cells.get(wantedIndex[i]), lineNumber, wanted.get(i));
    }
    Object[] kept = new Object[keptIndex.length];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = cells.get(keptIndex[i]);
    }
    return new Row(values, kept);
  }

  /** A line without quotes: cells are found and numbers parsed in place, without splitting the line. */
  private Row parsePlainCsv(String line, long lineNumber) {
    double[] values = new double[wantedIndex.length];
    Object[] kept = new Object[keptIndex.length];
    int columns = header.size();
    int cell = 0;
    int start = 0;
    while (true) {
      int comma = line.indexOf(',', start);
      int end = comma < 0 ? line.length() : comma;
      if (cell < columns) {
        int w = wantedAt[cell];
        if (w >= 0) {
          values[w] = number(line, start, end, lineNumber, header.get(cell));
        }
        int k = keptAt[cell];
        if (k >= 0) {
          kept[k] = line.substring(start, end).strip();
        }
      }
      cell++;
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    if (cell != columns) {
      throw new RowException(lineNumber, "has " + cell + " cells, the header has " + columns);
    }
    return new Row(values, kept);
  }

  /**
   * Parses the CSV line {@code data[from, to)} (without its line break) in place when it is plain
   * printable ASCII without quotes, every wanted cell is a number {@link #number} accepts and the
   * line has as many cells as the header: the wanted values go to {@code values[valuesAt...]} and
   * the kept cells, stripped of spaces, to {@code keptRanges[keptAt...]} as start and end offsets
   * into {@code data}. Returns false, having written partial results, for any other line: the caller
   * then parses it as text with {@link #parse}, which gives the same values or names the problem.
   */
  boolean parsePlainAscii(byte[] data, int from, int to, double[] values, int valuesAt, int[] keptRanges,
      int keptRangesAt) {
    for (int i = from; i < to; i++) {
      byte b = data[i];
      if (b < 0x20 || b == 0x7f || b == '"') { // bytes >= 0x80 are negative
        return false;
      }
    }
    int columns = header.size();
    int cell = 0;
    int start = from;
    while (true) {
      int comma = start;
      while (comma < to && data[comma] != ',') {
        comma++;
      }
      if (cell >= columns) {
        return false;
      }
      int w = wantedAt[cell];
      if (w >= 0) {
        double v = number(data, start, comma);
        if (Double.isNaN(v)) {
          return false;
        }
        values[valuesAt + w] = v;
      }
      int k = keptAt[cell];
      if (k >= 0) {
        int a = start;
        int b = comma;
        while (a < b && data[a] == ' ') {
          a++;
        }
        while (b > a && data[b - 1] == ' ') {
          b--;
        }
        keptRanges[keptRangesAt + 2 * k] = a;
        keptRanges[keptRangesAt + 2 * k + 1] = b;
      }
      cell++;
      if (comma == to) {
        break;
      }
      start = comma + 1;
    }
    return cell == columns;
  }

  /**
   * The finite value of the ASCII number {@code data[from, to)} as {@link #number(String, int, int,
   * long, String)} reads it (spaces around it allowed), or NaN where that would refuse it.
   */
  static double number(byte[] data, int from, int to) {
    double value = Csv.decimal(data, from, to);
    return Double.isInfinite(value) ? Double.NaN : value;
  }

  private Row parseJson(String line, long lineNumber, boolean keptOnly) {
    double[] values = new double[wanted.size()];
    boolean[] seen = new boolean[values.length];
    Object[] kept = new Object[keptNames.size()];
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new RowException(lineNumber, "expected a JSON object");
      }
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        int w = keptOnly ? -1 : wanted.indexOf(field);
        int k = keptNames.indexOf(field);
        if (w >= 0) {
          if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new RowException(lineNumber, "field '" + quote(field) + "' must be a number, got "
                + describe(p, value));
          }
          double v = p.getDoubleValue();
          if (!Double.isFinite(v)) {
            throw new RowException(lineNumber, "field '" + quote(field) + "': " + quote(p.getText())
                + " is out of the range of a double");
          }
          values[w] = v;
          seen[w] = true;
        }
        if (k >= 0) {
          kept[k] = switch (value) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
            case VALUE_NULL -> null;
            case VALUE_STRING -> new JsonText(p.getText());
            default -> throw new RowException(lineNumber, "field '" + quote(field) + "' must be a plain value");
          };
        }
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          p.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new RowException(lineNumber, "expected one JSON object on the line");
      }
    } catch (JsonProcessingException e) {
      throw new RowException(lineNumber, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new RowException(lineNumber, "cannot read: " + e.getMessage());
    }
    for (int i = 0; i < seen.length; i++) {
      if (!seen[i] && !keptOnly) {
        throw new RowException(lineNumber, "missing field '" + quote(wanted.get(i)) + "'");
      }
    }
    return new Row(values, kept);
  }

  private static String describe(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> "the string \"" + quote(p.getText()) + "\"";
      case VALUE_NULL -> "null";
      case VALUE_TRUE, VALUE_FALSE -> p.getText();
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      default -> token.toString();
    };
  }

  /**
   * A finite decimal number ({@code -1.5}, {@code 2e-3}); surrounding spaces and tabs are allowed,
   * other characters (control characters, hex floats, type suffixes, NaN, Infinity) are not.
   */
  static double number(String text, long lineNumber, String column) {
    return number(text, 0, text.length(), lineNumber, column);
  }

  /** {@link #number(String, long, String)} of {@code text.substring(from, to)}, without making the substring. */
  static double number(String text, int from, int to, long lineNumber, String column) {
    try {
      return Csv.number(text, from, to, lineNumber, column);
    } catch (Csv.LineException e) {
      throw new RowException(e);
    }
  }

  /** {@code text} shortened for a message, control characters written as {@code \\uXXXX}. */
  static String quote(String text) {
    return Csv.shown(text);
  }

  /** The cells of a CSV line (RFC 4180 quoting, no line breaks inside quotes). */
  static List<String> splitCsv(String line, long lineNumber) {
    try {
      return Csv.split(line, lineNumber);
    } catch (Csv.LineException e) {
      throw new RowException(e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
