package dev.maas.http;

import dev.maas.DeadlineExceededException;
import dev.maas.InvalidInputException;
import dev.maas.ModelClosedException;
import dev.maas.ModelNotFoundException;
import dev.maas.OverloadedException;
import dev.maas.PredictionException;
import java.time.Duration;
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
  private final boolean logged;

  HttpError(int status, String message) {
    this(status, message, OptionalInt.empty());
  }

  HttpError(int status, String message, OptionalInt retryAfterSeconds) {
    this(status, message, retryAfterSeconds, false);
  }

  private HttpError(int status, String message, OptionalInt retryAfterSeconds, boolean logged) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.logged = logged;
  }

  /** This answer, marked as already logged (with its model), so that no outer handler logs it again. */
  HttpError asLogged() {
    return logged ? this : new HttpError(status, getMessage(), retryAfterSeconds, true);
  }

  /** Whether the failure behind this answer has been logged already. */
  boolean isLogged() {
    return logged;
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
      return badRequest(e.publicMessage());
    }
    if (failure instanceof ModelNotFoundException e) {
      return notFound(e.publicMessage());
    }
    if (failure instanceof DeadlineExceededException e) {
      return new HttpError(503, e.publicMessage(), seconds(e.retryAfter()));
    }
    if (failure instanceof OverloadedException e) {
      return new HttpError(429, e.publicMessage(), seconds(e.retryAfter()));
    }
    if (failure instanceof ModelClosedException) {
      return overloaded(503, "the model is being replaced; retry");
    }
    if (failure instanceof PredictionException e) {
      return new HttpError(500, "the model failed on this request: " + e.publicMessage());
    }
    return new HttpError(500, "internal error");
  }

  private static OptionalInt seconds(Duration retryAfter) {
    long s = (retryAfter.toMillis() + 999) / 1000;
    return OptionalInt.of((int) Math.max(1, Math.min(s, 3600)));
  }
}
