package dev.maas;

/**
 * A call on a model (or a decorator of its predictor) after {@link Model#close()}: the model no
 * longer takes requests. A server that swapped in a new version retries on it, or answers HTTP 503.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ModelClosedException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public ModelClosedException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public ModelClosedException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public ModelClosedException(String message, Throwable cause, Context context) {
    super(message, cause, context);
  }
}
