package dev.maas;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a {@link BatchingPredictor} predictor: how many rows one backend call may hold, how long
 * the first request of a batch waits for more, how many requests may wait at most, how many
 * batches run at once, and the default deadline of a request. Built with {@link #builder()}; each
 * setting may be set once per builder.
 *
 * <p>Instances are immutable, compare by value and are safe to share between threads; builders are
 * not thread-safe.
 */
public final class BatchingOptions {
  private static final BatchingOptions DEFAULTS = builder().build();

  private final int maxBatchRows;
  private final Duration maxQueueDelay;
  private final int maxQueuedRequests;
  private final int concurrency;
  private final Optional<Duration> timeout;

  private BatchingOptions(Builder b) {
    this.maxBatchRows = b.maxBatchRows;
    this.maxQueueDelay = b.maxQueueDelay;
    this.maxQueuedRequests = b.maxQueuedRequests;
    this.concurrency = b.concurrency;
    this.timeout = Optional.ofNullable(b.timeout);
  }

  /** The defaults: 64 rows, no queue delay, 1,024 queued requests, 1 batch at a time, no deadline. */
  public static BatchingOptions defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The most rows (dimension 0, summed over requests) one backend call holds; a single request with
   * more rows runs alone. Default 64.
   */
  public int maxBatchRows() {
    return maxBatchRows;
  }

  /**
   * How long the first request of a batch waits for more requests to join it; zero (the default)
   * batches only what is already queued, so requests coalesce only while the backend is busy.
   */
  public Duration maxQueueDelay() {
    return maxQueueDelay;
  }

  /**
   * The most requests waiting for a backend call; one more is refused at once with {@link
   * OverloadedException}. Default 1,024.
   */
  public int maxQueuedRequests() {
    return maxQueuedRequests;
  }

  /** How many batches run at once, each on the thread of one of their callers (or a pool thread). Default 1. */
  public int concurrency() {
    return concurrency;
  }

  /**
   * The deadline of a request that names none: past it, the request fails with {@link
   * DeadlineExceededException}. Empty (the default) for none.
   */
  public Optional<Duration> timeout() {
    return timeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchingOptions other && maxBatchRows == other.maxBatchRows
        && maxQueueDelay.equals(other.maxQueueDelay) && maxQueuedRequests == other.maxQueuedRequests
        && concurrency == other.concurrency && timeout.equals(other.timeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxBatchRows, maxQueueDelay, maxQueuedRequests, concurrency, timeout);
  }

  @Override
  public String toString() {
    return "BatchingOptions[maxBatchRows=" + maxBatchRows + ", maxQueueDelay=" + maxQueueDelay
        + ", maxQueuedRequests=" + maxQueuedRequests + ", concurrency=" + concurrency
        + ", timeout=" + timeout.map(Duration::toString).orElse("none") + "]";
  }

  /**
   * Collects batching options; each setter checks its argument at once and may be called once
   * (a second call is a mistake and throws).
   */
  public static final class Builder {
    private int maxBatchRows = 64;
    private Duration maxQueueDelay = Duration.ZERO;
    private int maxQueuedRequests = 1024;
    private int concurrency = 1;
    private Duration timeout;
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder() {}

    private void once(String name) {
      if (!set.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    /** Sets {@link BatchingOptions#maxBatchRows()}; at least 1. */
    public Builder maxBatchRows(int rows) {
      once("maxBatchRows");
      if (rows < 1) {
        throw new IllegalArgumentException("maxBatchRows must be at least 1, got " + rows);
      }
      this.maxBatchRows = rows;
      return this;
    }

    /** Sets {@link BatchingOptions#maxQueueDelay()}; zero or more. */
    public Builder maxQueueDelay(Duration delay) {
      once("maxQueueDelay");
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("maxQueueDelay must not be negative, got " + delay);
      }
      this.maxQueueDelay = delay;
      return this;
    }

    /** Sets {@link BatchingOptions#maxQueuedRequests()}; at least 1. */
    public Builder maxQueuedRequests(int requests) {
      once("maxQueuedRequests");
      if (requests < 1) {
        throw new IllegalArgumentException("maxQueuedRequests must be at least 1, got " + requests);
      }
      this.maxQueuedRequests = requests;
      return this;
    }

    /** Sets {@link BatchingOptions#concurrency()}; at least 1. */
    public Builder concurrency(int batches) {
      once("concurrency");
      if (batches < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, got " + batches);
      }
      this.concurrency = batches;
      return this;
    }

    /** Sets {@link BatchingOptions#timeout()}; more than zero. */
    public Builder timeout(Duration timeout) {
      once("timeout");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be more than zero, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The options collected so far. */
    public BatchingOptions build() {
      return new BatchingOptions(this);
    }
  }
}
