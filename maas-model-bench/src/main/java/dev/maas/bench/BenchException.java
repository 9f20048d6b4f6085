package dev.maas.bench;

import dev.maas.MaasException;

/**
 * A benchmark run could not be carried out: JMH could not start or finish it (another JMH run
 * holds its lock, a forked JVM failed), or its results could not be written. Immutable.
 */
public final class BenchException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming what failed. */
  public BenchException(String message) {
    super(message);
  }

  /** An exception with a message and the cause it wraps. */
  public BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
