package dev.maas.linear;

import dev.maas.InvalidInputException;

/**
 * Iterative refinement for data that cannot be held in memory but can be read again: corrected
 * semi-normal equations with the R factor of the TSQR pass. Each step reads the data once more,
 * computing the residual {@code r = y - A b} and the gradient {@code Aᵀr} (minus the penalty's
 * share for ridge fits) in about twice double precision ({@link Dot2}), then solves {@code RᵀR d =
 * Aᵀr} with two triangular solves and adds {@code d} to {@code b}. The coefficients are carried as
 * unevaluated sums {@code hi + lo}, as {@link RefinedSolver} carries them.
 *
 * <p>Instances are used by one thread at a time.
 */
final class SemiNormalRefiner {
  static final int MAX_STEPS = 4;

  /** One pass over the data at given working coefficients. */
  interface ResidualPass {
    /**
     * Adds, for every data row, the squared residual to {@code rss} and {@code a_i r_i} to {@code
     * gradient[c]} (working column c), as {@link ResidualSums} forms them; returns the number of rows read.
     */
    long accumulate(double[] hi, double[] lo, Dot2 rss, Dot2[] gradient);
  }

  private final Design design;
  private final double[] r;
  private final int q;
  private final int k;
  private final double[] penalty;
  private final long rows;
  private final double rate;

  /**
   * @param r the factor, row-major {@code q x q}, penalty rows folded in
   * @param penalty the weight of each feature's penalty row, or null
   * @param rows the number of data rows every pass must read
   */
  SemiNormalRefiner(Design design, double[] r, double[] penalty, long rows) {
    this(design, r, penalty, rows, Double.NaN);
  }

  /**
   * @param rate a bound on the factor by which each step shrinks the error ({@code ‖(RᵀR)⁻¹(RᵀR -
   *     AᵀA)‖}), or NaN when none is known: iteration stops as soon as the correction just made,
   *     times this bound, falls below the stopping threshold, so that a well-conditioned problem
   *     takes one pass
   */
  SemiNormalRefiner(Design design, double[] r, double[] penalty, long rows, double rate) {
    this.rate = rate;
    this.design = design;
    this.r = r;
    this.q = design.columns;
    this.k = design.parameters;
    this.penalty = penalty;
    this.rows = rows;
  }

  /** Whether a step has left the coefficients accurate enough to stop. */
  interface StepCheck {
    /** After the correction {@code d}, the coefficients are {@code hi + lo}. */
    boolean accurate(double[] hi, double[] lo, double[] d);
  }

  /**
   * Refines {@code start} and returns {@code [hi_0 ... hi_k-1, lo_0 ... lo_k-1, rss]}: the
   * coefficients and the residual sum of squares of the data rows at them.
   */
  double[] solve(double[] start, ResidualPass pass) {
    return solve(start, pass, null);
  }

  /** As {@link #solve(double[], ResidualPass)}, also stopping after the first step that {@code check} accepts. */
  double[] solve(double[] start, ResidualPass pass, StepCheck check) {
    double[] hi = start.clone();
    double[] lo = new double[k];
    Dot2 rssSum = new Dot2();
    Dot2[] gradient = new Dot2[k];
    for (int c = 0; c < k; c++) {
      gradient[c] = new Dot2();
    }
    double rss = 0;
    double previous = Double.POSITIVE_INFINITY;
    for (int steps = 1; steps <= MAX_STEPS; steps++) {
      rssSum.reset();
      for (Dot2 g : gradient) {
        g.reset();
      }
      long read = pass.accumulate(hi, lo, rssSum, gradient);
      if (read != rows) {
        throw new InvalidInputException(
            "the data changed while being fitted: the first pass read " + rows + " rows, a later one " + read);
      }
      rss = rssSum.value();
      double[] dataGradient = new double[k];
      double[] d = new double[k];
      for (int c = 0; c < k; c++) {
        dataGradient[c] = gradient[c].value();
      }
      if (penalty != null) {
        Dot2 row = new Dot2();
        for (int j = 0; j < design.features; j++) {
          int c = design.offset + j;
          row.reset();
          row.addProduct(-penalty[j], hi[c]);
          row.addProduct(-penalty[j], lo[c]);
          double rh = row.value();
          gradient[c].addProduct(penalty[j], rh);
          gradient[c].addProduct(penalty[j], row.remainder(rh));
        }
      }
      for (int c = 0; c < k; c++) {
        d[c] = gradient[c].value();
      }
      Triangular.solveTransposed(r, q, k, d);
      Triangular.solve(r, q, k, d);
      double change = 0;
      double size = 0;
      for (int c = 0; c < k; c++) {
        change = Math.max(change, Math.abs(d[c]));
        size = Math.max(size, Math.abs(hi[c]));
      }
      if (change >= previous) {
        break;
      }
      for (int c = 0; c < k; c++) {
        double sum = hi[c] + d[c];
        lo[c] += Dot2.differenceError(hi[c], -d[c], sum);
        hi[c] = sum + lo[c];
        lo[c] = lo[c] - (hi[c] - sum);
      }
      rss = Math.max(0, rss - 2 * dot(d, dataGradient) + dataNormSquared(d));
      double floor = 0x1p-70 * size;
      if (check != null && check.accurate(hi, lo, d)) {
        break;
      }
      if (change <= floor || rate * change <= floor || change > 0.5 * previous || (steps > 1 && change * (change / previous) <= floor)) {
        break;
      }
      previous = change;
    }
    double[] out = new double[2 * k + 1];
    System.arraycopy(hi, 0, out, 0, k);
    System.arraycopy(lo, 0, out, k, k);
    out[2 * k] = rss;
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** {@code ‖A d‖²} over the data rows: {@code ‖R d‖²} less the penalty rows' share. */
  private double dataNormSquared(double[] d) {
    double s = 0;
    for (int i = 0; i < k; i++) {
      double t = 0;
      for (int j = i; j < k; j++) {
        t += r[i * q + j] * d[j];
      }
      s += t * t;
    }
    if (penalty != null) {
      for (int j = 0; j < design.features; j++) {
        double t = penalty[j] * d[design.offset + j];
        s -= t * t;
      }
    }
    return Math.max(0, s);
  }
}
