package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Chooses a {@link LinearRegressionTrainer}'s ridge penalty from the data: scores every penalty of
 * a grid by cross-validation and reports the penalty at the minimum and the one-standard-error
 * choice (the largest penalty whose score is within one standard error of the minimum, as glmnet's
 * {@code cv.glmnet} reports it). The penalty is the trainer's own, {@code λ Σ (w_j b_j)²} with
 * {@code w_j = 1}, or the feature's population standard deviation when the trainer standardises;
 * the intercept is never penalised.
 *
 * <p>Three methods, all exact for this estimator:
 * <ul>
 *   <li>{@link Method#GENERALIZED}: {@code n·RSS(λ) / (n − tr H(λ))²}, from the singular values of
 *       the p×p triangular factor alone (one pass over the data for the whole grid);
 *   <li>{@link Method#LEAVE_ONE_OUT}: the mean of {@code (e_i / (1 − h_ii))²}, with the intercept in
 *       the hat matrix (as scikit-learn's {@code RidgeCV} computes it), equal to refitting without
 *       each row; a second pass over the rows computes the leverages for every penalty at once;
 *   <li>{@link Method#K_FOLD}: the mean squared error on each fold of the fit on the other folds
 *       (folds drawn by {@link DataSplit#kFold} with the search's seed), from one factor per fold
 *       merged, with no refit over the rows.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RidgeSearch {
  /** How a penalty is scored. */
  public enum Method {
    /** Exact leave-one-out cross-validation. */
    LEAVE_ONE_OUT("loo"),
    /** Generalised cross-validation. */
    GENERALIZED("gcv"),
    /** K-fold cross-validation. */
    K_FOLD("kfold");

    private final String label;

    Method(String label) {
      this.label = label;
    }

    /** The short name used on the command line and in stored records: loo, gcv or kfold. */
    public String label() {
      return label;
    }
  }

  private static final int CHUNK_ROWS = 4096;
  private static final int SLICES = 4;
  private static final int PARALLEL_MIN_ROWS = 8192;

  private final double[] grid;
  private final Method method;
  private final int folds;
  private final long seed;

  private RidgeSearch(Builder b) {
    this.grid = b.grid;
    this.method = b.method;
    this.folds = b.folds;
    this.seed = b.seed;
  }

  /** A builder: 33 penalties from 1e-4 to 1e4, generalised cross-validation, seed 0. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code count} penalties evenly spaced in log from {@code from} to {@code to} inclusive.
   *
   * @throws IllegalArgumentException unless {@code 0 < from <= to}, both finite, and {@code count >= 1}
   *     ({@code count} must be 1 when {@code from == to})
   */
  public static double[] logGrid(double from, double to, int count) {
    if (!(from > 0) || !(to >= from) || !Double.isFinite(to)) {
      throw new IllegalArgumentException("a ridge grid needs 0 < from <= to, got " + from + " and " + to);
    }
    if (count < 1 || count > 10_000) {
      throw new IllegalArgumentException("a ridge grid holds 1 to 10000 penalties, got " + count);
    }
    if (count == 1) {
      if (from != to) {
        throw new IllegalArgumentException("a ridge grid of one penalty needs from == to, got " + from + " and " + to);
      }
      return new double[] {from};
    }
    if (from == to) {
      throw new IllegalArgumentException("a ridge grid of " + count + " penalties needs from < to, got " + from);
    }
    double[] out = new double[count];
    double a = Math.log10(from);
    double step = (Math.log10(to) - a) / (count - 1);
    for (int i = 0; i < count; i++) {
      out[i] = Math.pow(10, a + step * i);
    }
    out[0] = from;
    out[count - 1] = to;
    return out;
  }

  /** The penalties scored, ascending. */
  public double[] grid() {
    return grid.clone();
  }

  /** How each penalty is scored. */
  public Method method() {
    return method;
  }

  /** The number of folds of {@link Method#K_FOLD}; 0 for the other methods. */
  public int folds() {
    return method == Method.K_FOLD ? folds : 0;
  }

  /** The seed of the fold assignment of {@link Method#K_FOLD}. */
  public long seed() {
    return seed;
  }

  /**
   * Scores every penalty of the grid on rows {@code x} and targets {@code y} with {@code trainer}'s
   * intercept, standardisation and feature names (its own penalty is ignored). The arrays are only
   * read.
   *
   * @throws InvalidInputException if the rows are ragged or not finite, there are too few rows for
   *     the method, or a feature is constant while the trainer standardises
   */
  public RidgeSelection select(LinearRegressionTrainer trainer, double[][] x, double[] y) {
    Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new InvalidInputException("x has " + x.length + " rows but y has " + y.length + " values");
    }
    if (x.length == 0) {
      throw new InvalidInputException("no rows to choose a ridge penalty on");
    }
    int p = x[0].length;
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != p) {
        throw new InvalidInputException("row " + i + " has " + x[i].length + " values, expected " + p);
      }
    }
    List<String> names = trainer.featureNames().isEmpty() ? defaultNames(p) : trainer.featureNames();
    if (names.size() != p) {
      throw new InvalidInputException("the trainer names " + names.size() + " features but the rows hold " + p);
    }
    if (p == 0) {
      throw new InvalidInputException("a ridge penalty needs at least one feature");
    }
    Design d = new Design(names, trainer.intercept(), 0, false);
    d.setShifts(x[0], y[0]);
    int n = x.length;
    int needed = d.parameters + (method == Method.K_FOLD ? folds : 1);
    if (n < needed) {
      throw new InvalidInputException(n + " rows are too few to choose a ridge penalty by " + method.label()
          + " with " + d.parameters + " parameters; need at least " + needed);
    }
    List<RidgeSelection.Point> curve = switch (method) {
      case GENERALIZED -> generalized(d, accumulate(d, x, y, null), n, trainer.standardize());
      case LEAVE_ONE_OUT -> leaveOneOut(d, x, y, trainer.standardize());
      case K_FOLD -> kFold(d, x, y, trainer.standardize());
    };
    return RidgeSelection.of(method, folds(), trainer.standardize(), n, curve);
  }

  /** The generalised cross-validation curve, from the whole data's factor. */
  private List<RidgeSelection.Point> generalized(Design d, QrAccumulator acc, long n, boolean standardize) {
    Spectrum s = Spectrum.of(d, acc, standardize);
    List<RidgeSelection.Point> out = new ArrayList<>(grid.length);
    for (double lambda : grid) {
      double rss = s.rss(lambda);
      double df = s.degreesOfFreedom(lambda);
      double gcv = n - df > 0 ? n * rss / ((n - df) * (n - df)) : Double.POSITIVE_INFINITY;
      out.add(new RidgeSelection.Point(lambda, gcv, Double.NaN, df));
    }
    return out;
  }

  private List<RidgeSelection.Point> leaveOneOut(Design d, double[][] x, double[] y, boolean standardize) {
    int n = x.length;
    Spectrum s = Spectrum.of(d, accumulate(d, x, y, null), standardize);
    int p = d.features;
    int g = grid.length;
    double[][] inv = new double[g][p];
    double[][] gain = new double[g][p];
    for (int l = 0; l < g; l++) {
      for (int k = 0; k < p; k++) {
        double s2 = s.singular[k] * s.singular[k];
        inv[l][k] = 1 / (s2 + grid[l]);
        gain[l][k] = s.singular[k] * s.z[k] * inv[l][k];
      }
    }
    double base = d.intercept ? 1.0 / n : 0;
    // a = x̃ V with x̃ = (x - mean) / w: projections onto the right singular vectors, scaled
    double[][] vScaled = new double[p][p];
    for (int j = 0; j < p; j++) {
      for (int k = 0; k < p; k++) {
        vScaled[j][k] = s.v[j][k] / s.scale[j];
      }
    }
    int chunks = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
    double[][] partial = IntStream.range(0, chunks).parallel().mapToObj(c -> {
      double[] sums = new double[2 * g];
      double[] a = new double[p];
      double[] centred = new double[p];
      int end = Math.min(n, (c + 1) * CHUNK_ROWS);
      for (int i = c * CHUNK_ROWS; i < end; i++) {
        for (int j = 0; j < p; j++) {
          centred[j] = (x[i][j] - d.shift[j]) - s.shiftedMean[j];
        }
        for (int k = 0; k < p; k++) {
          double t = 0;
          for (int j = 0; j < p; j++) {
            t += centred[j] * vScaled[j][k];
          }
          a[k] = t;
        }
        double yc = (y[i] - d.shiftY) - s.shiftedMeanY;
        for (int l = 0; l < g; l++) {
          double h = base;
          double fit = 0;
          double[] il = inv[l];
          double[] gl = gain[l];
          for (int k = 0; k < p; k++) {
            h += a[k] * a[k] * il[k];
            fit += a[k] * gl[k];
          }
          if (!(h < 1)) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                "row %d has leverage %.6g at ridge %.6g: leave-one-out is undefined there; use gcv or kfold",
                i, h, grid[l]));
          }
          double e = (yc - fit) / (1 - h);
          double e2 = e * e;
          sums[2 * l] += e2;
          sums[2 * l + 1] += e2 * e2;
        }
      }
      return sums;
    }).toArray(double[][]::new);
    List<RidgeSelection.Point> out = new ArrayList<>(g);
    for (int l = 0; l < g; l++) {
      double sum = 0;
      double sumSq = 0;
      for (double[] part : partial) {
        sum += part[2 * l];
        sumSq += part[2 * l + 1];
      }
      double mean = sum / n;
      double variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
      out.add(new RidgeSelection.Point(grid[l], mean, Math.sqrt(variance / n), s.degreesOfFreedom(grid[l])));
    }
    return out;
  }

  private List<RidgeSelection.Point> kFold(Design d, double[][] x, double[] y, boolean standardize) {
    int n = x.length;
    List<DataSplit> splits = DataSplit.kFold(n, folds, seed);
    QrAccumulator[] parts = new QrAccumulator[folds];
    for (int f = 0; f < folds; f++) {
      parts[f] = accumulate(d, x, y, splits.get(f).testRows());
    }
    int g = grid.length;
    double[][] foldMse = new double[g][folds];
    double[] total = new double[g];
    double[] df = new double[g];
    for (int f = 0; f < folds; f++) {
      QrAccumulator train = new QrAccumulator(d.columns);
      for (int o = 0; o < folds; o++) {
        if (o != f) {
          train.merge(parts[o]);
        }
      }
      Spectrum s = Spectrum.of(d, train, standardize);
      double[] held = parts[f].r();
      long rows = parts[f].count();
      for (int l = 0; l < g; l++) {
        double[] b = s.coefficients(grid[l]);
        double sse = squaredError(held, d.columns, b);
        foldMse[l][f] = sse / rows;
        total[l] += sse;
      }
    }
    Spectrum whole = Spectrum.of(d, accumulate(d, x, y, null), standardize);
    List<RidgeSelection.Point> out = new ArrayList<>(g);
    for (int l = 0; l < g; l++) {
      double mean = 0;
      for (double m : foldMse[l]) {
        mean += m;
      }
      mean /= folds;
      double variance = 0;
      for (double m : foldMse[l]) {
        variance += (m - mean) * (m - mean);
      }
      variance /= folds - 1;
      df[l] = whole.degreesOfFreedom(grid[l]);
      out.add(new RidgeSelection.Point(grid[l], total[l] / n, Math.sqrt(variance / folds), df[l]));
    }
    return out;
  }

  /**
   * {@code ‖R (b, -1)‖²}: the squared error over the rows whose factor is {@code r} ({@code q x q},
   * row-major) of working coefficients {@code b} (intercept first when there is one, in shifted
   * coordinates).
   */
  private static double squaredError(double[] r, int q, double[] b) {
    double sum = 0;
    for (int i = 0; i < q; i++) {
      double t = -r[i * q + q - 1];
      for (int j = i; j < q - 1; j++) {
        t += r[i * q + j] * b[j];
      }
      sum += t * t;
    }
    return sum;
  }

  /**
   * The factor of the rows {@code rows} of the data (all of them when null), in design {@code d}:
   * {@value #SLICES} slices folded in parallel and merged in slice order, so the result does not
   * depend on the machine's core count.
   */
  private static QrAccumulator accumulate(Design d, double[][] x, double[] y, int[] rows) {
    int count = rows == null ? x.length : rows.length;
    int slices = count >= SLICES * PARALLEL_MIN_ROWS ? SLICES : 1;
    QrAccumulator[] parts = IntStream.range(0, slices).parallel().mapToObj(slice -> {
      QrAccumulator acc = new QrAccumulator(d.columns);
      double[][] block = new double[d.columns][LinearRegressionTrainer.BLOCK_ROWS];
      int filled = 0;
      int from = (int) ((long) count * slice / slices);
      int to = (int) ((long) count * (slice + 1) / slices);
      for (int k = from; k < to; k++) {
        int i = rows == null ? k : rows[k];
        d.fill(block, filled++, x[i], y[i], "row", i);
        if (filled == block[0].length) {
          acc.addData(block, filled);
          filled = 0;
        }
      }
      if (filled > 0) {
        acc.addData(block, filled);
      }
      return acc;
    }).toArray(QrAccumulator[]::new);
    for (int k = 1; k < slices; k++) {
      parts[0].merge(parts[k]);
    }
    return parts[0];
  }

  private static List<String> defaultNames(int p) {
    List<String> out = new ArrayList<>(p);
    for (int j = 1; j <= p; j++) {
      out.add("x" + j);
    }
    return out;
  }

  /**
   * The singular value decomposition {@code U S Vᵀ} of the centred, scaled feature block of a
   * factor ({@code R_xx W⁻¹}) with {@code z = Uᵀ r_y}: what the ridge solution, its residual sum
   * of squares and its hat matrix's trace need for every penalty.
   */
  private static final class Spectrum {
    final Design d;
    final double[] singular;
    final double[][] v;
    final double[] z;
    final double[] scale;
    final double rss0;
    /** Column means in the design's shifted units; zero without an intercept. */
    final double[] shiftedMean;
    final double shiftedMeanY;

    private Spectrum(Design d, double[] singular, double[][] v, double[] z, double[] scale, double rss0,
        double[] shiftedMean, double shiftedMeanY) {
      this.d = d;
      this.singular = singular;
      this.v = v;
      this.z = z;
      this.scale = scale;
      this.rss0 = rss0;
      this.shiftedMean = shiftedMean;
      this.shiftedMeanY = shiftedMeanY;
    }

    static Spectrum of(Design d, QrAccumulator acc, boolean standardize) {
      int q = d.columns;
      int p = d.features;
      int o = d.offset;
      double[] r = acc.r();
      double[] scale = new double[p];
      for (int j = 0; j < p; j++) {
        scale[j] = 1;
        if (standardize) {
          scale[j] = Math.sqrt(acc.sumOfSquares(o + j) / acc.weightSum());
          if (scale[j] == 0) {
            throw new InvalidInputException("column '" + d.names.get(j) + "' is constant and cannot be standardised");
          }
        }
      }
      DMatrixRMaj b = new DMatrixRMaj(p, p);
      double[] ry = new double[p];
      for (int i = 0; i < p; i++) {
        for (int j = i; j < p; j++) {
          b.set(i, j, r[(o + i) * q + o + j] / scale[j]);
        }
        ry[i] = r[(o + i) * q + q - 1];
      }
      double last = r[(q - 1) * q + q - 1];
      SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(p, p, true, true, false);
      if (!svd.decompose(b)) {
        throw new InvalidInputException("the singular value decomposition of the design did not converge");
      }
      double[] singular = svd.getSingularValues().clone();
      DMatrixRMaj u = svd.getU(null, false);
      DMatrixRMaj vt = svd.getV(null, true);
      double[][] v = new double[p][p];
      double[] z = new double[p];
      for (int k = 0; k < p; k++) {
        double t = 0;
        for (int i = 0; i < p; i++) {
          t += u.get(i, k) * ry[i];
        }
        z[k] = t;
        for (int j = 0; j < p; j++) {
          v[j][k] = vt.get(k, j);
        }
      }
      double[] shiftedMean = new double[p];
      double shiftedMeanY = 0;
      if (d.intercept) {
        for (int j = 0; j < p; j++) {
          shiftedMean[j] = acc.mean(o + j);
        }
        shiftedMeanY = acc.mean(q - 1);
      }
      return new Spectrum(d, singular, v, z, scale, last * last, shiftedMean, shiftedMeanY);
    }

    double rss(double lambda) {
      double out = rss0;
      for (int k = 0; k < singular.length; k++) {
        double shrink = lambda / (singular[k] * singular[k] + lambda);
        out += shrink * shrink * z[k] * z[k];
      }
      return out;
    }

    double degreesOfFreedom(double lambda) {
      double out = d.offset;
      for (double s : singular) {
        out += s * s / (s * s + lambda);
      }
      return out;
    }

    /** The working coefficients (intercept first when there is one) in the design's shifted coordinates. */
    double[] coefficients(double lambda) {
      int p = d.features;
      double[] c = new double[p];
      for (int k = 0; k < p; k++) {
        double f = singular[k] * z[k] / (singular[k] * singular[k] + lambda);
        for (int j = 0; j < p; j++) {
          c[j] += v[j][k] * f;
        }
      }
      double[] out = new double[d.parameters];
      double intercept = shiftedMeanY;
      for (int j = 0; j < p; j++) {
        double bj = c[j] / scale[j];
        out[d.offset + j] = bj;
        intercept -= shiftedMean[j] * bj;
      }
      if (d.intercept) {
        out[0] = intercept;
      }
      return out;
    }
  }

  /**
   * Collects the settings of a {@link RidgeSearch}; each setter checks its argument at once.
   *
   * <p>Builders are not thread-safe.
   */
  public static final class Builder {
    private double[] grid = logGrid(1e-4, 1e4, 33);
    private Method method = Method.GENERALIZED;
    private int folds = 10;
    private long seed;

    private Builder() {}

    /**
     * The penalties to score (default 33 evenly spaced in log from 1e-4 to 1e4, {@link #logGrid}).
     *
     * @throws IllegalArgumentException if the grid is empty, or holds a penalty that is negative,
     *     not finite, or repeated
     */
    public Builder grid(double... penalties) {
      double[] sorted = penalties.clone();
      Arrays.sort(sorted);
      if (sorted.length == 0) {
        throw new IllegalArgumentException("a ridge grid needs at least one penalty");
      }
      for (int i = 0; i < sorted.length; i++) {
        if (!(sorted[i] >= 0) || !Double.isFinite(sorted[i])) {
          throw new IllegalArgumentException("a ridge penalty must be a finite number >= 0, got " + sorted[i]);
        }
        if (i > 0 && sorted[i] == sorted[i - 1]) {
          throw new IllegalArgumentException("the ridge grid holds " + sorted[i] + " twice");
        }
      }
      this.grid = sorted;
      return this;
    }

    /** How each penalty is scored (default {@link Method#GENERALIZED}). */
    public Builder method(Method method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    /**
     * K-fold cross-validation with {@code k} folds.
     *
     * @throws IllegalArgumentException if {@code k < 2}
     */
    public Builder kFold(int k) {
      if (k < 2) {
        throw new IllegalArgumentException("k-fold cross-validation needs at least 2 folds, got " + k);
      }
      this.method = Method.K_FOLD;
      this.folds = k;
      return this;
    }

    /** The seed of the fold assignment (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The search. */
    public RidgeSearch build() {
      return new RidgeSearch(this);
    }
  }
}
