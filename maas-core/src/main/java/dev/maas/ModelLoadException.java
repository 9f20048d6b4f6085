package dev.maas;

/**
 * A model artifact that cannot be turned into a working {@link Model}: unknown format, unreadable
 * or malformed file, an unsupported feature. The model is unusable until the artifact is replaced.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ModelLoadException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the artifact and what is wrong with it. */
  public ModelLoadException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
