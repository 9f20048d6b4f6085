package dev.maas;

/**
 * A reference to a model, version or alias that the store does not hold (HTTP 404).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ModelNotFoundException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the reference that was not found. */
  public ModelNotFoundException(String message) {
    super(message);
  }
}
