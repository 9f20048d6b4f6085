package dev.maas.linear;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Certified least-squares answers: the normal equations of the exact binary values of the data
 * are formed exactly in {@link BigDecimal} and solved with 200 significant digits, far beyond the
 * squared condition number of any test problem here, so every printed digit is correct.
 */
final class Certified {
  private static final MathContext MC = new MathContext(200);

  private Certified() {}

  /** The least-squares coefficients, intercept first when {@code intercept}. */
  static double[] leastSquares(double[][] x, double[] y, boolean intercept) {
    return leastSquares(x, y, null, intercept);
  }

  /**
   * The weighted least-squares coefficients (the exact solution of XᵀWX b = XᵀWy with the exact
   * binary weights {@code w}; null for unit weights).
   */
  static double[] leastSquares(double[][] x, double[] y, double[] w, boolean intercept) {
    BigDecimal[] solution = exactSolution(x, y, w, intercept);
    double[] out = new double[solution.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = solution[i].doubleValue();
    }
    return out;
  }

  private static BigDecimal[] exactSolution(double[][] x, double[] y, double[] w, boolean intercept) {
    BigDecimal[][] a = design(x, intercept);
    int n = y.length;
    int k = a[0].length;
    BigDecimal[][] m = new BigDecimal[k][k + 1];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= k; j++) {
        BigDecimal s = BigDecimal.ZERO;
        for (int r = 0; r < n; r++) {
          BigDecimal right = j < k ? a[r][j] : new BigDecimal(y[r]);
          BigDecimal term = a[r][i].multiply(right);
          s = s.add(w == null ? term : term.multiply(new BigDecimal(w[r])));
        }
        m[i][j] = s;
      }
    }
    return solve(m, k);
  }

  /** The inverse of XᵀWX, row-major, in double. */
  static double[] inverseGram(double[][] x, double[] w, boolean intercept) {
    BigDecimal[][] a = design(x, intercept);
    int k = a[0].length;
    double[] out = new double[k * k];
    for (int col = 0; col < k; col++) {
      BigDecimal[][] m = new BigDecimal[k][k + 1];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          BigDecimal s = BigDecimal.ZERO;
          for (int r = 0; r < a.length; r++) {
            BigDecimal term = a[r][i].multiply(a[r][j]);
            s = s.add(w == null ? term : term.multiply(new BigDecimal(w[r])));
          }
          m[i][j] = s;
        }
        m[i][k] = i == col ? BigDecimal.ONE : BigDecimal.ZERO;
      }
      BigDecimal[] s = solve(m, k);
      for (int i = 0; i < k; i++) {
        out[i * k + col] = s[i].doubleValue();
      }
    }
    return out;
  }

  /** The exact weighted residual sum of squares Σ w e² at the certified solution. */
  static double rss(double[][] x, double[] y, double[] w, boolean intercept) {
    BigDecimal[][] a = design(x, intercept);
    BigDecimal[] b = exactSolution(x, y, w, intercept);
    BigDecimal total = BigDecimal.ZERO;
    for (int r = 0; r < y.length; r++) {
      BigDecimal e = new BigDecimal(y[r]);
      for (int j = 0; j < b.length; j++) {
        e = e.subtract(a[r][j].multiply(b[j], MC), MC);
      }
      BigDecimal square = e.multiply(e, MC);
      total = total.add(w == null ? square : square.multiply(new BigDecimal(w[r]), MC), MC);
    }
    return total.doubleValue();
  }

  /** The inverse of XᵀX, row-major, in double (for standard errors). */
  static double[] inverseGram(double[][] x, boolean intercept) {
    BigDecimal[][] a = design(x, intercept);
    int k = a[0].length;
    double[] out = new double[k * k];
    for (int col = 0; col < k; col++) {
      BigDecimal[][] m = new BigDecimal[k][k + 1];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          BigDecimal s = BigDecimal.ZERO;
          for (BigDecimal[] row : a) {
            s = s.add(row[i].multiply(row[j]));
          }
          m[i][j] = s;
        }
        m[i][k] = i == col ? BigDecimal.ONE : BigDecimal.ZERO;
      }
      BigDecimal[] s = solve(m, k);
      for (int i = 0; i < k; i++) {
        out[i * k + col] = s[i].doubleValue();
      }
    }
    return out;
  }

  /** The exact residual sum of squares at the certified solution. */
  static double rss(double[][] x, double[] y, boolean intercept) {
    BigDecimal[][] a = design(x, intercept);
    int n = y.length;
    int k = a[0].length;
    BigDecimal[][] m = new BigDecimal[k][k + 1];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= k; j++) {
        BigDecimal s = BigDecimal.ZERO;
        for (int r = 0; r < n; r++) {
          s = s.add(a[r][i].multiply(j < k ? a[r][j] : new BigDecimal(y[r])));
        }
        m[i][j] = s;
      }
    }
    BigDecimal[] b = solve(m, k);
    BigDecimal total = BigDecimal.ZERO;
    for (int r = 0; r < n; r++) {
      BigDecimal e = new BigDecimal(y[r]);
      for (int j = 0; j < k; j++) {
        e = e.subtract(a[r][j].multiply(b[j], MC), MC);
      }
      total = total.add(e.multiply(e, MC), MC);
    }
    return total.doubleValue();
  }

  private static BigDecimal[][] design(double[][] x, boolean intercept) {
    int n = x.length;
    int p = x[0].length;
    int k = p + (intercept ? 1 : 0);
    BigDecimal[][] a = new BigDecimal[n][k];
    for (int r = 0; r < n; r++) {
      int c = 0;
      if (intercept) {
        a[r][c++] = BigDecimal.ONE;
      }
      for (int j = 0; j < p; j++) {
        a[r][c++] = new BigDecimal(x[r][j]);
      }
    }
    return a;
  }

  private static BigDecimal[] solve(BigDecimal[][] m, int k) {
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int r = col + 1; r < k; r++) {
        if (m[r][col].abs().compareTo(m[pivot][col].abs()) > 0) {
          pivot = r;
        }
      }
      BigDecimal[] t = m[col];
      m[col] = m[pivot];
      m[pivot] = t;
      for (int r = col + 1; r < k; r++) {
        BigDecimal factor = m[r][col].divide(m[col][col], MC);
        for (int c = col; c <= k; c++) {
          m[r][c] = m[r][c].subtract(factor.multiply(m[col][c], MC), MC);
        }
      }
    }
    BigDecimal[] b = new BigDecimal[k];
    for (int i = k - 1; i >= 0; i--) {
      BigDecimal s = m[i][k];
      for (int j = i + 1; j < k; j++) {
        s = s.subtract(m[i][j].multiply(b[j], MC), MC);
      }
      b[i] = s.divide(m[i][i], MC);
    }
    return b;
  }

  /** Log relative error (correct significant digits) of {@code estimate}, capped at 17. */
  static double digits(double estimate, double certified) {
    if (estimate == certified) {
      return 17;
    }
    if (certified == 0) {
      return -Math.log10(Math.abs(estimate));
    }
    return Math.min(17, -Math.log10(Math.abs(estimate - certified) / Math.abs(certified)));
  }

  /** The fewest correct digits over all coefficients. */
  static double minDigits(double[] estimate, double[] certified) {
    double min = 17;
    for (int i = 0; i < certified.length; i++) {
      min = Math.min(min, digits(estimate[i], certified[i]));
    }
    return min;
  }
}
