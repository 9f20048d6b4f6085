package dev.maas.monitor;

import java.util.Objects;

/**
 * One frequent value of a feature and how often it occurred in the reference data (in the sample,
 * where the feature had more values than the sample holds). Numeric values are written as the
 * shortest decimal that reads back to the same double ({@code "3"} for an integer).
 *
 * @param value the value as text
 * @param count how many times it occurred
 */
public record FrequentValue(String value, long count) {
  /** Checks the components. */
  public FrequentValue {
    Objects.requireNonNull(value, "value");
    if (count < 0) {
      throw new dev.maas.InvalidInputException("count must not be negative, got " + count);
    }
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
