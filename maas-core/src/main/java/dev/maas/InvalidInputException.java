package dev.maas;

/**
 * A request that does not fit the model: wrong input name, type, shape or element count, an unknown
 * output, a malformed request body or argument. The request is rejected; the model stays usable.
 * A server answers HTTP 400.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class InvalidInputException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public InvalidInputException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public InvalidInputException(String message, Throwable cause, Context context) {
    super(message, cause, context);
  }
}
