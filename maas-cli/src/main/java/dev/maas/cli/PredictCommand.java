package dev.maas.cli;

import dev.maas.DataType;
import dev.maas.MaasException;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.Predictor;
import dev.maas.TensorSpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * <p>One thread reads chunks of lines, a pool of one worker per core parses and scores them, and
 * one thread writes the results in input order; the queue between them is bounded, so memory does
 * not grow with the file. A line that cannot be scored is reported on stderr with its line number
 * and written with an empty prediction (CSV) or an {@code error} field (JSON Lines), so output rows
 * stay aligned with input rows; {@code --fail-fast} stops at the first one instead. The output is
 * written to a temporary file beside {@code --output} and renamed into place when complete.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Score a CSV or JSON Lines file with a stored model, streaming, on every core.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas predict demo@production --store maas-store --input houses.csv --output scores.csv",
      "  maas predict demo --store maas-store --input rows.jsonl --output scores.jsonl --keep id --fail-fast",
      "",
      "Exit codes: 0 every row scored; 5 finished, but some rows could not be scored (listed on stderr);",
      "1 failed (nothing written); 2 usage error."})
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

  @Option(names = "--columns", split = ",", paramLabel = "a,b,...",
      description = "Feature columns in the model's input order (default: the features the model records).")
  List<String> columns;

  @Option(names = "--keep", split = ",", paramLabel = "id,...",
      description = "Input columns copied to the output before the prediction, for example an id.")
  List<String> keep = List.of();

  @Option(names = "--fail-fast", description = "Stop at the first row that cannot be scored (exit 1, no output).")
  boolean failFast;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
  Integer threads;

  @Option(names = "--quiet", description = "No progress bar even on a terminal.")
  boolean quiet;

  /** The scored text of one chunk and the rows it rejected. */
  private record Scored(String text, long rows, List<Table.RowException> rejected, long bytes) {}

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
    long started = System.nanoTime();
    long scoredRows;
    List<Table.RowException> shown = new ArrayList<>();
    long[] rejectedCount = {0};
    ModelVersion version;
    try (ModelStore s = store.open()) {
      version = s.get(reference);
      ModelColumns.tabularInput(version);
      try (Model model = s.open(version.reference()); Table table = Table.open(input, "--input")) {
        List<String> features = ModelColumns.choose(columns, model, version, table.header(), List.of());
        List<String> kept = keep.stream().map(String::strip).toList();
        table.select(features, kept);
        TensorSpec out = version.signature().outputs().get(0);
        Table.Format format = Table.Format.of(output);
        Path temp = Files.createTempFile(output.toAbsolutePath().getParent(), ".maas-predict-", ".tmp");
        try {
          try (BufferedWriter writer = new BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(temp),
              StandardCharsets.UTF_8), 1 << 20)) {
            if (format == Table.Format.CSV) {
              List<String> head = new ArrayList<>(kept);
              head.add(out.name());
              writer.write(String.join(",", head.stream().map(PredictCommand::csvCell).toList()));
              writer.write('\n');
            }
            RowWriter rowWriter = new RowWriter(format, kept, out.name(), out.dataType() == DataType.FP32);
            scoredRows = run(table, model.predictor(), rowWriter, writer, workers, shown, rejectedCount);
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

  private long run(Table table, Predictor predictor, RowWriter rowWriter, Writer writer, int workers,
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
          if (!result.rejected().isEmpty() && failFast) {
            failure.compareAndSet(null, result.rejected().get(0));
            continue;
          }
          writer.write(result.text());
          scored[0] += result.rows();
          rejectedCount[0] += result.rejected().size();
          for (Table.RowException e : result.rejected()) {
            if (shown.size() < MAX_REPORTED) {
              shown.add(e);
            }
          }
          if (bar != null) {
            bar.stepBy(result.bytes());
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
        queue.put(pool.submit(() -> score(table, predictor, rowWriter, work)));
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

  /** Parses and scores one chunk; runs on a worker thread. */
  private static Scored score(Table table, Predictor predictor, RowWriter out, Table.Chunk chunk) {
    int n = chunk.lines().size();
    double[][] rows = new double[n][];
    Object[][] kept = new Object[n][];
    String[] errors = new String[n];
    List<Table.RowException> rejected = new ArrayList<>(0);
    int good = 0;
    boolean[] blank = new boolean[n];
    for (int i = 0; i < n; i++) {
      String line = chunk.lines().get(i);
      if (Table.blank(line)) {
        blank[i] = true;
        continue;
      }
      try {
        Table.Row row = table.parse(line, chunk.firstLine() + i);
        rows[i] = row.values();
        kept[i] = row.kept();
        good++;
      } catch (Table.RowException e) {
        rejected.add(e);
        errors[i] = e.getMessage();
        kept[i] = table.keptOf(line);
      }
    }
    double[] predictions = new double[n];
    double[][] batch = new double[good][];
    int[] at = new int[good];
    for (int i = 0, g = 0; i < n; i++) {
      if (rows[i] != null) {
        at[g] = i;
        batch[g++] = rows[i];
      }
    }
    if (good > 0) {
      try {
        double[] scores = predictor.predictRows(batch);
        for (int g = 0; g < good; g++) {
          predictions[at[g]] = scores[g];
        }
      } catch (MaasException batchFailure) {
        for (int g = 0; g < good; g++) { // find the rows the model refuses, one by one
          try {
            predictions[at[g]] = predictor.predictRow(batch[g]);
          } catch (MaasException e) {
            Table.RowException row = new Table.RowException(chunk.firstLine() + at[g], e.getMessage());
            rejected.add(row);
            errors[at[g]] = row.getMessage();
            rows[at[g]] = null;
          }
        }
        rejected.sort((a, b) -> Long.compare(a.line, b.line));
      }
    }
    StringBuilder text = new StringBuilder(n * 24);
    long scored = 0;
    for (int i = 0; i < n; i++) {
      if (blank[i]) {
        continue;
      }
      if (rows[i] != null) {
        out.write(text, kept[i], predictions[i], null, chunk.firstLine() + i);
        scored++;
      } else {
        out.write(text, kept[i], Double.NaN, errors[i], chunk.firstLine() + i);
      }
    }
    return new Scored(text.toString(), scored, rejected, chunk.bytes());
  }

  /** Formats output rows as CSV or JSON Lines. Stateless once built. */
  private static final class RowWriter {
    private final Table.Format format;
    private final List<String> keptNames;
    private final String outputName;
    private final boolean single;

    RowWriter(Table.Format format, List<String> keptNames, String outputName, boolean single) {
      this.format = format;
      this.keptNames = keptNames;
      this.outputName = outputName;
      this.single = single;
    }

    void write(StringBuilder s, Object[] kept, double prediction, String error, long line) {
      if (format == Table.Format.CSV) {
        for (int k = 0; k < keptNames.size(); k++) {
          s.append(kept != null && kept[k] != null ? csvCell(kept[k].toString()) : "").append(',');
        }
        if (error == null) {
          s.append(number(prediction));
        }
        s.append('\n');
        return;
      }
      s.append('{');
      for (int k = 0; k < keptNames.size(); k++) {
        String name = keptNames.get(k);
        s.append(JsonOutput.write(j -> j.writeString(name))).append(':');
        Object v = kept != null ? kept[k] : null;
        s.append(v == null ? "null" : v instanceof String text ? JsonOutput.write(j -> j.writeString(text)) : v);
        s.append(',');
      }
      s.append(JsonOutput.write(j -> j.writeString(outputName))).append(':');
      if (error == null) {
        s.append(number(prediction));
      } else {
        s.append("null,\"line\":").append(line).append(",\"error\":")
            .append(JsonOutput.write(j -> j.writeString(error)));
      }
      s.append("}\n");
    }

    private String number(double v) {
      if (!Double.isFinite(v)) {
        return format == Table.Format.CSV ? (Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity")
            : "\"" + (Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity") + "\"";
      }
      return single ? Float.toString((float) v) : Double.toString(v);
    }
  }

  /** {@code text} as a CSV cell, quoted when it holds a comma, a quote or a line break. */
  static String csvCell(String text) {
    if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }
}
