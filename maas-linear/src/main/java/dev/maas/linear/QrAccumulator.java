package dev.maas.linear;

/**
 * The upper-triangular factor R of the QR decomposition of all row blocks added so far (one step
 * of TSQR: Householder reflections fold each block into R), together with the count, means and
 * centred sums of squares of every column. Columns are ordered as the design's working columns:
 * an optional intercept column of ones, the (shifted) features, then the (shifted) target.
 *
 * <p>Instances are mutable and used by one thread at a time.
 */
final class QrAccumulator {
  private final int q;
  private final double[] r;
  private final double[] w;
  private double[] v;
  private long count;
  private final double[] mean;
  private final double[] m2;
  private final double[] blockMean;
  private final double[] blockM2;

  QrAccumulator(int columns) {
    this.q = columns;
    this.r = new double[columns * columns];
    this.w = new double[columns];
    this.v = new double[256];
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

  double mean(int column) {
    return mean[column];
  }

  /** The centred sum of squares of {@code column}. */
  double sumOfSquares(int column) {
    return m2[column];
  }

  /**
   * Adds {@code rows} data rows held row-major in {@code block} (each {@code q} wide): updates the
   * column statistics, then folds the rows into R. The block's content is destroyed.
   */
  void addData(double[] block, int rows) {
    if (rows == 0) {
      return;
    }
    updateStatistics(block, rows);
    fold(block, rows);
  }

  /** Folds rows into R without counting them as data (penalty rows, another accumulator's R). */
  void fold(double[] block, int rows) {
    if (v.length < rows) {
      v = new double[Math.max(rows, 2 * v.length)];
    }
    for (int k = 0; k < q; k++) {
      double alpha = r[k * q + k];
      double sigma = 0;
      for (int i = 0; i < rows; i++) {
        double b = block[i * q + k];
        sigma += b * b;
      }
      if (sigma == 0) {
        continue;
      }
      double norm = Math.sqrt(alpha * alpha + sigma);
      double beta = alpha > 0 ? -norm : norm;
      double v0 = alpha - beta;
      double tau = (beta - alpha) / beta;
      double inv = 1 / v0;
      for (int i = 0; i < rows; i++) {
        v[i] = block[i * q + k] * inv;
      }
      int width = q - k - 1;
      if (width > 0) {
        System.arraycopy(r, k * q + k + 1, w, 0, width);
        for (int i = 0; i < rows; i++) {
          double vi = v[i];
          int base = i * q + k + 1;
          for (int j = 0; j < width; j++) {
            w[j] += vi * block[base + j];
          }
        }
        for (int j = 0; j < width; j++) {
          w[j] *= tau;
          r[k * q + k + 1 + j] -= w[j];
        }
        for (int i = 0; i < rows; i++) {
          double vi = v[i];
          int base = i * q + k + 1;
          for (int j = 0; j < width; j++) {
            block[base + j] -= vi * w[j];
          }
        }
      }
      r[k * q + k] = beta;
    }
  }

  /** Adds everything {@code other} accumulated: its R folded in, its statistics merged. */
  void merge(QrAccumulator other) {
    if (other.count == 0) {
      return;
    }
    mergeStatistics(other.count, other.mean, other.m2);
    fold(other.r.clone(), q);
  }

  private void updateStatistics(double[] block, int rows) {
    for (int j = 0; j < q; j++) {
      blockMean[j] = 0;
      blockM2[j] = 0;
    }
    for (int i = 0; i < rows; i++) {
      int base = i * q;
      for (int j = 0; j < q; j++) {
        blockMean[j] += block[base + j];
      }
    }
    for (int j = 0; j < q; j++) {
      blockMean[j] /= rows;
    }
    for (int i = 0; i < rows; i++) {
      int base = i * q;
      for (int j = 0; j < q; j++) {
        double d = block[base + j] - blockMean[j];
        blockM2[j] += d * d;
      }
    }
    mergeStatistics(rows, blockMean, blockM2);
  }

  private void mergeStatistics(long n, double[] otherMean, double[] otherM2) {
    double total = (double) count + n;
    double weight = n / total;
    double cross = (double) count * n / total;
    for (int j = 0; j < q; j++) {
      double delta = otherMean[j] - mean[j];
      mean[j] += delta * weight;
      m2[j] += otherM2[j] + delta * delta * cross;
    }
    count += n;
  }
}
