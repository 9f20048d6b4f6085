package dev.maas;

/**
 * A model artifact that cannot be turned into a working {@link Model}: unknown format, unreadable
 * or malformed file, an unsupported feature. The model is unusable until the artifact is replaced.
 * A server answers HTTP 500 (or reports the model as not ready).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ModelLoadException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public ModelLoadException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public ModelLoadException(String message, Throwable cause, Context context) {
    super(message, cause, context);
  }
}
