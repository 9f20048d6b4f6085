package dev.maas.signing;

import dev.maas.MaasException;

/**
 * A key file that cannot be used: not PEM, a key type or curve that model signatures do not use, a
 * private key where a public one is expected (or the reverse), or a passphrase-protected key. The
 * message names the file and what is wrong with it; nothing was signed or verified.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class KeyFormatException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the key and what is wrong with it. */
  public KeyFormatException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public KeyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
