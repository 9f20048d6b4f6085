package dev.maas.linear;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.internal.Csv;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Fits {@link LinearRegressionModel}s by least squares: ordinary least squares, or ridge
 * regression with an L2 penalty that leaves the intercept unpenalised, optionally on standardised
 * features (the fitted model still predicts on raw inputs). Configured with {@link #builder()}.
 *
 * <p>The solver folds row blocks in parallel and in one pass, so the same code fits an in-memory
 * matrix, an {@link Iterator} of rows or a CSV file of any size in memory that does not depend on
 * the row count: into the Gram matrix and its Cholesky factor for in-memory and CSV fits that may
 * refine, when the design is well enough conditioned for it, and otherwise by Householder QR
 * (TSQR). When the design is ill-conditioned (condition
 * number above 100) or a coefficient's estimated error exceeds about 14 digits (see {@link
 * Refinement#AUTO}), the solution of an in-memory or CSV fit is refined iteratively with residuals
 * computed in extended precision; a large CSV file gathers the first step's sums on its one read,
 * and is read again only when that is not enough (see {@code docs/linear.md}). A rank-deficient design (a constant
 * or duplicated column, say) is rejected with an {@link InvalidInputException} that names the
 * offending columns, never answered with arbitrary numbers.
 *
 * <p>Instances are immutable and thread-safe; each fit uses its own worker threads and stops them
 * before it returns.
 */
public final class LinearRegressionTrainer {
  static final int BLOCK_ROWS = 256;
  static final double REFINE_ABOVE_CONDITION = 100;
  /** Refine when a coefficient's estimated relative error exceeds this (about 13.8 digits). */
  static final double REFINE_ABOVE_ERROR = 0x1p-46;
  /**
   * Refine when the residual sum of squares that a Gram factor holds may be wrong by more than this
   * relative amount (about 12 digits), as it is when the fit leaves a residual much smaller than the
   * target.
   */
  static final double REFINE_RSS_ABOVE_ERROR = 0x1p-40;
  /**
   * In-memory fits keep the Gram matrix's factor up to this condition number (see {@link
   * GramAccumulator#factor}), the problems that are refined, if at all, with corrected semi-normal
   * equations; above it they are folded again by Householder reflections.
   */
  static final double GRAM_MAX_CONDITION_IN_MEMORY = REFINE_ABOVE_CONDITION;
  /**
   * Streamed CSV fits keep the Gram matrix's factor up to this condition number, where corrected
   * semi-normal equations with it still gain about eight digits a pass; above it the file is read
   * again and folded by Householder reflections.
   */
  static final double GRAM_MAX_CONDITION_STREAMED = 1e4;
  private static final int PARALLEL_MIN_ROWS = 8 * BLOCK_ROWS;
  /** The {@code columns²} arrays a {@link GramAccumulator} holds. */
  private static final int GRAM_FACTORS = 4;
  /** CSV files with at most this many used cells are fitted in memory (with refinement). */
  static final int IN_MEMORY_CSV_VALUES = 1 << 16;

  private final boolean intercept;
  private final double ridge;
  private final boolean standardize;
  private final List<String> featureNames;
  private final int parallelism;
  private final Refinement refinement;
  /** When set, each fit chooses its penalty by generalised cross-validation on its own factor. */
  private final RidgeSearch generalized;
  private final java.util.function.Consumer<RidgeSelection> selections;

  private LinearRegressionTrainer(Builder b) {
    this.refinement = b.refinement;
    this.intercept = b.intercept;
    this.ridge = b.ridge;
    this.standardize = b.standardize;
    this.featureNames = b.featureNames;
    this.parallelism = b.parallelism;
    this.generalized = null;
    this.selections = null;
  }

  private LinearRegressionTrainer(LinearRegressionTrainer t, RidgeSearch generalized,
      java.util.function.Consumer<RidgeSelection> selections) {
    this.refinement = t.refinement;
    this.intercept = t.intercept;
    this.ridge = t.ridge;
    this.standardize = t.standardize;
    this.featureNames = t.featureNames;
    this.parallelism = t.parallelism;
    this.generalized = generalized;
    this.selections = selections;
  }

  /**
   * This trainer, choosing each fit's penalty by {@code search} (generalised cross-validation) from
   * the fit's own factor before solving, and handing the selection to {@code sink}: one pass over
   * the data for the search and the fit together.
   */
  LinearRegressionTrainer choosingRidge(RidgeSearch search, java.util.function.Consumer<RidgeSelection> sink) {
    return new LinearRegressionTrainer(this, search, sink);
  }

  /** A builder with intercept on, no penalty, no standardisation, default feature names. */
  public static Builder builder() {
    return new Builder();
  }

  /** A trainer for ordinary least squares with an intercept. */
  public static LinearRegressionTrainer ordinaryLeastSquares() {
    return builder().build();
  }

  /**
   * Fits rows {@code x} (n rows of p values) to targets {@code y} (n values). Feature names are
   * the builder's, or {@code x1 ... xp}. The arrays are only read.
   *
   * @throws InvalidInputException if the rows are ragged, do not match the feature names, hold a
   *     value that is not finite, number fewer than the parameters, or the design is rank deficient
   */
  public LinearRegressionModel fit(double[][] x, double[] y) {
    return fitInMemory(x, y, null, names(checkRows(x, y)));
  }

  /**
   * Weighted least squares, as R's {@code lm(weights = w)}: minimises {@code Σ w_i (y_i - x_i·b)²}
   * over rows {@code x} and targets {@code y} with per-row weights {@code w} (n values, finite and
   * non-negative; a weight of 2 counts a row as if it appeared twice in the sums of squares). Every
   * statistic of the {@link FitReport} is the weighted one R reports: the residual standard error
   * is {@code sqrt(Σ w e² / (n₊ - p))}, R² compares {@code Σ w e²} with the weighted total sum of
   * squares about the weighted mean (about zero without an intercept). Rows of weight zero drop out
   * of the fit and of the degrees of freedom: n₊ counts the rows of positive weight, and {@link
   * FitReport#rowCount()} is n₊. The arrays are only read.
   *
   * @throws InvalidInputException as {@link #fit(double[][], double[])}, or if a weight is negative,
   *     not finite, or {@code w} does not have one weight per row
   */
  public LinearRegressionModel fit(double[][] x, double[] y, double[] w) {
    Objects.requireNonNull(w, "w");
    int p = checkRows(x, y);
    if (w.length != y.length) {
      throw new InvalidInputException("y has " + y.length + " values but w has " + w.length + " weights");
    }
    int positive = 0;
    for (int i = 0; i < w.length; i++) {
      Design.checkWeight(w[i], "row " + i);
      for (int j = 0; j < p; j++) {
        if (!Double.isFinite(x[i][j])) {
          throw Design.nonFinite("row " + i, names(p).get(j), x[i][j]);
        }
      }
      if (!Double.isFinite(y[i])) {
        throw Design.nonFinite("row " + i, "target", y[i]);
      }
      if (w[i] > 0) {
        positive++;
      }
    }
    double[][] keptX = new double[positive][];
    double[] keptY = new double[positive];
    double[] keptW = new double[positive];
    for (int i = 0, k = 0; i < w.length; i++) {
      if (w[i] > 0) {
        keptX[k] = x[i];
        keptY[k] = y[i];
        keptW[k++] = w[i];
      }
    }
    if (positive == 0) {
      throw new InvalidInputException("every weight is zero: no rows to fit");
    }
    return fitInMemory(keptX, keptY, keptW, names(p));
  }

  /** Checks the shapes of in-memory data and returns the feature count. */
  private int checkRows(double[][] x, double[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new InvalidInputException("x has " + x.length + " rows but y has " + y.length + " values");
    }
    if (x.length == 0) {
      throw new InvalidInputException("no rows to fit");
    }
    int p = featureNames.isEmpty() ? x[0].length : featureNames.size();
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != p) {
        throw new InvalidInputException("row " + i + " has " + x[i].length + " values, expected " + p);
      }
    }
    return p;
  }

  /** Fits in memory; {@code w} holds positive weights, or is null for unit weights. */
  private LinearRegressionModel fitInMemory(double[][] x, double[] y, double[] w, List<String> names) {
    Design design = new Design(names, intercept, ridge, standardize, w != null);
    Solution.requireRows(x.length, design);
    design.setShifts(x[0], y[0]);
    int n = x.length;
    int threads = n >= PARALLEL_MIN_ROWS ? parallelism : 1;
    if (refinement != Refinement.NEVER) {
      GramAccumulator gram;
      try (ParallelFolder<GramAccumulator> folder = new ParallelFolder<>(threads, design.columns, BLOCK_ROWS,
          GRAM_FACTORS, GramAccumulator::new)) {
        int chunkRows = BLOCK_ROWS * 8;
        for (int from = 0; from < n && !folder.failed(); from += chunkRows) {
          int start = from;
          int end = Math.min(n, from + chunkRows);
          folder.submit(worker -> {
            double[][] rows = worker.rows();
            for (int blockStart = start; blockStart < end; blockStart += BLOCK_ROWS) {
              int count = Math.min(BLOCK_ROWS, end - blockStart);
              for (int r = 0; r < count; r++) {
                int i = blockStart + r;
                design.fillRow(rows, r, x[i], y[i], "row", i);
                if (w != null) {
                  worker.weights[r] = w[i];
                }
              }
              worker.accumulator.addRows(rows, w == null ? null : worker.weights, count);
            }
          });
        }
        gram = folder.finish();
      }
      QrAccumulator factor = gram.factor(design.parameters, design.offset, GRAM_MAX_CONDITION_IN_MEMORY);
      if (factor != null) {
        return solve(factor, design, x, y, w, null, threads);
      }
    }
    QrAccumulator acc;
    try (ParallelFolder<QrAccumulator> folder = new ParallelFolder<>(threads, design.columns, BLOCK_ROWS, 1,
        QrAccumulator::new)) {
      int chunkRows = BLOCK_ROWS * 8;
      for (int from = 0; from < n && !folder.failed(); from += chunkRows) {
        int start = from;
        int end = Math.min(n, from + chunkRows);
        folder.submit(worker -> {
          for (int blockStart = start; blockStart < end; blockStart += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, end - blockStart);
            for (int r = 0; r < rows; r++) {
              int i = blockStart + r;
              design.fill(worker.block, r, x[i], y[i], "row", i);
              if (w != null) {
                worker.weights[r] = w[i];
              }
            }
            worker.accumulator.addData(worker.block, w == null ? null : worker.weights, rows);
          }
        });
      }
      acc = folder.finish();
    }
    return solve(acc, design, x, y, w, null, threads);
  }

  /**
   * Fits a stream of rows in one pass: each array holds the p feature values followed by the
   * target (p + 1 values). The arrays are copied as they come, so an iterator may reuse one.
   * Memory does not grow with the number of rows; the rows cannot be read again, so no iterative
   * refinement is possible and on ill-conditioned data the in-memory {@link #fit(double[][],
   * double[])} and {@link #fitCsv} are more accurate.
   *
   * @throws InvalidInputException as {@link #fit(double[][], double[])}, rows counted from 0
   */
  public LinearRegressionModel fit(Iterator<double[]> rows) {
    Objects.requireNonNull(rows, "rows");
    if (!rows.hasNext()) {
      throw new InvalidInputException("no rows to fit");
    }
    double[] first = rows.next().clone();
    int p = first.length - 1;
    if (p < 0 || (!featureNames.isEmpty() && featureNames.size() != p)) {
      throw new InvalidInputException("row 0 has " + first.length + " values, expected the "
          + (featureNames.isEmpty() ? "features" : featureNames.size() + " features") + " and the target");
    }
    Design design = new Design(names(p), intercept, ridge, standardize);
    design.setShifts(first, first[p]);
    QrAccumulator acc;
    try (ParallelFolder<QrAccumulator> folder = new ParallelFolder<>(parallelism, design.columns, BLOCK_ROWS, 1,
        QrAccumulator::new)) {
      double[][] block = new double[design.columns][BLOCK_ROWS];
      int filled = 0;
      long index = 0;
      double[] row = first;
      while (row != null && !folder.failed()) {
        if (row.length != p + 1) {
          throw new InvalidInputException("row " + index + " has " + row.length + " values, expected " + (p + 1));
        }
        design.fill(block, filled++, row, row[p], "row", index);
        index++;
        if (filled == BLOCK_ROWS) {
          submitBlock(folder, block, filled);
          block = new double[design.columns][BLOCK_ROWS];
          filled = 0;
        }
        row = rows.hasNext() ? rows.next() : null;
      }
      if (filled > 0) {
        submitBlock(folder, block, filled);
      }
      acc = folder.finish();
    }
    return solve(acc, design, null, null, null, null, parallelism);
  }

  private static void submitBlock(ParallelFolder<QrAccumulator> folder, double[][] block, int rows) {
    folder.submit(worker -> worker.accumulator.addData(block, rows));
  }

  /**
   * Fits the CSV file {@code csv} (comma-separated, a header row of column names, then one row per
   * observation). A small file (up to 65,536 used cells) is read into memory and fitted like
   * {@link #fit(double[][], double[])}; a larger one is streamed on all cores in memory independent
   * of its size: one pass, which also gathers the residual sums of a first refinement step
   * (corrected semi-normal equations), and when the {@link Refinement} calls for more, up to four
   * more passes, each a further step, so that it is as accurate as an in-memory fit. The target is column {@code target}; the
   * features are the builder's feature names, or every other column in file order. Blank lines
   * are skipped; every used cell must be a finite decimal number.
   *
   * @throws InvalidInputException naming the line and column of a cell that is not a number (long
   *     cells are cut short in the message), a line with the wrong number of cells, a missing column,
   *     a file that is missing, a directory, a device or not UTF-8, more features than the solver
   *     holds, or as {@link #fit(double[][], double[])}
   * @throws InvalidInputException if the file cannot be read
   */
  public LinearRegressionModel fitCsv(Path csv, String target) {
    Objects.requireNonNull(target, "target");
    return fitCsv(csv, target, null);
  }

  /**
   * Weighted least squares on a CSV file, as {@link #fit(double[][], double[], double[])} defines
   * it: as {@link #fitCsv(Path, String)}, with the weight of each row in column {@code weightColumn}
   * (which is then neither the target nor a feature).
   *
   * @throws InvalidInputException as {@link #fitCsv(Path, String)}, or if the weight column is
   *     missing, is the target or a feature, or holds a negative weight
   */
  public LinearRegressionModel fitCsv(Path csv, String target, String weightColumn) {
    return fitCsv(csv, target, weightColumn, null);
  }

  /**
   * As {@link #fitCsv(Path, String, String)} ({@code weightColumn} may be null for an unweighted
   * fit), with {@code observer} seeing the file's bytes and rows as the fit reads them, so that a
   * checksum and a sample of the data need no second read.
   *
   * @throws InvalidInputException as {@link #fitCsv(Path, String, String)}, or as {@code observer} throws
   */
  public LinearRegressionModel fitCsv(Path csv, String target, String weightColumn, CsvObserver observer) {
    Objects.requireNonNull(csv, "csv");
    Objects.requireNonNull(target, "target");
    requireRegularFile(csv);
    try (BufferedReader reader = CsvTap.open(csv, observer)) {
      String headerLine = reader.readLine();
      if (headerLine == null) {
        throw new InvalidInputException(csv.getFileName() + " is empty: expected a header row");
      }
      List<String> header = Csv.header(headerLine);
      Map<String, Integer> columnIndex = new HashMap<>();
      for (String name : header) {
        columnIndex.put(name, columnIndex.size());
      }
      int targetIndex = header.indexOf(target);
      if (targetIndex < 0) {
        throw new InvalidInputException("no column '" + Csv.shown(target) + "' in the header of " + csv.getFileName()
            + "; columns: " + Csv.names(header));
      }
      int weightIndex = -1;
      if (weightColumn != null) {
        if (!columnIndex.containsKey(weightColumn)) {
          throw new InvalidInputException("no weight column '" + Csv.shown(weightColumn) + "' in the header of "
              + csv.getFileName() + "; columns: " + Csv.names(header));
        }
        if (weightColumn.equals(target) || featureNames.contains(weightColumn)) {
          throw new InvalidInputException("column '" + Csv.shown(weightColumn) + "' cannot be the weights and "
              + (weightColumn.equals(target) ? "the target" : "a feature"));
        }
        weightIndex = columnIndex.get(weightColumn);
      }
      List<String> features = new ArrayList<>();
      if (featureNames.isEmpty()) {
        for (String name : header) {
          if (!name.equals(target) && !name.equals(weightColumn)) {
            features.add(name);
          }
        }
      } else {
        for (String name : featureNames) {
          if (!columnIndex.containsKey(name)) {
            throw new InvalidInputException("no feature column '" + Csv.shown(name) + "' in the header of "
                + csv.getFileName() + "; columns: " + Csv.names(header));
          }
          if (name.equals(target)) {
            throw new InvalidInputException("column '" + name + "' is both the target and a feature");
          }
          features.add(name);
        }
      }
      int p = features.size();
      int[] slots = new int[header.size()];
      java.util.Arrays.fill(slots, -1);
      for (int j = 0; j < p; j++) {
        slots[columnIndex.get(features.get(j))] = j;
      }
      slots[targetIndex] = p;
      if (weightIndex >= 0) {
        slots[weightIndex] = p + 1;
      }
      Design design = new Design(features, intercept, ridge, standardize, weightIndex >= 0);
      CsvTap tap = CsvTap.rows(observer, features, header, slots);
      return fitCsvRows(reader, header, slots, design, csv, tap);
    } catch (CharacterCodingException e) {
      throw notUtf8(csv);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + csv + ": " + e.getMessage(), e,
          MaasException.Context.ofFile(csv));
    }
  }

  /**
   * Refuses what is not a regular file before opening it: a CSV fit may read its file more than
   * once, which a device or a pipe cannot do.
   */
  static void requireRegularFile(Path csv) {
    if (Files.isRegularFile(csv)) {
      return;
    }
    if (Files.isDirectory(csv)) {
      throw new InvalidInputException(csv + " is a directory, not a CSV file");
    }
    if (Files.exists(csv)) {
      throw new InvalidInputException(csv + " is not a regular file (a device or a pipe?): give a CSV file");
    }
    throw new InvalidInputException("no such file: " + csv);
  }

  static InvalidInputException notUtf8(Path csv) {
    return new InvalidInputException(csv.getFileName() + " is not UTF-8 text (Latin-1 or another encoding?): "
        + "convert it to UTF-8, e.g. iconv -f ISO-8859-1 -t UTF-8");
  }

  private LinearRegressionModel fitCsvRows(BufferedReader reader, List<String> header, int[] slots, Design design,
      Path csv, CsvTap tap) throws IOException {
    int p = design.features;
    int bufferLines = Math.max(BLOCK_ROWS, IN_MEMORY_CSV_VALUES / (p + 1));
    List<String> pending = new ArrayList<>();
    String line = null;
    while (pending.size() < bufferLines && (line = reader.readLine()) != null) {
      pending.add(line);
    }
    if (line == null) {
      tap.rows(pending, 2);
      return fitCsvInMemory(pending, header, slots, design, csv);
    }
    long firstLine = 2;
    double[] firstValues = new double[design.values()];
    boolean found = false;
    for (int k = 0; k < pending.size() && !found; k++) {
      if (!pending.get(k).isBlank()) {
        Csv.parseRow(pending.get(k), firstLine + k, slots, header, firstValues);
        found = true;
      }
    }
    long lineNumber = firstLine + pending.size() - 1;
    if (!found) {
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        pending.add(line);
        if (!line.isBlank()) {
          Csv.parseRow(line, lineNumber, slots, header, firstValues);
          break;
        }
      }
      if (line == null) {
        throw new InvalidInputException(csv.getFileName() + " has a header but no data rows");
      }
    }
    design.setShifts(firstValues, firstValues[p]);
    CsvResidualPass pass = new CsvResidualPass(csv, header, slots, design, parallelism);
    CsvCursor cursor = new CsvCursor(reader, lineNumber);
    QrAccumulator acc;
    if (refinement != Refinement.NEVER) {
      FirstPassResiduals first = new FirstPassResiduals(design, pass);
      int firstSegment = (int) Math.min(pending.size(), Math.max(BLOCK_ROWS, 2L * design.columns));
      List<String> segment = new ArrayList<>(pending.subList(0, firstSegment));
      List<String> rest = new ArrayList<>(pending.subList(firstSegment, pending.size()));
      pending.clear();
      long segmentFirstLine = 2;
      long more = 0;
      while (true) {
        double[] point = first.point();
        double[] zero = new double[point.length];
        try (ParallelFolder<StreamedSums> folder = new ParallelFolder<>(parallelism, design.columns, BLOCK_ROWS,
            GRAM_FACTORS, columns -> new StreamedSums(new GramAccumulator(columns),
                new ResidualSums(design, point, zero)))) {
          streamLines(cursor, segment, segmentFirstLine, more, header, slots, design, folder,
              LinearRegressionTrainer::foldFirstPass, tap);
          first.add(folder.finish());
        }
        if (cursor.done) {
          break;
        }
        first.movePoint();
        long size = Math.max(BLOCK_ROWS, 3 * first.gram().count());
        int take = (int) Math.min(rest.size(), size);
        segmentFirstLine = cursor.lineNumber - rest.size() + 1;
        segment = new ArrayList<>(rest.subList(0, take));
        rest = new ArrayList<>(rest.subList(take, rest.size()));
        more = rest.isEmpty() ? size - take : 0;
      }
      QrAccumulator factor = first.gram().factor(design.parameters, design.offset, GRAM_MAX_CONDITION_STREAMED);
      if (factor != null) {
        return solve(factor, design, null, null, null, first, parallelism);
      }
      try (BufferedReader again = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
          ParallelFolder<QrAccumulator> folder = new ParallelFolder<>(parallelism, design.columns, BLOCK_ROWS, 1,
              QrAccumulator::new)) {
        again.readLine();
        streamLines(new CsvCursor(again, 1), new ArrayList<>(), 2, Long.MAX_VALUE, header, slots, design, folder,
            LinearRegressionTrainer::foldHouseholder, CsvTap.NONE);
        acc = folder.finish();
      }
    } else {
      try (ParallelFolder<QrAccumulator> folder = new ParallelFolder<>(parallelism, design.columns, BLOCK_ROWS, 1,
          QrAccumulator::new)) {
        streamLines(cursor, pending, 2, Long.MAX_VALUE, header, slots, design, folder,
            LinearRegressionTrainer::foldHouseholder, tap);
        acc = folder.finish();
      }
    }
    return solve(acc, design, null, null, null, pass, parallelism);
  }

  /** Where a read of a CSV file stands: its reader, the number of the last line read, and whether it is at the end. */
  static final class CsvCursor {
    final BufferedReader reader;
    long lineNumber;
    boolean done;

    CsvCursor(BufferedReader reader, long lineNumber) {
      this.reader = reader;
      this.lineNumber = lineNumber;
    }
  }

  /** Folds the lines of one block into a worker's accumulator. */
  interface LineFolder<A extends BlockAccumulator<A>> {
    void fold(ParallelFolder.Worker<A> worker, String[] lines, long firstLine, List<String> header, int[] slots,
        Design design);
  }

  /**
   * The one loop that reads a CSV file for a fit, on every pass: hands {@code pending} (lines
   * already read, the first of them line {@code firstLine}) and then up to {@code more} further
   * lines of the cursor (which follow {@code pending} when {@code more} is not 0) to {@code folder}
   * in blocks of {@link #BLOCK_ROWS} lines, and {@code tap} the rows; {@code pending} is left empty,
   * and the cursor marked done at the end of the file.
   */
  static <A extends BlockAccumulator<A>> void streamLines(CsvCursor cursor, List<String> pending, long firstLine,
      long more, List<String> header, int[] slots, Design design, ParallelFolder<A> folder, LineFolder<A> fold,
      CsvTap tap) throws IOException {
    tap.rows(pending, firstLine);
    for (int from = 0; from < pending.size() && !folder.failed(); from += BLOCK_ROWS) {
      int to = Math.min(pending.size(), from + BLOCK_ROWS);
      submitLines(folder, pending.subList(from, to).toArray(new String[0]), firstLine + from, header, slots, design,
          fold);
    }
    pending.clear();
    long blockFirstLine = cursor.lineNumber + 1;
    List<String> block = new ArrayList<>(BLOCK_ROWS);
    for (long read = 0; read < more && !folder.failed(); read++) {
      String line = cursor.reader.readLine();
      if (line == null) {
        cursor.done = true;
        break;
      }
      cursor.lineNumber++;
      block.add(line);
      if (block.size() == BLOCK_ROWS) {
        tap.rows(block, blockFirstLine);
        submitLines(folder, block.toArray(new String[0]), blockFirstLine, header, slots, design, fold);
        block.clear();
        blockFirstLine = cursor.lineNumber + 1;
      }
    }
    if (!block.isEmpty() && !folder.failed()) {
      tap.rows(block, blockFirstLine);
      submitLines(folder, block.toArray(new String[0]), blockFirstLine, header, slots, design, fold);
    }
  }

  /** A small file is parsed whole and fitted in memory, so that it gets iterative refinement. */
  private LinearRegressionModel fitCsvInMemory(List<String> lines, List<String> header, int[] slots, Design design,
      Path csv) {
    int p = design.features;
    List<double[]> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<Double> w = new ArrayList<>();
    boolean anyRow = false;
    for (int k = 0; k < lines.size(); k++) {
      if (lines.get(k).isBlank()) {
        continue;
      }
      anyRow = true;
      double[] values = new double[design.values()];
      Csv.parseRow(lines.get(k), k + 2, slots, header, values);
      if (design.weighted) {
        Design.checkWeight(values[p + 1], "line " + (k + 2));
        if (values[p + 1] == 0) {
          continue;
        }
        w.add(values[p + 1]);
      }
      x.add(java.util.Arrays.copyOf(values, p));
      y.add(values[p]);
    }
    if (!anyRow) {
      throw new InvalidInputException(csv.getFileName() + " has a header but no data rows");
    }
    if (x.isEmpty()) {
      throw new InvalidInputException(csv.getFileName() + ": every weight is zero, no rows to fit");
    }
    double[] targets = new double[y.size()];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = y.get(i);
    }
    double[] weights = design.weighted ? w.stream().mapToDouble(Double::doubleValue).toArray() : null;
    return fitInMemory(x.toArray(new double[0][]), targets, weights, design.names);
  }

  private static <A extends BlockAccumulator<A>> void submitLines(ParallelFolder<A> folder, String[] lines,
      long firstLine, List<String> header, int[] slots, Design design, LineFolder<A> fold) {
    folder.submit(worker -> fold.fold(worker, lines, firstLine, header, slots, design));
  }

  private static void foldHouseholder(ParallelFolder.Worker<QrAccumulator> worker, String[] lines, long firstLine,
      List<String> header, int[] slots, Design design) {
    double[] values = new double[design.values()];
    int p = design.features;
    int rows = 0;
    for (int k = 0; k < lines.length; k++) {
      if (lines[k].isBlank()) {
        continue;
      }
      long number = firstLine + k;
      Csv.parseRow(lines[k], number, slots, header, values);
      if (!design.weighted) {
        design.fill(worker.block, rows++, values, values[p], "line", number);
      } else if (design.fillWeighted(worker.block, worker.weights, rows, values, values[p], values[p + 1], "line",
          number)) {
        rows++;
      }
    }
    worker.accumulator.addData(worker.block, design.weighted ? worker.weights : null, rows);
  }

  /** Folds a block into a worker's Gram matrix and its residual sums at the segment's point. */
  private static void foldFirstPass(ParallelFolder.Worker<StreamedSums> worker, String[] lines, long firstLine,
      List<String> header, int[] slots, Design design) {
    double[] values = new double[design.values()];
    double[][] buffer = worker.rows();
    ResidualSums residuals = worker.accumulator.residuals;
    int p = design.features;
    int rows = 0;
    for (int k = 0; k < lines.length; k++) {
      if (lines[k].isBlank()) {
        continue;
      }
      long number = firstLine + k;
      Csv.parseRow(lines[k], number, slots, header, values);
      if (!design.weighted) {
        design.fillRow(buffer, rows++, values, values[p], "line", number);
        residuals.add(values, values[p]);
      } else if (design.fillWeightedRow(buffer, worker.weights, rows, values, values[p], values[p + 1], "line",
          number)) {
        rows++;
        residuals.add(values, values[p], values[p + 1]);
      }
    }
    worker.accumulator.gram.addRows(buffer, design.weighted ? worker.weights : null, rows);
  }

  /**
   * Splits the rows with {@link DataSplit#kFold} and, for each fold, fits on the other folds and
   * measures the fit on this one.
   *
   * @return one {@link RegressionMetrics} per fold, in fold order
   */
  public List<RegressionMetrics> crossValidate(double[][] x, double[] y, int folds, long seed) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new InvalidInputException("x has " + x.length + " rows but y has " + y.length + " values");
    }
    List<RegressionMetrics> out = new ArrayList<>();
    for (DataSplit split : DataSplit.kFold(x.length, folds, seed)) {
      LinearRegressionModel model = fit(split.train(x), split.train(y));
      out.add(RegressionMetrics.evaluate(model, split.test(x), split.test(y)));
    }
    return List.copyOf(out);
  }

  /** The number of threads a fit uses. */
  int parallelism() {
    return parallelism;
  }

  /** Whether fits have an intercept. */
  public boolean intercept() {
    return intercept;
  }

  /** The L2 penalty (0 for ordinary least squares). */
  public double ridge() {
    return ridge;
  }

  /** When in-memory and CSV fits refine their solution. */
  public Refinement refinement() {
    return refinement;
  }

  /** Whether the penalty applies to standardised features. */
  public boolean standardize() {
    return standardize;
  }

  /** The feature names set on the builder; empty for the defaults. */
  public List<String> featureNames() {
    return featureNames;
  }

  private List<String> names(int p) {
    if (!featureNames.isEmpty()) {
      return featureNames;
    }
    List<String> out = new ArrayList<>(p);
    for (int j = 1; j <= p; j++) {
      out.add("x" + j);
    }
    return out;
  }

  private LinearRegressionModel solve(QrAccumulator acc, Design design, double[][] x, double[] y, double[] w,
      SemiNormalRefiner.ResidualPass pass, int threads) {
    if (generalized != null) {
      if (design.weighted) {
        throw new InvalidInputException("choosing the ridge penalty does not support weights; set it by hand");
      }
      RidgeSelection selection = generalized.generalized(design, acc);
      selections.accept(selection);
      design = design.withRidge(selection.best());
    }
    Solution s = Solution.solve(acc, design, x, y, w, pass, refinement, threads);
    return LinearRegressionModel.fitted(s.intercept(), s.coefficients(), design.names, Optional.of(s.report()),
        s.intervals(), Interval.PREDICTION, LinearRegressionModel.DEFAULT_LEVEL);
  }

  /**
   * Collects the settings of a {@link LinearRegressionTrainer}; each setter checks its argument at
   * once.
   *
   * <p>Builders are not thread-safe.
   */
  public static final class Builder {
    private boolean intercept = true;
    private double ridge;
    private boolean standardize;
    private List<String> featureNames = List.of();
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private Refinement refinement = Refinement.AUTO;

    private Builder() {}

    /** When in-memory and CSV fits refine their solution (default {@link Refinement#AUTO}). */
    public Builder refinement(Refinement refinement) {
      this.refinement = java.util.Objects.requireNonNull(refinement, "refinement");
      return this;
    }

    /** Whether the model has an intercept (default true). */
    public Builder intercept(boolean intercept) {
      this.intercept = intercept;
      return this;
    }

    /**
     * The L2 penalty {@code lambda}: the fit minimises {@code ||y - Xb||² + lambda * Σ (w_j
     * b_j)²} over the feature coefficients (never the intercept), with {@code w_j = 1}, or the
     * feature's standard deviation when {@link #standardize} is on. Default 0.
     *
     * @throws IllegalArgumentException if {@code lambda} is negative or not finite
     */
    public Builder ridge(double lambda) {
      if (!(lambda >= 0) || !Double.isFinite(lambda)) {
        throw new IllegalArgumentException("ridge must be a finite number >= 0, got " + lambda);
      }
      this.ridge = lambda;
      return this;
    }

    /**
     * Whether to standardise the features (centre and divide by their population standard
     * deviation) before fitting, folding the transformation back into the coefficients so that
     * the model predicts on raw inputs. Without a penalty the fitted model is the same either way;
     * with one, the penalty treats every feature on the same scale. Default false.
     */
    public Builder standardize(boolean standardize) {
      this.standardize = standardize;
      return this;
    }

    /**
     * The feature names. For in-memory and iterator fits they name the columns (default {@code
     * x1 ... xp}); for CSV fits they select the columns (default all but the target).
     *
     * @throws IllegalArgumentException if a name is empty or repeated
     */
    public Builder featureNames(List<String> names) {
      List<String> copy = List.copyOf(names);
      if (new HashSet<>(copy).size() != copy.size()) {
        throw new IllegalArgumentException("feature names must be distinct: " + copy);
      }
      for (String name : copy) {
        if (name.isEmpty()) {
          throw new IllegalArgumentException("feature names must not be empty");
        }
      }
      this.featureNames = copy;
      return this;
    }

    /**
     * The number of threads a fit uses (default: the number of processors). Results are
     * deterministic for a given value.
     *
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public Builder parallelism(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, got " + threads);
      }
      this.parallelism = threads;
      return this;
    }

    /** The trainer. */
    public LinearRegressionTrainer build() {
      return new LinearRegressionTrainer(this);
    }
  }
}
