package dev.maas.cli;

import com.fasterxml.jackson.core.io.NumberOutput;
import dev.maas.DataType;
import dev.maas.MaasException;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PredictionException;
import dev.maas.Predictor;
import dev.maas.StoredModel;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.linear.Interval;
import dev.maas.linear.LinearRegressionModel;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas predict REF --store DIR --input FILE --output FILE}: batch scoring of a CSV or JSON
 * Lines file with a stored tabular model.
 *
 * <p>One thread reads chunks of lines, a pool of one worker per core parses, scores and formats
 * them ({@link Scorer}), and one thread writes the results in input order; the queue between them
 * is bounded, so memory does not grow with the file. Predictions are written as the shortest
 * decimal that reads back as the same double. With {@code --interval}, a linear regression's
 * interval bounds follow the prediction. A line that cannot be scored is reported on stderr with its line number
 * and written with an empty prediction (CSV) or an {@code error} field (JSON Lines), so output rows
 * stay aligned with input rows; {@code --fail-fast} stops at the first one instead. The output is
 * written to a temporary file beside {@code --output} and renamed into place when complete.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Score a CSV or JSON Lines file with a stored model, streaming, on every core.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas predict demo@production --store maas-store --input houses.csv \\",
      "      --output scores.csv",
      "  maas predict demo --store maas-store --input rows.jsonl \\",
      "      --output scores.jsonl --keep id --fail-fast",
      "  maas predict demo --store maas-store --input houses.csv --output bounds.csv \\",
      "      --interval prediction --level 0.9",
      "",
      "Exit codes:",
      "  0  every row scored",
      "  1  failed; nothing written",
      "  2  usage error",
      "  5  finished, but some rows could not be scored (listed on stderr)"})
final class PredictCommand implements Callable<Integer> {
  /** Exit status when the output is complete but some rows could not be scored. */
  static final int SOME_ROWS_REJECTED = 5;
  private static final int MAX_REPORTED = 20;

  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "CSV with a header row, or JSON Lines (.jsonl: one object per line).")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "Where to write the predictions: CSV, or JSON Lines when the name ends in .jsonl.")
  Path output;

  @Option(names = "--columns", split = ",", paramLabel = "COLUMN,...", hideParamSyntax = true,
      description = "Feature columns in the model's input order (default: the features the model records).")
  List<String> columns;

  @Option(names = "--keep", split = ",", paramLabel = "COLUMN,...", hideParamSyntax = true,
      description = "Input columns copied to the output before the prediction, for example an id.")
  List<String> keep = List.of();

  @Option(names = "--fail-fast", description = "Stop at the first row that cannot be scored (exit 1, no output).")
  boolean failFast;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
  Integer threads;

  @Option(names = "--quiet", description = "No progress bar even on a terminal.")
  boolean quiet;

  @Option(names = "--interval", paramLabel = "KIND",
      description = "Also write the bounds of a linear regression's interval, as columns lower and upper: "
          + "confidence (of the mean) or prediction (of a new observation).")
  Interval interval;

  @Option(names = "--level", paramLabel = "P", description = "Level of --interval, between 0 and 1 (default: 0.95).")
  Double level;

  /** The scored output of one chunk, as UTF-8 bytes, and the rows it rejected. */
  private static final class Scored {
    final ByteText text;
    final long rows;
    final List<Table.RowException> rejected;
    final long bytes;

    Scored(ByteText text, long rows, List<Table.RowException> rejected, long bytes) {
      this.text = text;
      this.rows = rows;
      this.rejected = rejected;
      this.bytes = bytes;
    }
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    InputFiles.requireWritable(output, "--output");
    if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("--output must differ from --input ('" + input + "')");
    }
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (workers < 1) {
      throw new IllegalArgumentException("--threads must be at least 1, got " + workers);
    }
    if (level != null && interval == null) {
      throw new IllegalArgumentException("--level needs --interval confidence or --interval prediction");
    }
    double intervalLevel = level != null ? level : LinearRegressionModel.DEFAULT_LEVEL;
    if (!(intervalLevel > 0 && intervalLevel < 1)) {
      throw new IllegalArgumentException("--level must be between 0 and 1 (for example 0.95), got " + level);
    }
    long started = System.nanoTime();
    long scoredRows;
    List<Table.RowException> shown = new ArrayList<>();
    long[] rejectedCount = {0};
    ModelVersion version;
    try (ModelStore s = store.open()) {
      version = References.resolve(s, reference);
      TensorSpec in = ModelColumns.tabularInput(version);
      try (StoredModel stored = s.open(version.reference());
          Model model = interval == null ? stored : withIntervals(stored, version, intervalLevel);
          Table table = Table.open(input, "--input")) {
        List<String> features = ModelColumns.choose(columns, model, version, table.header(), List.of());
        List<String> kept = keep.stream().map(String::strip).toList();
        table.select(features, kept);
        List<TensorSpec> outs = new ArrayList<>(List.of(version.signature().outputs().get(0)));
        if (interval != null) {
          for (String name : List.of(LinearRegressionModel.LOWER, LinearRegressionModel.UPPER)) {
            outs.add(model.signature().outputs().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(version.reference() + " has no output '" + name + "'")));
          }
        }
        Table.Format format = Table.Format.of(output);
        Scorer scorer = new Scorer(table, model.predictor(), in, outs, new RowWriter(format, kept, outs));
        Path temp = InputFiles.createTempBeside(output, "maas-predict-", ".tmp");
        try {
          try (OutputStream writer = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
            if (format == Table.Format.CSV) {
              List<String> head = new ArrayList<>(kept);
              outs.forEach(o -> head.add(o.name()));
              writer.write((String.join(",", head.stream().map(PredictCommand::csvCell).toList()) + "\n")
                  .getBytes(StandardCharsets.UTF_8));
            }
            scoredRows = run(table, scorer, writer, workers, shown, rejectedCount);
          }
          Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(temp);
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintWriter err = spec.commandLine().getErr();
    for (Table.RowException e : shown) {
      err.println("maas: " + Failures.oneLine(e.getMessage()));
    }
    if (rejectedCount[0] > shown.size()) {
      err.println("maas: ... and " + (rejectedCount[0] - shown.size()) + " more rows that could not be scored");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "scored %,d rows of %s with %s in %.1f s (%,.0f rows/s) -> %s%n", scoredRows, input,
        version.reference(), seconds, (scoredRows + rejectedCount[0]) / Math.max(seconds, 1e-9), output);
    if (rejectedCount[0] > 0) {
      err.printf(Locale.ROOT, "maas: %,d rows could not be scored; their predictions are empty in %s "
          + "(use --fail-fast to stop at the first)%n", rejectedCount[0], output);
      return SOME_ROWS_REJECTED;
    }
    return 0;
  }

  /** {@code stored} answering with {@link #interval} bounds at {@code level}, or a clear error if it cannot. */
  private Model withIntervals(StoredModel stored, ModelVersion version, double level) {
    if (stored.model() instanceof LinearRegressionModel linear && linear.hasIntervals()) {
      return linear.withIntervals(interval, level);
    }
    throw new IllegalArgumentException("--interval: " + version.reference() + " has no intervals; only linear "
        + "regressions fitted by least squares (maas train without --ridge) have them");
  }

  private long run(Table table, Scorer scorer, OutputStream writer, int workers,
      List<Table.RowException> shown, long[] rejectedCount) throws IOException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "maas-predict");
      t.setDaemon(true);
      return t;
    });
    BlockingQueue<Future<Scored>> queue = new ArrayBlockingQueue<>(2 * workers + 2);
    Future<Scored> end = CompletableFuture.completedFuture(null);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] scored = {0};
    ProgressBar bar = progressBar();
    Thread writerThread = new Thread(() -> {
      try {
        while (true) {
          Future<Scored> next = queue.take();
          if (next == end) {
            return;
          }
          if (failure.get() != null) {
            next.cancel(false);
            continue;
          }
          Scored result = next.get();
          if (!result.rejected.isEmpty() && failFast) {
            failure.compareAndSet(null, result.rejected.get(0));
            continue;
          }
          result.text.writeTo(writer);
          scorer.recycle(result.text);
          scored[0] += result.rows;
          rejectedCount[0] += result.rejected.size();
          for (Table.RowException e : result.rejected) {
            if (shown.size() < MAX_REPORTED) {
              shown.add(e);
            }
          }
          if (bar != null) {
            bar.stepBy(result.bytes);
            bar.setExtraMessage(String.format(Locale.ROOT, " %,d rows", scored[0] + rejectedCount[0]));
          }
        }
      } catch (ExecutionException e) {
        failure.compareAndSet(null, e.getCause());
        drain(queue, end);
      } catch (IOException | RuntimeException | Error e) {
        failure.compareAndSet(null, e);
        drain(queue, end);
      } catch (InterruptedException e) {
        failure.compareAndSet(null, e);
      }
    }, "maas-predict-writer");
    writerThread.start();
    try {
      Table.Chunk chunk;
      while (failure.get() == null && (chunk = table.next()) != null) {
        Table.Chunk work = chunk;
        queue.put(pool.submit(() -> scorer.score(work)));
      }
    } finally {
      queue.put(end);
      writerThread.join();
      pool.shutdownNow();
      if (bar != null) {
        bar.close();
      }
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException e) {
      throw e;
    } else if (t instanceof IOException e) {
      throw e;
    } else if (t instanceof Error e) {
      throw e;
    } else if (t != null) {
      throw new IllegalStateException("scoring was interrupted", t);
    }
    return scored[0];
  }

  private static void drain(BlockingQueue<Future<Scored>> queue, Future<Scored> end) {
    try {
      while (true) {
        Future<Scored> next = queue.take();
        if (next == end) {
          return;
        }
        next.cancel(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ProgressBar progressBar() throws IOException {
    if (quiet || System.console() == null) {
      return null;
    }
    long size = Files.size(input);
    return new ProgressBarBuilder().setTaskName("scoring").setInitialMax(Math.max(size, 1))
        .setUnit(" MiB", 1 << 20).showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
        .build();
  }

  /**
   * Parses, scores and formats chunks; {@link #score} runs on worker threads, one chunk each. A CSV
   * line of plain ASCII is parsed from the chunk's bytes in place ({@link Table#parsePlainAscii});
   * any other line is decoded and parsed as text, which names what is wrong with it. The rows of a
   * chunk are scored in one call; when the model refuses that call, row by row, to find the rows it
   * refuses. Input and output buffers are handed back ({@link Table#recycle}, {@link #recycle}) and
   * reused, so steady scoring allocates little. Thread-safe: its only state is those concurrent
   * queues of spare buffers.
   */
  private static final class Scorer {
    private static final byte FAST = 0;
    private static final byte TEXT = 1;
    private static final byte BLANK = 2;
    private static final byte BAD = 3;

    private final Table table;
    private final Predictor predictor;
    private final TensorSpec input;
    private final Set<String> outputNames;
    private final List<String> outputOrder;
    private final RowWriter writer;
    private final int columns;
    private final int keptCount;
    /** Output buffers the writer has written, for the next chunks to reuse. */
    private final BlockingQueue<ByteText> spare = new ArrayBlockingQueue<>(64);

    Scorer(Table table, Predictor predictor, TensorSpec input, List<TensorSpec> outputs, RowWriter writer) {
      this.table = table;
      this.predictor = predictor;
      this.input = input;
      this.outputOrder = outputs.stream().map(TensorSpec::name).toList();
      this.outputNames = Set.copyOf(outputOrder);
      this.writer = writer;
      this.columns = table.wantedCount();
      this.keptCount = table.keptCount();
    }

    Scored score(Table.Chunk chunk) {
      byte[] data = chunk.data();
      int length = (int) chunk.bytes();
      int n = 0;
      for (int i = 0; i < length; i++) {
        if (data[i] == '\n') {
          n++;
        }
      }
      if (length > 0 && data[length - 1] != '\n') {
        n++;
      }
      boolean csv = table.format() == Table.Format.CSV;
      double[] flat = new double[n * columns];
      int[] ranges = new int[csv ? n * 2 * keptCount : 0];
      byte[] state = new byte[n];

      Object[][] kept = null;
      String[] errors = null;
      List<Table.RowException> rejected = new ArrayList<>(0);
      java.nio.charset.CharsetDecoder decoder = null;
      int good = 0;
      int start = 0;
      for (int i = 0; i < n; i++) {
        int end = start;
        while (end < length && data[end] != '\n') {
          end++;
        }
        int stop = end > start && data[end - 1] == '\r' ? end - 1 : end;
        long lineNumber = chunk.firstLine() + i;
        if (csv && spaces(data, start, stop)) {
          state[i] = BLANK;
        } else if (csv && table.parsePlainAscii(data, start, stop, flat, i * columns, ranges, i * 2 * keptCount)) {
          state[i] = FAST;
          good++;
        } else {
          if (decoder == null) {
            decoder = Table.strictUtf8();
          }
          String line = Table.decode(decoder, data, start, stop);
          if (kept == null) {
            kept = new Object[n][];
          }
          if (Table.blank(line)) {
            state[i] = BLANK;
          } else {
            try {
              Table.Row row = table.parse(line, lineNumber);
              System.arraycopy(row.values(), 0, flat, i * columns, columns);
              kept[i] = row.kept();
              state[i] = TEXT;
              good++;
            } catch (Table.RowException e) {
              rejected.add(e);
              if (errors == null) {
                errors = new String[n];
              }
              errors[i] = e.getMessage();
              kept[i] = line == null ? null : table.keptOf(line);
              state[i] = BAD;
            }
          }
        }
        start = end + 1;
      }
      int[] at = new int[good];
      for (int i = 0, g = 0; i < n; i++) {
        if (state[i] == FAST || state[i] == TEXT) {
          if (g != i) {
            System.arraycopy(flat, i * columns, flat, g * columns, columns);
          }
          at[g++] = i;
        }
      }
      double[][] results = new double[outputOrder.size()][good];
      if (good > 0) {
        try {
          double[][] scores = predict(flat, 0, good);
          for (int k = 0; k < scores.length; k++) {
            results[k] = scores[k];
          }
        } catch (MaasException batchFailure) {
          for (int g = 0; g < good; g++) { // find the rows the model refuses, one by one
            try {
              double[][] one = predict(flat, g, 1);
              for (int k = 0; k < one.length; k++) {
                results[k][g] = one[k][0];
              }
            } catch (MaasException e) {
              Table.RowException row = new Table.RowException(chunk.firstLine() + at[g], e.getMessage());
              rejected.add(row);
              if (errors == null) {
                errors = new String[n];
              }
              errors[at[g]] = row.getMessage();
            }
          }
          rejected.sort((a, b) -> Long.compare(a.line, b.line));
        }
      }
      ByteText text = spare.poll();
      if (text == null) {
        text = new ByteText(n * (8 + 24 * outputOrder.size()) + 64);
      }
      double[] values = new double[outputOrder.size()];
      long scored = 0;
      for (int i = 0, g = 0; i < n; i++) {
        byte s = state[i];
        if (s == BLANK) {
          continue;
        }
        boolean scoredRow = false;
        if (g < at.length && at[g] == i) {
          scoredRow = errors == null || errors[i] == null;
          for (int k = 0; k < values.length; k++) {
            values[k] = results[k][g];
          }
          g++;
        }
        String error = errors == null ? null : errors[i];
        if (s == FAST && scoredRow) {
          writer.writeAscii(text, data, ranges, i * 2 * keptCount, values);
        } else if (s == FAST) {
          writer.write(text, writer.keptOf(data, ranges, i * 2 * keptCount), null, error, chunk.firstLine() + i);
        } else {
          writer.write(text, kept == null ? null : kept[i], scoredRow ? values : null, error, chunk.firstLine() + i);
        }
        if (scoredRow) {
          scored++;
        }
      }
      long bytes = chunk.bytes();
      table.recycle(chunk);
      return new Scored(text, scored, rejected, bytes);
    }

    /** Hands back an output buffer once written, emptied, for a later chunk. */
    void recycle(ByteText text) {
      text.clear();
      spare.offer(text);
    }

    private static boolean spaces(byte[] data, int from, int to) {
      for (int i = from; i < to; i++) {
        if (data[i] != ' ') {
          return false;
        }
      }
      return true;
    }

    /** The outputs for rows {@code [first, first + rows)} of {@code flat}, by output then row. */
    private double[][] predict(double[] flat, int first, int rows) {
      Object values;
      if (input.dataType() == DataType.FP64) {
        values = first == 0 && rows * columns == flat.length ? flat
            : java.util.Arrays.copyOfRange(flat, first * columns, (first + rows) * columns);
      } else {
        float[] narrow = new float[rows * columns];
        for (int j = 0; j < narrow.length; j++) {
          narrow[j] = (float) flat[first * columns + j];
        }
        values = narrow;
      }
      Tensor x = Tensor.wrap(input.dataType(), values, rows, columns);
      Map<String, Tensor> out = predictor.predict(Map.of(input.name(), x), outputNames);
      double[][] result = new double[outputOrder.size()][];
      for (int k = 0; k < result.length; k++) {
        Tensor t = out.get(outputOrder.get(k));
        if (t == null || t.size() != rows) {
          throw new PredictionException("output '" + outputOrder.get(k) + "' has "
              + (t == null ? 0 : t.size()) + " values for " + rows + " rows");
        }
        result[k] = t.toDoubleArray();
      }
      return result;
    }
  }

  /** Formats output rows as CSV or JSON Lines. Stateless once built. */
  private static final class RowWriter {
    private final Table.Format format;
    private final List<String> keptNames;
    private final List<String> quotedKeptNames;
    private final List<String> quotedOutputNames;
    private final boolean[] single;

    RowWriter(Table.Format format, List<String> keptNames, List<TensorSpec> outputs) {
      this.format = format;
      this.keptNames = keptNames;
      this.quotedKeptNames = keptNames.stream().map(name -> JsonOutput.write(j -> j.writeString(name))).toList();
      this.quotedOutputNames = outputs.stream().map(o -> JsonOutput.write(j -> j.writeString(o.name()))).toList();
      this.single = new boolean[outputs.size()];
      for (int k = 0; k < single.length; k++) {
        single[k] = outputs.get(k).dataType() == DataType.FP32;
      }
    }

    /** A row parsed in place: its kept cells are ASCII ranges of {@code data}. */
    void writeAscii(ByteText s, byte[] data, int[] ranges, int rangesAt, double[] values) {
      if (format == Table.Format.CSV) {
        for (int k = 0; k < keptNames.size(); k++) {
          s.append(data, ranges[rangesAt + 2 * k], ranges[rangesAt + 2 * k + 1]);
          s.append((byte) ',');
        }
        for (int k = 0; k < values.length; k++) {
          if (k > 0) {
            s.append((byte) ',');
          }
          number(s, values[k], single[k]);
        }
        s.append((byte) '\n');
        return;
      }
      write(s, keptOf(data, ranges, rangesAt), values, null, 0);
    }

    /** The kept cells of a row parsed in place, as strings. */
    Object[] keptOf(byte[] data, int[] ranges, int rangesAt) {
      Object[] kept = new Object[keptNames.size()];
      for (int k = 0; k < kept.length; k++) {
        int from = ranges[rangesAt + 2 * k];
        kept[k] = new String(data, from, ranges[rangesAt + 2 * k + 1] - from, StandardCharsets.ISO_8859_1);
      }
      return kept;
    }

    /** A row parsed as text; {@code values} null when it has none, then {@code error} says why. */
    void write(ByteText s, Object[] kept, double[] values, String error, long line) {
      if (format == Table.Format.CSV) {
        for (int k = 0; k < keptNames.size(); k++) {
          if (kept != null && kept[k] != null) {
            s.appendUtf8(csvCell(kept[k].toString()));
          }
          s.append((byte) ',');
        }
        for (int k = 0; k < single.length; k++) {
          if (k > 0) {
            s.append((byte) ',');
          }
          if (values != null) {
            number(s, values[k], single[k]);
          }
        }
        s.append((byte) '\n');
        return;
      }
      s.append((byte) '{');
      for (int k = 0; k < keptNames.size(); k++) {
        s.appendUtf8(quotedKeptNames.get(k));
        s.append((byte) ':');
        Object v = kept != null ? kept[k] : null;
        s.appendUtf8(v == null ? "null" : v instanceof Table.JsonText json ? JsonOutput.write(j -> j.writeString(json.value()))
            : v instanceof String cell ? jsonCell(cell) : v.toString());
        s.append((byte) ',');
      }
      for (int k = 0; k < single.length; k++) {
        if (k > 0) {
          s.append((byte) ',');
        }
        s.appendUtf8(quotedOutputNames.get(k));
        s.append((byte) ':');
        if (values != null) {
          number(s, values[k], single[k]);
        } else {
          s.appendAscii("null");
        }
      }
      if (values == null) {
        s.appendAscii(",\"line\":").appendAscii(Long.toString(line)).appendAscii(",\"error\":")
            .appendUtf8(JsonOutput.write(j -> j.writeString(error)));
      }
      s.append((byte) '}').append((byte) '\n');
    }

    /**
     * The shortest decimal that reads back as the same double (or float, for an FP32 output), in
     * {@link Double#toString}'s layout; non-finite values as {@code NaN}, {@code Infinity}, {@code
     * -Infinity}, quoted in JSON Lines.
     */
    private void number(ByteText s, double v, boolean single) {
      if (!Double.isFinite(v)) {
        String name = Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        s.appendAscii(format == Table.Format.CSV ? name : "\"" + name + "\"");
        return;
      }
      s.appendAscii(single ? NumberOutput.toString((float) v, true) : NumberOutput.toString(v, true));
    }
  }

  /** A growable byte buffer of output text. Used by one thread at a time. */
  static final class ByteText {
    private byte[] bytes;
    private int length;

    ByteText(int capacity) {
      bytes = new byte[Math.max(capacity, 16)];
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }

    void clear() {
      length = 0;
    }

    ByteText append(byte b) {
      ensure(1);
      bytes[length++] = b;
      return this;
    }

    ByteText append(byte[] data, int from, int to) {
      ensure(to - from);
      System.arraycopy(data, from, bytes, length, to - from);
      length += to - from;
      return this;
    }

    /** Appends {@code text}, which must be ASCII. */
    ByteText appendAscii(String text) {
      int n = text.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        bytes[length + i] = (byte) text.charAt(i);
      }
      length += n;
      return this;
    }

    ByteText appendUtf8(String text) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      return append(utf8, 0, utf8.length);
    }

    void writeTo(OutputStream out) throws IOException {
      out.write(bytes, 0, length);
    }

    @Override
    public String toString() {
      return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
  }

  private static final java.util.regex.Pattern JSON_NUMBER =
      java.util.regex.Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  /**
   * A kept CSV cell as a JSON value: a number when the cell is written as a JSON number (so a
   * numeric id stays numeric; {@code 007} keeps its zeros as a string), else a string.
   */
  static String jsonCell(String text) {
    return JSON_NUMBER.matcher(text).matches() ? text : JsonOutput.write(j -> j.writeString(text));
  }

  /** {@code text} as a CSV cell, quoted when it holds a comma, a quote or a line break. */
  static String csvCell(String text) {
    if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }
}
