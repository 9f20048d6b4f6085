package dev.maas;

/**
 * A reference to a model, version or alias that the store does not hold. A server answers HTTP 404.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ModelNotFoundException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public ModelNotFoundException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public ModelNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public ModelNotFoundException(String message, Throwable cause, Context context) {
    super(message, cause, context);
  }
}
