package dev.maas;

import java.time.Duration;
import java.util.Objects;

/**
 * A request refused because the component that would run it is saturated (a full {@link BatchingPredictor}
 * queue, say), or that waited past its deadline. Nothing was computed for it; the caller may retry
 * after {@link #retryAfter()}. A server answers HTTP 429 or 503 with a {@code Retry-After} header.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class OverloadedException extends MaasException {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  /** Creates an exception whose message names the limit reached, with a hint of when to retry. */
  public OverloadedException(String message, Duration retryAfter) {
    this(message, retryAfter, Context.none());
  }

  /** Creates an exception with a retry hint and structured context. */
  public OverloadedException(String message, Duration retryAfter, Context context) {
    super(message, null, context);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new InvalidInputException("retryAfter must not be negative, got " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /** How long the caller should wait before retrying; a hint, never negative. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
