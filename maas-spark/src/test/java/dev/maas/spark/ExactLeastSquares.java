package dev.maas.spark;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The least-squares solution of the exact binary values of a data set, with an intercept: the
 * normal equations are formed exactly in {@link BigDecimal} (products and sums of doubles are
 * exact there) and solved by Gaussian elimination with 200 significant digits, far beyond the
 * squared condition number of the test designs, so the rounded result is correct to every digit.
 */
final class ExactLeastSquares {
  private static final MathContext MC = new MathContext(200);

  private ExactLeastSquares() {}

  /** Intercept first, then one coefficient per column of {@code x}. */
  static double[] solve(double[][] x, double[] y) {
    int n = y.length;
    int k = x[0].length + 1;
    BigDecimal[][] rows = new BigDecimal[n][k];
    for (int i = 0; i < n; i++) {
      rows[i][0] = BigDecimal.ONE;
      for (int j = 1; j < k; j++) {
        rows[i][j] = new BigDecimal(x[i][j - 1]);
      }
    }
    BigDecimal[][] m = new BigDecimal[k][k + 1];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b <= k; b++) {
        BigDecimal s = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
          s = s.add(rows[i][a].multiply(b < k ? rows[i][b] : new BigDecimal(y[i])));
        }
        m[a][b] = s;
      }
    }
    for (int c = 0; c < k; c++) {
      int pivot = c;
      for (int r = c + 1; r < k; r++) {
        if (m[r][c].abs().compareTo(m[pivot][c].abs()) > 0) {
          pivot = r;
        }
      }
      BigDecimal[] t = m[c];
      m[c] = m[pivot];
      m[pivot] = t;
      for (int r = c + 1; r < k; r++) {
        BigDecimal f = m[r][c].divide(m[c][c], MC);
        for (int j = c; j <= k; j++) {
          m[r][j] = m[r][j].subtract(f.multiply(m[c][j], MC), MC);
        }
      }
    }
    BigDecimal[] s = new BigDecimal[k];
    for (int r = k - 1; r >= 0; r--) {
      BigDecimal v = m[r][k];
      for (int j = r + 1; j < k; j++) {
        v = v.subtract(m[r][j].multiply(s[j], MC), MC);
      }
      s[r] = v.divide(m[r][r], MC);
    }
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      out[i] = s[i].doubleValue();
    }
    return out;
  }
}
