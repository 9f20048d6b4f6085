package dev.maas;

/**
 * The root of every exception MaaS throws on purpose. All are unchecked; the subclass says what the
 * caller does next.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class MaasException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message naming the condition and the offending value. */
  public MaasException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public MaasException(String message, Throwable cause) {
    super(message, cause);
  }
}
