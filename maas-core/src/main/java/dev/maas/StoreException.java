package dev.maas;

/**
 * A model store that cannot carry out an operation: an I/O failure, a damaged store, a closed store,
 * or an operation refused because it would break the store's rules (for example deleting a version
 * an alias points at). The store is left as it was before the operation. A server answers HTTP 500.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class StoreException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public StoreException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public StoreException(String message, Throwable cause, Context context) {
    super(message, cause, context);
  }
}
