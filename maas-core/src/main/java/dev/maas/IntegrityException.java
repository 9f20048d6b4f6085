package dev.maas;

/**
 * A stored file whose content no longer matches what was recorded at publish time (SHA-256
 * mismatch, missing file, unreadable metadata). The version refuses to load. A server answers
 * HTTP 500.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class IntegrityException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public IntegrityException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public IntegrityException(String message, Throwable cause, Context context) {
    super(message, cause, context);
  }
}
