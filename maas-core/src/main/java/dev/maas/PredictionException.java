package dev.maas;

/**
 * A model that failed on a request that fitted its signature: the backend (ONNX Runtime, say)
 * reported an error or returned something that does not match the signature. Not the caller's
 * fault; the model may answer other requests. A server answers HTTP 500.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class PredictionException extends MaasException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message names the condition and the offending value. */
  public PredictionException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the cause it wraps. */
  public PredictionException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public PredictionException(String message, Throwable cause, Context context) {
    super(message, cause, context);
  }
}
