package dev.maas.linear;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * What a least-squares model keeps so that it can return intervals: the shifts of its working
 * columns, the upper-triangular factor R of the (weighted) working design, so that {@code RᵀR =
 * AᵀWA}, the residual standard error σ and the residual degrees of freedom. The standard error of
 * the fitted mean at a row {@code x} is {@code σ ‖R⁻ᵀ a‖} with {@code a} the working row {@code
 * (1, x - shift)}: solved in the shifted coordinates the fit used, so that inputs of magnitude 10⁶
 * keep their digits.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class IntervalData {
  final boolean intercept;
  final double[] shift;
  /** R, row-major k x k (the strictly lower part zero). */
  final double[] r;
  final int k;
  final double sigma;
  final long residualDegreesOfFreedom;

  IntervalData(boolean intercept, double[] shift, double[] r, double sigma, long residualDegreesOfFreedom) {
    this.intercept = intercept;
    this.shift = shift.clone();
    this.k = shift.length + (intercept ? 1 : 0);
    if (r.length != k * k) {
      throw new IllegalArgumentException("R must be " + k + " x " + k + ", got " + r.length + " values");
    }
    for (int i = 0; i < k; i++) {
      if (!(r[i * k + i] != 0) || !Double.isFinite(r[i * k + i])) {
        throw new IllegalArgumentException("R must have a finite non-zero diagonal");
      }
    }
    if (!(sigma >= 0) || !Double.isFinite(sigma) || residualDegreesOfFreedom < 1) {
      throw new IllegalArgumentException(
          "interval data need a finite sigma and residual degrees of freedom >= 1, got " + sigma + " and "
              + residualDegreesOfFreedom);
    }
    this.r = r.clone();
    this.sigma = sigma;
    this.residualDegreesOfFreedom = residualDegreesOfFreedom;
  }

  /** From a fit's factor {@code full} (row-major, stride {@code q}), its leading {@code k x k} block. */
  static IntervalData of(Design d, double[] full, int q, double sigma, long rdf) {
    int k = d.parameters;
    double[] r = new double[k * k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(full, i * q + i, r, i * k + i, k - i);
    }
    return new IntervalData(d.intercept, d.shift, r, sigma, rdf);
  }

  /** The t quantile that multiplies the standard error for a two-sided interval at {@code level}. */
  double quantile(double level) {
    return new TDistribution(null, residualDegreesOfFreedom).inverseCumulativeProbability(1 - (1 - level) / 2);
  }

  /**
   * The standard error of the fitted mean at one row: {@code a} holds the raw feature values from
   * index {@code intercept ? 1 : 0} on, and k doubles in all; it is overwritten.
   */
  double standardErrorOfFit(double[] a) {
    int off = intercept ? 1 : 0;
    if (intercept) {
      a[0] = 1;
    }
    for (int j = 0; j < shift.length; j++) {
      a[off + j] -= shift[j];
    }
    Triangular.solveTransposed(r, k, k, a);
    double s = 0;
    for (int i = 0; i < k; i++) {
      s += a[i] * a[i];
    }
    return sigma * Math.sqrt(s);
  }

  /** The half width of the interval of {@code kind} at a row whose fit has standard error {@code se}. */
  double halfWidth(Interval kind, double quantile, double se) {
    return quantile * (kind == Interval.CONFIDENCE ? se : Math.sqrt(sigma * sigma + se * se));
  }
}
