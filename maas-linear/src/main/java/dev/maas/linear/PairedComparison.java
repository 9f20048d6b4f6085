package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.Objects;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * A paired comparison of two models' squared errors on the same rows: the mean of {@code d_i =
 * (y_i − a_i)² − (y_i − b_i)²} (positive when {@code b} is the better model), its standard error
 * {@code sd(d) / sqrt(n)}, and the one-sided p-value of the paired t-test of "b is no better than
 * a" ({@code t = mean / se} on {@code n − 1} degrees of freedom).
 *
 * @param rows the number of rows compared
 * @param meanDifference the mean of {@code d}: MSE of a minus MSE of b
 * @param standardError the standard error of that mean
 * @param t the t statistic ({@code ±Infinity} when the differences have no spread, NaN when they are all 0)
 * @param pValue the one-sided p-value that b is better than a
 */
public record PairedComparison(long rows, double meanDifference, double standardError, double t, double pValue) {

  /**
   * Compares predictions {@code a} and {@code b} of targets {@code actual}.
   *
   * @throws InvalidInputException if the arrays differ in length, hold fewer than 2 rows, or hold a value that is
   *     not finite
   */
  public static PairedComparison of(double[] actual, double[] a, double[] b) {
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    int n = actual.length;
    if (a.length != n || b.length != n) {
      throw new InvalidInputException("paired comparison needs one prediction of each model per row: " + n
          + " targets, " + a.length + " and " + b.length + " predictions");
    }
    double[] lossA = new double[n];
    double[] lossB = new double[n];
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(actual[i]) || !Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
        throw new InvalidInputException("row " + i + ": a target or prediction is not a finite number");
      }
      lossA[i] = (actual[i] - a[i]) * (actual[i] - a[i]);
      lossB[i] = (actual[i] - b[i]) * (actual[i] - b[i]);
    }
    return ofLosses(lossA, lossB);
  }

  /**
   * Compares per-row losses (squared errors, log losses...) {@code a} and {@code b} of two models on
   * the same rows, as {@link #of} does for squared errors.
   *
   * @throws InvalidInputException if the arrays differ in length, hold fewer than 2 rows, or hold a value that is
   *     not finite
   */
  public static PairedComparison ofLosses(double[] a, double[] b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    int n = a.length;
    if (b.length != n) {
      throw new InvalidInputException("paired comparison needs one loss of each model per row: " + n + " and "
          + b.length);
    }
    if (n < 2) {
      throw new InvalidInputException("paired comparison needs at least 2 rows, got " + n);
    }
    double mean = 0;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[i] - b[i];
      if (!Double.isFinite(d[i])) {
        throw new InvalidInputException("row " + i + ": a loss is not a finite number");
      }
      mean += d[i];
    }
    mean /= n;
    double ss = 0;
    for (double v : d) {
      ss += (v - mean) * (v - mean);
    }
    double se = Math.sqrt(ss / (n - 1) / n);
    double t = se > 0 ? mean / se : mean == 0 ? Double.NaN : Math.copySign(Double.POSITIVE_INFINITY, mean);
    double p;
    if (Double.isNaN(t)) {
      p = 1;
    } else if (Double.isInfinite(t)) {
      p = t > 0 ? 0 : 1;
    } else {
      p = new TDistribution(null, n - 1).cumulativeProbability(-t);
    }
    return new PairedComparison(n, mean, se, t, p);
  }
}
