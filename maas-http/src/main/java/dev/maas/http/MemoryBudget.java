package dev.maas.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes the server may hold for requests at once: their bodies while read and the tensors
 * decoded from them. A request reserves before it allocates ({@link Reservation#reserve}) and gives
 * everything back when it is answered; a reservation beyond the limit is refused (503 with
 * Retry-After), so concurrent large requests queue at the client, not in the heap. Thread-safe.
 */
final class MemoryBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  MemoryBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("memory budget must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /** Half the heap the JVM may grow to: the rest is for models, responses and the JVM itself. */
  static long defaultLimit() {
    return Runtime.getRuntime().maxMemory() / 2;
  }

  long limit() {
    return limit;
  }

  long used() {
    return used.get();
  }

  /** A new, empty reservation for one request. */
  Reservation open() {
    return new Reservation();
  }

  private boolean tryTake(long bytes) {
    for (;;) {
      long now = used.get();
      if (now + bytes > limit || now + bytes < 0) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** The bytes one request holds; closed once, when the request is answered. Used by one thread. */
  final class Reservation implements AutoCloseable {
    private long held;

    /**
     * Reserves {@code bytes} more for this request.
     *
     * @throws HttpError 413 if the request alone needs more than the whole budget, 503 with
     *     Retry-After if the budget is taken by other requests now
     */
    void reserve(long bytes, String what) {
      if (bytes <= 0) {
        return;
      }
      if (bytes > limit - held) {
        throw new HttpError(413, what + " needs " + Sizes.format(held + bytes) + ", more than the server's memory "
            + "budget for requests of " + Sizes.format(limit));
      }
      if (!tryTake(bytes)) {
        throw HttpError.overloaded(503, "the server's memory budget for requests (" + Sizes.format(limit)
            + ") is taken by requests in flight; retry");
      }
      held += bytes;
    }

    long held() {
      return held;
    }

    @Override
    public void close() {
      if (held > 0) {
        used.addAndGet(-held);
        held = 0;
      }
    }
  }
}
