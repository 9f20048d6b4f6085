package dev.maas.http;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.ModelNotFoundException;
import java.util.OptionalInt;

/**
 * An answer other than 200, decided in one place: {@link #of(Throwable)} maps every exception a
 * request can meet to its status, its message for the client (never a server path or stack trace)
 * and, for overload, how long to wait. Never escapes the server. Immutable.
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final OptionalInt retryAfterSeconds;

  HttpError(int status, String message) {
    this(status, message, OptionalInt.empty());
  }

  HttpError(int status, String message, OptionalInt retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  static HttpError notFound(String message) {
    return new HttpError(404, message);
  }

  static HttpError overloaded(int status, String message) {
    return new HttpError(status, message, OptionalInt.of(1));
  }

  int status() {
    return status;
  }

  OptionalInt retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Whether the model, not the client, is at fault: a 5xx other than overload. */
  boolean isServerFault() {
    return status >= 500 && retryAfterSeconds.isEmpty();
  }

  /**
   * The answer for {@code failure}: 400 for input the model cannot take, 404 for a model or version
   * that does not exist, 429/503 with Retry-After for overload and models being retired, 500 for a
   * model that failed on a valid request or a defect (with a fixed message: the details go to the
   * log, not to the client).
   */
  static HttpError of(Throwable failure) {
    if (failure instanceof HttpError e) {
      return e;
    }
    if (failure instanceof InvalidInputException e) {
      return badRequest(e.getMessage());
    }
    if (failure instanceof ModelNotFoundException e) {
      return notFound(e.getMessage());
    }
    String type = failure.getClass().getSimpleName();
    if (failure instanceof MaasException && type.equals("OverloadedException")) {
      return overloaded(429, "the model is overloaded; retry later");
    }
    if (failure instanceof MaasException && type.equals("ModelClosedException")) {
      return overloaded(503, "the model is being replaced; retry");
    }
    if (failure instanceof MaasException && type.equals("PredictionException")) {
      return new HttpError(500, "the model failed on this request");
    }
    return new HttpError(500, "internal error");
  }
}
