package dev.maas;

import java.time.Duration;

/**
 * A request whose deadline passed before its answer was ready; if it was still queued, nothing was
 * computed for it. An {@link OverloadedException}: the system was too busy to answer in time. A
 * server answers HTTP 503 (or 504 behind a gateway).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class DeadlineExceededException extends OverloadedException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the deadline missed, with a hint of when to retry. */
  public DeadlineExceededException(String message, Duration retryAfter) {
    super(message, retryAfter);
  }
}
