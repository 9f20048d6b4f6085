package dev.maas.monitor;

/** The distances between a reference and a current distribution over the same bins. Stateless. */
final class Divergence {
  /** The floor a proportion is raised to in the population stability index, so that an empty bin stays finite. */
  static final double PSI_FLOOR = 1e-4;
  private static final double LN2 = Math.log(2);

  private Divergence() {}

  /** Population stability index: the sum of {@code (q - p) ln(q / p)}, each proportion at least {@link #PSI_FLOOR}. */
  static double psi(double[] p, double[] q) {
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double a = Math.max(p[i], PSI_FLOOR);
      double b = Math.max(q[i], PSI_FLOOR);
      sum += (b - a) * Math.log(b / a);
    }
    return sum;
  }

  /** Jensen-Shannon distance, base 2 (0 for equal distributions, 1 for disjoint ones). */
  static double jensenShannon(double[] p, double[] q) {
    double d = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      if (p[i] > 0) {
        d += p[i] * Math.log(p[i] / m);
      }
      if (q[i] > 0) {
        d += q[i] * Math.log(q[i] / m);
      }
    }
    return Math.sqrt(Math.max(0, d / (2 * LN2)));
  }

  /**
   * The Kolmogorov-Smirnov statistic between two binned samples of the values present: the largest
   * gap between their cumulative distributions at the bin edges. NaN if either has no values.
   */
  static double kolmogorovSmirnov(long[] reference, long[] current, int bins) {
    long r = 0;
    long c = 0;
    for (int i = 0; i < bins; i++) {
      r += reference[i];
      c += current[i];
    }
    if (r == 0 || c == 0) {
      return Double.NaN;
    }
    double max = 0;
    long rc = 0;
    long cc = 0;
    for (int i = 0; i < bins - 1; i++) {
      rc += reference[i];
      cc += current[i];
      max = Math.max(max, Math.abs((double) rc / r - (double) cc / c));
    }
    return max;
  }
}
