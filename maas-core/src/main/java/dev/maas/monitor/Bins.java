package dev.maas.monitor;

/** The bin lookups shared by the reference builder and the monitor, so both count a value alike. */
final class Bins {
  private Bins() {}

  /** The index of the first edge at or above {@code v} (the bin {@code (edge[i-1], edge[i]]}); {@code edges.length} above all. */
  static int numericBin(double[] edges, double v) {
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (v <= edges[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The index of {@code v} among the increasing {@code values}; {@code values.length} (the "other" bin) if absent. */
  static int categoryBin(double[] values, double v) {
    int lo = 0;
    int hi = values.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      double m = values[mid];
      if (m < v) {
        lo = mid + 1;
      } else if (m > v) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return values.length;
  }
}
