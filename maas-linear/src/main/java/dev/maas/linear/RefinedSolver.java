package dev.maas.linear;

/**
 * Least squares on in-memory data by Householder QR with the orthogonal factor kept, followed by
 * Björck's iterative refinement of the augmented system {@code [I A; Aᵀ 0][r; x] = [y; 0]}: both
 * residuals are computed from the original data in about twice double precision ({@link Dot2}),
 * and each correction is solved with the same QR factors. The iteration converges to the solution
 * of the exact problem whenever {@code cond(A) * eps} is well below one, which lifts the accuracy
 * of ill-conditioned fits from about {@code eps * cond(A)^2} to a few units of roundoff.
 *
 * <p>Instances are used by one thread at a time.
 */
final class RefinedSolver {
  private static final int MAX_STEPS = 12;

  private final double[][] x;
  private final double[] y;
  /** The square roots of the row weights, or null. */
  private final double[] scale;
  private final Design design;
  private final double[] penalty;
  private final int n;
  private final int m;
  private final int k;
  private final double[] a;
  private final double[] tau;
  private int steps;

  /**
   * @param w the rows' positive weights, or null: row i is scaled by {@code sqrt(w_i)} rounded to
   *     double, and that scaled problem is the one solved to full accuracy
   * @param penalty the weight {@code sqrt(ridge) * w_j} of each feature's penalty row, or null
   */
  RefinedSolver(double[][] x, double[] y, double[] w, Design design, double[] penalty) {
    this.x = x;
    this.y = y;
    if (w != null) {
      this.scale = new double[w.length];
      for (int i = 0; i < w.length; i++) {
        scale[i] = Math.sqrt(w[i]);
      }
    } else {
      this.scale = null;
    }
    this.design = design;
    this.penalty = penalty;
    this.n = y.length;
    this.m = n + (penalty == null ? 0 : design.features);
    this.k = design.parameters;
    this.a = new double[m * k];
    this.tau = new double[k];
    fillColumns();
    factor();
  }

  private void fillColumns() {
    int off = design.offset;
    for (int i = 0; i < n; i++) {
      double s = scale == null ? 1 : scale[i];
      if (design.intercept) {
        a[i] = s;
      }
      double[] row = x[i];
      for (int j = 0; j < design.features; j++) {
        a[(off + j) * m + i] = s * (row[j] - design.shift[j]);
      }
    }
    if (penalty != null) {
      for (int j = 0; j < design.features; j++) {
        a[(off + j) * m + n + j] = penalty[j];
      }
    }
  }

  private void factor() {
    for (int c = 0; c < k; c++) {
      int col = c * m;
      double alpha = a[col + c];
      double sigma = 0;
      for (int i = c + 1; i < m; i++) {
        sigma += a[col + i] * a[col + i];
      }
      if (sigma == 0) {
        tau[c] = 0;
        continue;
      }
      double norm = Math.sqrt(alpha * alpha + sigma);
      double beta = alpha > 0 ? -norm : norm;
      tau[c] = (beta - alpha) / beta;
      double scale = 1 / (alpha - beta);
      for (int i = c + 1; i < m; i++) {
        a[col + i] *= scale;
      }
      a[col + c] = beta;
      for (int j = c + 1; j < k; j++) {
        int other = j * m;
        double s = a[other + c];
        for (int i = c + 1; i < m; i++) {
          s += a[col + i] * a[other + i];
        }
        s *= tau[c];
        a[other + c] -= s;
        for (int i = c + 1; i < m; i++) {
          a[other + i] -= s * a[col + i];
        }
      }
    }
  }

  private void applyReflection(int c, double[] f) {
    if (tau[c] == 0) {
      return;
    }
    int col = c * m;
    double s = f[c];
    for (int i = c + 1; i < m; i++) {
      s += a[col + i] * f[i];
    }
    s *= tau[c];
    f[c] -= s;
    for (int i = c + 1; i < m; i++) {
      f[i] -= s * a[col + i];
    }
  }

  /** Element (i, j) of R, i <= j. */
  double r(int i, int j) {
    return a[j * m + i];
  }

  /** The parameter count. */
  int parameters() {
    return k;
  }

  int steps() {
    return steps;
  }

  /** Solves R z = b in place (R is left in place, column-major with stride m). */
  private void solveR(double[] b) {
    Triangular.solve(a, 1, m, k, b);
  }

  /** Solves Rᵀ z = b in place. */
  private void solveRt(double[] b) {
    Triangular.solveTransposed(a, 1, m, k, b);
  }

  /**
   * Runs the refinement from zero and returns the working coefficients as unevaluated sums {@code
   * hi + lo}: {@code [hi_0 ... hi_k-1, lo_0 ... lo_k-1]}. Carrying the low parts lets the
   * intercept, which the caller recovers by cancellation, keep full precision.
   */
  double[] solve() {
    double[] coef = new double[2 * k];
    double[] resid = new double[m];
    double[] f = new double[m];
    double[] g = new double[k];
    Dot2[] gSums = new Dot2[k];
    for (int c = 0; c < k; c++) {
      gSums[c] = new Dot2();
    }
    Dot2 sum = new Dot2();
    double previous = Double.POSITIVE_INFINITY;
    for (steps = 1; steps <= MAX_STEPS; steps++) {
      residuals(coef, resid, f, g, gSums, sum);
      for (int c = 0; c < k; c++) {
        applyReflection(c, f);
      }
      double[] h1 = g.clone();
      solveRt(h1);
      double[] dx = new double[k];
      for (int c = 0; c < k; c++) {
        dx[c] = f[c] - h1[c];
      }
      solveR(dx);
      System.arraycopy(h1, 0, f, 0, k);
      for (int c = k - 1; c >= 0; c--) {
        applyReflection(c, f);
      }
      double change = 0;
      double size = 0;
      for (int c = 0; c < k; c++) {
        double hi = coef[c] + dx[c];
        coef[k + c] += Dot2.differenceError(coef[c], -dx[c], hi);
        double lo = coef[k + c];
        coef[c] = hi + lo;
        coef[k + c] = lo - (coef[c] - hi);
        change = Math.max(change, Math.abs(dx[c]));
        size = Math.max(size, Math.abs(coef[c]));
      }
      for (int i = 0; i < m; i++) {
        resid[i] += f[i];
      }
      if (change <= 0x1p-70 * size || (steps > 2 && change > 0.5 * previous)) {
        break;
      }
      previous = change;
    }
    return coef;
  }

  /** f = y - r - A x and g = -Aᵀ r, both from the exact data in extended precision. */
  private void residuals(double[] coef, double[] resid, double[] f, double[] g, Dot2[] gSums, Dot2 sum) {
    int off = design.offset;
    for (Dot2 s : gSums) {
      s.reset();
    }
    Dot2 scaled = new Dot2();
    for (int i = 0; i < n; i++) {
      double[] row = x[i];
      double s = scale == null ? 1 : scale[i];
      double ri = resid[i];
      double sr = s * ri;
      double srl = Math.fma(s, ri, -sr);
      sum.reset();
      double yh = y[i] - design.shiftY;
      sum.add(yh);
      sum.add(Dot2.differenceError(y[i], design.shiftY, yh));
      if (design.intercept) {
        sum.add(-coef[0]);
        sum.add(-coef[k]);
        gSums[0].add(-sr);
        gSums[0].add(-srl);
      }
      for (int j = 0; j < design.features; j++) {
        double hi = row[j] - design.shift[j];
        double lo = Dot2.differenceError(row[j], design.shift[j], hi);
        double b = coef[off + j];
        double bl = coef[k + off + j];
        sum.addProduct(-hi, b);
        sum.addProduct(-lo, b);
        sum.addProduct(-hi, bl);
        gSums[off + j].addProduct(-hi, sr);
        gSums[off + j].addProduct(-hi, srl);
        gSums[off + j].addProduct(-lo, sr);
      }
      if (scale == null) {
        sum.add(-ri);
        f[i] = sum.value();
      } else {
        double bh = sum.value();
        double bl = sum.remainder(bh);
        scaled.reset();
        scaled.addProduct(s, bh);
        scaled.addProduct(s, bl);
        scaled.add(-ri);
        f[i] = scaled.value();
      }
    }
    if (penalty != null) {
      for (int j = 0; j < design.features; j++) {
        double ri = resid[n + j];
        sum.reset();
        sum.add(-ri);
        sum.addProduct(-penalty[j], coef[off + j]);
        sum.addProduct(-penalty[j], coef[k + off + j]);
        f[n + j] = sum.value();
        gSums[off + j].addProduct(-penalty[j], ri);
      }
    }
    for (int c = 0; c < k; c++) {
      g[c] = gSums[c].value();
    }
  }

  /** The residual sum of squares of the data rows at {@code coef} (as {@link #solve} returns it). */
  double rss(double[] coef) {
    int off = design.offset;
    Dot2 sum = new Dot2();
    Dot2 squares = new Dot2();
    for (int i = 0; i < n; i++) {
      double[] row = x[i];
      sum.reset();
      double yh = y[i] - design.shiftY;
      sum.add(yh);
      sum.add(Dot2.differenceError(y[i], design.shiftY, yh));
      if (design.intercept) {
        sum.add(-coef[0]);
        sum.add(-coef[k]);
      }
      for (int j = 0; j < design.features; j++) {
        double hi = row[j] - design.shift[j];
        double lo = Dot2.differenceError(row[j], design.shift[j], hi);
        sum.addProduct(-hi, coef[off + j]);
        sum.addProduct(-lo, coef[off + j]);
        sum.addProduct(-hi, coef[k + off + j]);
      }
      double e = sum.value();
      if (scale != null) {
        squares.addProduct(e * scale[i], e * scale[i]);
      } else {
        squares.addProduct(e, e);
      }
    }
    return squares.value();
  }
}
