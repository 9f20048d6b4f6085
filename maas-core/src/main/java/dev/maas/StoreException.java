package dev.maas;

/**
 * A model store that cannot carry out an operation: an I/O failure, a damaged store, or an
 * operation refused because it would break the store's rules (for example deleting a version an
 * alias points at). The store is left as it was before the operation.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class StoreException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the operation and the condition. */
  public StoreException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
