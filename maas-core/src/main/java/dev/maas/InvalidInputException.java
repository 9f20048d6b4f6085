package dev.maas;

/**
 * A request that does not fit the model: wrong input name, type, shape or element count, or a
 * malformed request body. The request is rejected; the model stays usable (HTTP 400).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class InvalidInputException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the input, what was expected and what came. */
  public InvalidInputException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
