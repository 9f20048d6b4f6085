package dev.maas.monitor;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How a {@link DriftMonitor} counts: its {@link Window}, the most features it tracks, and the
 * clock of time windows. Built with {@link #builder()}.
 *
 * <p>Instances are immutable and safe to share between threads; builders are not thread-safe.
 */
public final class MonitorOptions {
  /** The default cap on features tracked per monitored version. */
  public static final int DEFAULT_MAX_FEATURES = 100;

  private static final MonitorOptions DEFAULTS = builder().build();

  private final Window window;
  private final int maxFeatures;
  private final LongSupplier nanoClock;

  private MonitorOptions(Builder b) {
    this.window = b.window;
    this.maxFeatures = b.maxFeatures;
    this.nanoClock = b.nanoClock;
  }

  /** The defaults: the last 10,000 rows in 10 segments, at most 100 features, {@link System#nanoTime()}. */
  public static MonitorOptions defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The window live values are counted over. */
  public Window window() {
    return window;
  }

  /**
   * The most features tracked per monitor (outputs first, then inputs, each in column order); the
   * reference's other features are not counted. Bounds the metric series a version adds. Default 100.
   */
  public int maxFeatures() {
    return maxFeatures;
  }

  /** The clock of time windows, in nanoseconds from an arbitrary origin. */
  public LongSupplier nanoClock() {
    return nanoClock;
  }

  @Override
  public String toString() {
    return "MonitorOptions[window=" + window + ", maxFeatures=" + maxFeatures + "]";
  }

  /** A builder of {@link MonitorOptions}; each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private Window window = Window.ofRows(10_000);
    private int maxFeatures = DEFAULT_MAX_FEATURES;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /** Sets the window. */
    public Builder window(Window window) {
      this.window = Objects.requireNonNull(window, "window");
      return this;
    }

    /** Sets the most features tracked, 1 to 10,000. */
    public Builder maxFeatures(int maxFeatures) {
      if (maxFeatures < 1 || maxFeatures > 10_000) {
        throw new IllegalArgumentException("maxFeatures must be 1 to 10000, got " + maxFeatures);
      }
      this.maxFeatures = maxFeatures;
      return this;
    }

    /** Sets the clock of time windows (a test's manual clock, say). */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /** The options. */
    public MonitorOptions build() {
      return new MonitorOptions(this);
    }
  }
}
