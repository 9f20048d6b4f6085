package dev.maas.linear;

/**
 * The Gram matrix {@code AᵀA} of the working columns of all row blocks added so far (the target
 * last, so that it also holds {@code Aᵀy} and {@code yᵀy}), with the count, means and centred sums
 * of squares of every column; {@link #factor} turns it into the upper-triangular factor R of the
 * Cholesky decomposition {@code RᵀR = AᵀA}, which is also the R of the QR decomposition of A (up to
 * the signs of its rows).
 *
 * <p>Each block's product is formed by a register-blocked kernel (four rows per update of the Gram
 * matrix) over rows held as separate arrays, whose inner loops run along a row of the Gram matrix so
 * that the JIT compiles them to vector instructions. The block's sum is then added to the running total with compensated (TwoSum) additions,
 * so that the total's rounding error does not grow with the number of blocks.
 *
 * <p>Forming {@code AᵀA} squares the condition number; a caller uses this factor only when {@link
 * #factor} accepts it, and folds the rows with Householder reflections ({@link QrAccumulator})
 * otherwise.
 *
 * <p>Instances are mutable and used by one thread at a time.
 */
final class GramAccumulator implements java.io.Serializable, BlockAccumulator<GramAccumulator> {
  private static final long serialVersionUID = 1L;
  /** Rows combined per update of the Gram matrix. */
  private static final int GROUP = 4;
  /**
   * A bound, in units of roundoff, on the relative error of each entry of the Gram matrix and of
   * its Cholesky factor per working column: what {@link Solution} multiplies its error estimates by.
   */
  static final double ERROR_PER_COLUMN = 4;

  private final int q;
  private final QrAccumulator statistics;
  private final double[] hi;
  private final double[] lo;
  /** Work arrays of {@link #addRows}, made on first use (and again after deserialisation). */
  private transient double[][] partial;
  private transient double[] blockMean;
  private transient double[] blockM2;

  GramAccumulator(int columns) {
    this.q = columns;
    this.statistics = new QrAccumulator(columns);
    this.hi = new double[columns * columns];
    this.lo = new double[columns * columns];
  }

  /** The number of row arrays that {@link #addRows} needs for {@code rows} rows. */
  static int bufferRows(int rows) {
    return ((rows + GROUP - 1) / GROUP) * GROUP;
  }

  /** The number of rows added. */
  long count() {
    return statistics.count();
  }

  /**
   * Adds {@code rows} working rows, row i in {@code t[i]} ({@code q} values; at least {@link
   * #bufferRows} arrays), with positive weights {@code weights} (null for unit weights). The
   * buffer's content is destroyed.
   */
  void addRows(double[][] t, double[] weights, int rows) {
    if (rows == 0) {
      return;
    }
    if (partial == null) {
      partial = new double[q][q];
      blockMean = new double[q];
      blockM2 = new double[q];
    }
    if (weights == null) {
      updateStatistics(t, rows);
    } else {
      updateWeightedStatistics(t, weights, rows);
      for (int i = 0; i < rows; i++) {
        double s = Math.sqrt(weights[i]);
        double[] row = t[i];
        for (int j = 0; j < q; j++) {
          row[j] *= s;
        }
      }
    }
    int padded = bufferRows(rows);
    for (int i = rows; i < padded; i++) {
      java.util.Arrays.fill(t[i], 0);
    }
    for (double[] row : partial) {
      java.util.Arrays.fill(row, 0);
    }
    product(t, padded);
    for (int i = 0; i < q; i++) {
      int o = i * q;
      double[] part = partial[i];
      for (int j = i; j < q; j++) {
        double a = hi[o + j];
        double b = part[j];
        double s = a + b;
        double bp = s - a;
        lo[o + j] += (a - (s - bp)) + (b - bp);
        hi[o + j] = s;
      }
    }
  }

  /**
   * As {@link #addRows}, for rows held column-major ({@code block[c][i]}), as {@link QrAccumulator}
   * takes them.
   */
  @Override
  public void addData(double[][] block, double[] weights, int rows) {
    double[][] t = new double[bufferRows(rows)][q];
    for (int c = 0; c < q; c++) {
      double[] column = block[c];
      for (int i = 0; i < rows; i++) {
        t[i][c] = column[i];
      }
    }
    addRows(t, weights, rows);
  }

  /**
   * {@code partial += tᵀt} over the upper triangle, {@code rows} a multiple of {@link #GROUP}. Rows
   * of the Gram matrix and of the block are separate arrays, and the inner loop runs along one row
   * of the Gram matrix: the form the JIT's vectoriser recognises (one array offset by several
   * invariants is not).
   */
  private void product(double[][] t, int rows) {
    for (int r = 0; r < rows; r += GROUP) {
      double[] t0 = t[r];
      double[] t1 = t[r + 1];
      double[] t2 = t[r + 2];
      double[] t3 = t[r + 3];
      for (int i = 0; i < q; i++) {
        double a0 = t0[i];
        double a1 = t1[i];
        double a2 = t2[i];
        double a3 = t3[i];
        double[] g = partial[i];
        for (int j = i; j < q; j++) {
          g[j] += a0 * t0[j] + a1 * t1[j] + a2 * t2[j] + a3 * t3[j];
        }
      }
    }
  }

  private void updateStatistics(double[][] t, int rows) {
    java.util.Arrays.fill(blockMean, 0);
    java.util.Arrays.fill(blockM2, 0);
    for (int i = 0; i < rows; i++) {
      double[] row = t[i];
      for (int j = 0; j < q; j++) {
        blockMean[j] += row[j];
      }
    }
    for (int j = 0; j < q; j++) {
      blockMean[j] /= rows;
    }
    for (int i = 0; i < rows; i++) {
      double[] row = t[i];
      for (int j = 0; j < q; j++) {
        double d = row[j] - blockMean[j];
        blockM2[j] += d * d;
      }
    }
    statistics.mergeStatistics(rows, rows, blockMean, blockM2);
  }

  private void updateWeightedStatistics(double[][] t, double[] weights, int rows) {
    java.util.Arrays.fill(blockMean, 0);
    java.util.Arrays.fill(blockM2, 0);
    double total = 0;
    for (int i = 0; i < rows; i++) {
      total += weights[i];
      double[] row = t[i];
      double w = weights[i];
      for (int j = 0; j < q; j++) {
        blockMean[j] += w * row[j];
      }
    }
    for (int j = 0; j < q; j++) {
      blockMean[j] /= total;
    }
    for (int i = 0; i < rows; i++) {
      double[] row = t[i];
      double w = weights[i];
      for (int j = 0; j < q; j++) {
        double d = row[j] - blockMean[j];
        blockM2[j] += w * d * d;
      }
    }
    statistics.mergeStatistics(rows, total, blockMean, blockM2);
  }

  /**
   * The Gram matrix accumulated so far, row-major {@code q x q}, upper triangle only (a copy; the
   * compensated sums rounded to double).
   */
  double[] matrix() {
    double[] g = new double[q * q];
    for (int i = 0; i < q; i++) {
      int o = i * q;
      for (int j = o + i; j < o + q; j++) {
        g[j] = hi[j] + lo[j];
      }
    }
    return g;
  }

  /** What {@link #matrix()}'s rounding dropped from each entry, for the matrix {@code rounded} it returned. */
  double[] matrixRemainder(double[] rounded) {
    double[] low = new double[q * q];
    for (int i = 0; i < q; i++) {
      int o = i * q;
      for (int j = o + i; j < o + q; j++) {
        low[j] = lo[j] - (rounded[j] - hi[j]);
      }
    }
    return low;
  }

  /** Adds everything {@code other} accumulated, with compensated additions. */
  @Override
  public void merge(GramAccumulator other) {
    statistics.mergeStatistics(other.statistics);
    for (int i = 0; i < q; i++) {
      int o = i * q;
      for (int j = o + i; j < o + q; j++) {
        double a = hi[j];
        double b = other.hi[j];
        double s = a + b;
        double bp = s - a;
        lo[j] += (a - (s - bp)) + (b - bp) + other.lo[j];
        hi[j] = s;
      }
    }
  }

  /**
   * The Cholesky factor of the accumulated Gram matrix as a {@link QrAccumulator} (with the column
   * statistics), or null when the Gram matrix is too ill-conditioned for its factor to be trusted:
   * a pivot of a parameter column is not positive, or the condition number of the centred,
   * column-scaled features divided by the square root of the smallest share of a feature column's
   * squared norm that centring leaves (which measures what forming the centred problem from
   * uncentred sums loses) exceeds {@code maxCondition}. The target column's pivot (the residual sum of squares) is
   * clamped at zero.
   *
   * @param parameters the number of parameter columns (all but the last)
   * @param offset 1 with an intercept column, else 0
   */
  QrAccumulator factor(int parameters, int offset, double maxCondition) {
    double[] r = statistics.r();
    for (int i = 0; i < q; i++) {
      int o = i * q;
      for (int j = o + i; j < o + q; j++) {
        r[j] = hi[j] + lo[j];
      }
    }
    double smallestShare = 1;
    for (int k = 0; k < q; k++) {
      int ok = k * q;
      double diagonal = r[ok + k];
      double pivot = diagonal;
      for (int i = 0; i < k; i++) {
        double v = r[i * q + k];
        pivot -= v * v;
      }
      if (k < parameters) {
        if (!(pivot > 0) || !Double.isFinite(pivot)) {
          return null;
        }
        if (offset == 1 && k >= 1) {
          double afterIntercept = diagonal - r[k] * r[k];
          smallestShare = Math.min(smallestShare, afterIntercept / diagonal);
        }
      } else {
        pivot = Math.max(0, pivot);
      }
      double rkk = Math.sqrt(pivot);
      r[ok + k] = rkk;
      for (int j = k + 1; j < q; j++) {
        double s = r[ok + j];
        for (int i = 0; i < k; i++) {
          s -= r[i * q + k] * r[i * q + j];
        }
        r[ok + j] = rkk == 0 ? 0 : s / rkk;
      }
    }
    for (int i = 1; i < q; i++) {
      java.util.Arrays.fill(r, i * q, i * q + i, 0);
    }
    double condition = Solution.conditionNumber(r, q, offset, parameters);
    if (!(condition / Math.sqrt(smallestShare) <= maxCondition)) {
      return null;
    }
    statistics.markCholesky(condition);
    return statistics;
  }
}
