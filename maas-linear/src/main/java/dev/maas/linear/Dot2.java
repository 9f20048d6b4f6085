package dev.maas.linear;

/**
 * A sum of products accumulated in about twice double precision (Ogita, Rump and Oishi's Dot2:
 * error-free transformations with {@link Math#fma} and TwoSum), rounded once at the end.
 *
 * <p>Instances are mutable and used by one thread at a time.
 */
final class Dot2 {
  private double sum;
  private double compensation;

  /** Starts again from zero. */
  Dot2 reset() {
    sum = 0;
    compensation = 0;
    return this;
  }

  /** Adds {@code a} exactly (up to the final rounding). */
  void add(double a) {
    double s = sum + a;
    double bp = s - sum;
    compensation += (sum - (s - bp)) + (a - bp);
    sum = s;
  }

  /** Adds the product {@code a * b} exactly (up to the final rounding). */
  void addProduct(double a, double b) {
    double p = a * b;
    double pe = Math.fma(a, b, -p);
    double s = sum + p;
    double bp = s - sum;
    compensation += (sum - (s - bp)) + (p - bp) + pe;
    sum = s;
  }

  /** The accumulated value, rounded to double. */
  double value() {
    return sum + compensation;
  }

  /** What {@link #value()} dropped: the accumulated sum is {@code value + remainder(value)}. */
  double remainder(double value) {
    double bp = value - sum;
    return (sum - (value - bp)) + (compensation - bp);
  }

  /** Adds everything {@code other} accumulated. */
  void add(Dot2 other) {
    add(other.sum);
    compensation += other.compensation;
  }

  /** The low part of {@code a - b} that rounding dropped: {@code (a - b) == hi + lo} exactly. */
  static double differenceError(double a, double b, double hi) {
    double bp = hi - a;
    return (a - (hi - bp)) + (-b - bp);
  }
}
