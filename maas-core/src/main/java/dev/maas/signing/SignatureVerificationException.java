package dev.maas.signing;

import dev.maas.IntegrityException;

/**
 * A model signature that does not hold: missing, malformed, made with a key that is not trusted,
 * not matching its envelope, or not matching the files it covers (a changed, added or removed
 * file). The model must not be loaded. A server answers as for any {@link IntegrityException}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class SignatureVerificationException extends IntegrityException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public SignatureVerificationException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public SignatureVerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
