package dev.maas.linear;

/**
 * The upper-triangular factor R of the QR decomposition of all row blocks added so far (one step
 * of TSQR: Householder reflections fold each block into R), together with the count, means and
 * centred sums of squares of every column. Columns are ordered as the design's working columns:
 * an optional intercept column of ones, the (shifted) features, then the (shifted) target.
 *
 * <p>Instances are mutable and used by one thread at a time. They are serializable so that parts of
 * a fit can travel between machines ({@link PartitionedFit}).
 */
final class QrAccumulator implements java.io.Serializable, BlockAccumulator<QrAccumulator> {
  private static final long serialVersionUID = 1L;
  private final int q;
  private final double[] r;
  private final double[] w = new double[4];
  private long count;
  private double weightSum;
  private final double[] mean;
  private final double[] m2;
  private final double[] blockMean;
  private final double[] blockM2;
  /** Whether {@link #r()} came from the Cholesky decomposition of a Gram matrix. */
  private boolean cholesky;
  private double condition = Double.NaN;

  QrAccumulator(int columns) {
    this.q = columns;
    this.r = new double[columns * columns];
    this.mean = new double[columns];
    this.m2 = new double[columns];
    this.blockMean = new double[columns];
    this.blockM2 = new double[columns];
  }

  int columns() {
    return q;
  }

  long count() {
    return count;
  }

  /** The factor, row-major {@code q x q}, upper triangular; not a copy. */
  double[] r() {
    return r;
  }

  /**
   * Records that {@link #r()} now holds the Cholesky factor of the Gram matrix ({@link
   * GramAccumulator}), whose condition number (of the centred, column-scaled features, before any
   * penalty) is {@code condition}.
   */
  void markCholesky(double condition) {
    this.cholesky = true;
    this.condition = condition;
  }

  /** Whether {@link #r()} is a Cholesky factor of the Gram matrix rather than a Householder factor. */
  boolean cholesky() {
    return cholesky;
  }

  /** The condition number recorded with {@link #markCholesky}, or NaN. */
  double condition() {
    return condition;
  }

  /** The sum of the rows' weights (the row count when unweighted). */
  double weightSum() {
    return weightSum;
  }

  /** The (weighted) mean of {@code column}. */
  double mean(int column) {
    return mean[column];
  }

  /** The (weighted) centred sum of squares of {@code column}: {@code Σ w (v - mean)²}. */
  double sumOfSquares(int column) {
    return m2[column];
  }

  /**
   * Adds {@code rows} data rows held column-major in {@code block} ({@code block[c][i]} is column
   * c of row i): updates the column statistics, then folds the rows into R. The block's content is
   * destroyed.
   */
  void addData(double[][] block, int rows) {
    addData(block, null, rows);
  }

  /**
   * As {@link #addData(double[][], int)} for rows of positive weights {@code weights[i]} (null for
   * unit weights): the statistics are weighted, and every row is scaled by the square root of its
   * weight before it is folded, so that R is the factor of {@code W^½ A}.
   */
  @Override
  public void addData(double[][] block, double[] weights, int rows) {
    if (rows == 0) {
      return;
    }
    addStatistics(block, weights, rows);
    fold(block, rows);
  }

  /**
   * Adds the statistics of {@code rows} data rows (column-major, as in {@link #addData}) and, for
   * weighted rows, scales every row by the square root of its weight in place, without folding them.
   */
  void addStatistics(double[][] block, double[] weights, int rows) {
    if (weights == null) {
      updateStatistics(block, rows);
    } else {
      updateWeightedStatistics(block, weights, rows);
      for (int i = 0; i < rows; i++) {
        double s = Math.sqrt(weights[i]);
        for (int j = 0; j < q; j++) {
          block[j][i] *= s;
        }
      }
    }
  }

  /**
   * Folds rows (column-major, as in {@link #addData}) into R without counting them as data
   * (penalty rows, another accumulator's R): Householder reflections column by column on {@code
   * [R; block]}. Columns are separate arrays, so the updates index every array alike and the JIT
   * can vectorise them.
   */
  void fold(double[][] block, int rows) {
    for (int k = 0; k < q; k++) {
      double[] ck = block[k];
      double sigma = dot(ck, ck, rows);
      if (sigma == 0) {
        continue;
      }
      double alpha = r[k * q + k];
      double norm = Math.sqrt(alpha * alpha + sigma);
      double beta = alpha > 0 ? -norm : norm;
      double tau = (beta - alpha) / beta;
      double inv = 1 / (alpha - beta);
      for (int i = 0; i < rows; i++) {
        ck[i] *= inv;
      }
      int j = k + 1;
      for (; j + 3 < q; j += 4) {
        dot4(ck, block[j], block[j + 1], block[j + 2], block[j + 3], rows, w);
        for (int t = 0; t < 4; t++) {
          double[] cj = block[j + t];
          double wj = tau * (r[k * q + j + t] + w[t]);
          r[k * q + j + t] -= wj;
          for (int i = 0; i < rows; i++) {
            cj[i] -= wj * ck[i];
          }
        }
      }
      for (; j < q; j++) {
        double[] cj = block[j];
        double wj = tau * (r[k * q + j] + dot(ck, cj, rows));
        r[k * q + j] -= wj;
        for (int i = 0; i < rows; i++) {
          cj[i] -= wj * ck[i];
        }
      }
      r[k * q + k] = beta;
    }
  }

  /** The inner products of {@code v} with four columns at once, into {@code out[0..3]}. */
  private static void dot4(double[] v, double[] a, double[] b, double[] c, double[] d, int n, double[] out) {
    double sa0 = 0;
    double sa1 = 0;
    double sb0 = 0;
    double sb1 = 0;
    double sc0 = 0;
    double sc1 = 0;
    double sd0 = 0;
    double sd1 = 0;
    int i = 0;
    for (; i + 1 < n; i += 2) {
      double v0 = v[i];
      double v1 = v[i + 1];
      sa0 += v0 * a[i];
      sa1 += v1 * a[i + 1];
      sb0 += v0 * b[i];
      sb1 += v1 * b[i + 1];
      sc0 += v0 * c[i];
      sc1 += v1 * c[i + 1];
      sd0 += v0 * d[i];
      sd1 += v1 * d[i + 1];
    }
    if (i < n) {
      double v0 = v[i];
      sa0 += v0 * a[i];
      sb0 += v0 * b[i];
      sc0 += v0 * c[i];
      sd0 += v0 * d[i];
    }
    out[0] = sa0 + sa1;
    out[1] = sb0 + sb1;
    out[2] = sc0 + sc1;
    out[3] = sd0 + sd1;
  }

  private static double dot(double[] a, double[] b, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Adds everything {@code other} accumulated: its R folded in, its statistics merged. */
  @Override
  public void merge(QrAccumulator other) {
    if (other.count == 0) {
      return;
    }
    mergeStatistics(other);
    double[][] columns = new double[q][q];
    for (int i = 0; i < q; i++) {
      for (int j = i; j < q; j++) {
        columns[j][i] = other.r[i * q + j];
      }
    }
    fold(columns, q);
  }

  /** Adds {@code other}'s statistics (not its factor). */
  void mergeStatistics(QrAccumulator other) {
    if (other.count > 0) {
      mergeStatistics(other.count, other.weightSum, other.mean, other.m2);
    }
  }

  private void updateStatistics(double[][] block, int rows) {
    for (int j = 0; j < q; j++) {
      double[] c = block[j];
      double sum = 0;
      for (int i = 0; i < rows; i++) {
        sum += c[i];
      }
      double m = sum / rows;
      double ss = 0;
      for (int i = 0; i < rows; i++) {
        double d = c[i] - m;
        ss += d * d;
      }
      blockMean[j] = m;
      blockM2[j] = ss;
    }
    mergeStatistics(rows, rows, blockMean, blockM2);
  }

  private void updateWeightedStatistics(double[][] block, double[] weights, int rows) {
    double total = 0;
    for (int i = 0; i < rows; i++) {
      total += weights[i];
    }
    for (int j = 0; j < q; j++) {
      double[] c = block[j];
      double sum = 0;
      for (int i = 0; i < rows; i++) {
        sum += weights[i] * c[i];
      }
      double m = sum / total;
      double ss = 0;
      for (int i = 0; i < rows; i++) {
        double d = c[i] - m;
        ss += weights[i] * d * d;
      }
      blockMean[j] = m;
      blockM2[j] = ss;
    }
    mergeStatistics(rows, total, blockMean, blockM2);
  }

  /** Chan's pairwise update, with weight totals in place of counts. */
  void mergeStatistics(long n, double otherWeight, double[] otherMean, double[] otherM2) {
    double total = weightSum + otherWeight;
    double weight = otherWeight / total;
    double cross = weightSum * otherWeight / total;
    for (int j = 0; j < q; j++) {
      double delta = otherMean[j] - mean[j];
      mean[j] += delta * weight;
      m2[j] += otherM2[j] + delta * delta * cross;
    }
    count += n;
    weightSum = total;
  }
}
