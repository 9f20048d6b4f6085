package dev.maas.monitor;

import java.time.Duration;
import java.util.Objects;

/**
 * The stretch of recent traffic a {@link DriftMonitor} compares with the reference. A window is
 * kept as a ring of {@code segments} equal steps; the oldest step is dropped whole when a new one
 * starts, so a window of {@code n} rows in {@code s} segments covers between {@code n (s-1) / s}
 * and {@code n} of the latest rows (likewise for time). Implementations are immutable values.
 */
public sealed interface Window permits Window.Rows, Window.Time, Window.Unbounded {
  /** The last {@code rows} rows in 10 segments. */
  static Window ofRows(long rows) {
    return new Rows(rows, 10);
  }

  /** The last {@code length} of wall-clock time in 10 segments. */
  static Window ofDuration(Duration length) {
    return new Time(length, 10);
  }

  /** Everything observed since the monitor was made (for comparing one data set with the reference). */
  static Window unbounded() {
    return new Unbounded();
  }

  /**
   * A window of the latest {@code rows} rows (requests count as a whole into the segment their first
   * row falls in).
   *
   * @param rows the window's length in rows, at least {@code segments}
   * @param segments how many steps the window moves in, 1 to 1,000
   */
  record Rows(long rows, int segments) implements Window {
    /** Checks the components. */
    public Rows {
      if (segments < 1 || segments > 1000 || rows < segments) {
        throw new IllegalArgumentException("a row window needs 1 to 1000 segments and at least one row per segment, got "
            + rows + " rows in " + segments + " segments");
      }
    }
  }

  /**
   * A window of the latest {@code length} of time.
   *
   * @param length the window's length, at least one millisecond per segment
   * @param segments how many steps the window moves in, 1 to 1,000
   */
  record Time(Duration length, int segments) implements Window {
    /** Checks the components. */
    public Time {
      Objects.requireNonNull(length, "length");
      if (segments < 1 || segments > 1000 || length.compareTo(Duration.ofMillis(segments)) < 0) {
        throw new IllegalArgumentException("a time window needs 1 to 1000 segments of at least 1 ms, got " + length
            + " in " + segments + " segments");
      }
    }
  }

  /** Everything observed, never forgotten. */
  record Unbounded() implements Window {}
}
