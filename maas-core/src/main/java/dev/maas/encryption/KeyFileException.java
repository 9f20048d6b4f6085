package dev.maas.encryption;

import dev.maas.MaasException;

/**
 * An encryption key file that cannot be used: unreadable, or not exactly 32 bytes. The message
 * names the file and what is wrong; nothing was encrypted or decrypted.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class KeyFileException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the file and what is wrong with it. */
  public KeyFileException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
