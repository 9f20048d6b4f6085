package dev.maas.encryption;

import dev.maas.IntegrityException;

/**
 * Encrypted model bytes that do not authenticate: a changed, reordered, dropped or truncated
 * segment, a wrapped data key that belongs to another version, or a key that is not the one the
 * version was encrypted with. Nothing of the file is used. A server answers as for any {@link
 * IntegrityException}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class DecryptionException extends IntegrityException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the file. */
  public DecryptionException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public DecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
