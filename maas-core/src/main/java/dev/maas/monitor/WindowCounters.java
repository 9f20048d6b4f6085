package dev.maas.monitor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bin counters over a sliding window: a ring of segments, each a striped array of counters (one
 * stripe per group of threads, padded apart so that threads on different stripes do not share cache
 * lines). A value costs one atomic add on its thread's stripe; a segment changes once per window
 * step, under a lock that only that change takes. Thread-safe.
 */
final class WindowCounters {
  static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  /** Longs between stripes: one 128-byte pair of cache lines. */
  private static final int PAD = 16;

  private final int stride;
  private final int mask;
  private final Segment[] ring;
  private final int window;
  private final long rowsPerSegment;
  private final long nanosPerSegment;
  private final LongSupplier ticker;
  private final long origin;
  private final AtomicLong rows = new AtomicLong();
  private volatile Segment current;

  static final class Segment {
    volatile long epoch;
    final long[] counts;

    Segment(long epoch, int length) {
      this.epoch = epoch;
      this.counts = new long[length];
    }
  }

  WindowCounters(Window window, int slots, int stripes, LongSupplier ticker) {
    this.stride = ((slots + 7) & ~7) + PAD;
    this.mask = stripes - 1;
    this.ticker = ticker;
    this.origin = ticker.getAsLong();
    if (window instanceof Window.Rows r) {
      this.window = r.segments();
      this.rowsPerSegment = Math.max(1, r.rows() / r.segments());
      this.nanosPerSegment = 0;
    } else if (window instanceof Window.Time t) {
      this.window = t.segments();
      this.rowsPerSegment = 0;
      this.nanosPerSegment = Math.max(1, t.length().toNanos() / t.segments());
    } else {
      this.window = 1;
      this.rowsPerSegment = 0;
      this.nanosPerSegment = 0;
    }
    this.ring = new Segment[this.window + 1];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = new Segment(i == 0 ? 0 : Long.MIN_VALUE, stride * stripes);
    }
    this.current = ring[0];
  }

  static int stripesFor(int processors) {
    int s = Integer.highestOneBit(Math.max(1, Math.min(processors, 64)) * 2 - 1);
    return Math.max(1, s);
  }

  /** The first counter of the calling thread's stripe. */
  int stripeBase() {
    return ((int) Thread.currentThread().getId() & mask) * stride;
  }

  /** The segment that a request of {@code n} rows counts into, moving the window on if it is due. */
  Segment segmentFor(int n) {
    long epoch = epochFor(n);
    Segment s = current;
    if (s.epoch >= epoch) {
      return s;
    }
    return advance(epoch);
  }

  private long epochFor(int n) {
    if (rowsPerSegment > 0) {
      return rows.getAndAdd(n) / rowsPerSegment;
    }
    if (nanosPerSegment > 0) {
      return Math.floorDiv(ticker.getAsLong() - origin, nanosPerSegment);
    }
    return 0;
  }

  private long epochNow() {
    if (rowsPerSegment > 0) {
      return rows.get() / rowsPerSegment;
    }
    if (nanosPerSegment > 0) {
      return Math.floorDiv(ticker.getAsLong() - origin, nanosPerSegment);
    }
    return 0;
  }

  private synchronized Segment advance(long epoch) {
    Segment s = current;
    if (s.epoch >= epoch) {
      return s;
    }
    Segment next = ring[(int) Math.floorMod(epoch, (long) ring.length)];
    next.epoch = Long.MIN_VALUE;
    java.util.Arrays.fill(next.counts, 0);
    next.epoch = epoch;
    current = next;
    return next;
  }

  /** Adds the window's counts of slots {@code [from, from + out.length)} into {@code out}. */
  void sum(int from, long[] out) {
    long now = Math.max(epochNow(), current.epoch);
    for (Segment s : ring) {
      long e = s.epoch;
      if (e > now - window && e <= now) {
        for (int base = 0; base < s.counts.length; base += stride) {
          for (int i = 0; i < out.length; i++) {
            out[i] += (long) LONGS.getVolatile(s.counts, base + from + i);
          }
        }
      }
    }
  }
}
