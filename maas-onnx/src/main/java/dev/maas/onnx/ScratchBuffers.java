package dev.maas.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The direct buffers one model copies array-backed inputs into before ONNX Runtime reads them:
 * allocating a direct buffer per call costs more than a small model's run, so buffers are borrowed
 * and given back. The pool belongs to its model, not to threads: when the model is released the
 * pool drops every buffer, so a process that opens and closes many models keeps no buffers of
 * closed ones alive on its threads. At most {@link #MAX_POOLED} buffers are kept.
 *
 * <p>Thread-safe.
 */
final class ScratchBuffers {
  static final int MAX_POOLED = 2 * Runtime.getRuntime().availableProcessors();
  private static final int MIN_BYTES = 256;

  private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooled = new AtomicInteger();
  private volatile boolean cleared;

  /** A direct, native-order buffer of at least {@code bytes} bytes, cleared; give it back after use. */
  ByteBuffer take(int bytes) {
    ByteBuffer b = free.poll();
    if (b != null) {
      pooled.decrementAndGet();
      if (b.capacity() >= bytes) {
        b.clear();
        return b;
      }
    }
    int capacity = Math.max(MIN_BYTES, Integer.highestOneBit(Math.max(bytes - 1, 1)) << 1);
    return ByteBuffer.allocateDirect(Math.max(capacity, bytes)).order(ByteOrder.nativeOrder());
  }

  /** Returns a buffer that {@link #take} handed out and that no native tensor reads any more. */
  void give(ByteBuffer buffer) {
    if (cleared || pooled.incrementAndGet() > MAX_POOLED) {
      pooled.decrementAndGet();
      return;
    }
    free.offer(buffer);
    if (cleared) {
      free.clear();
    }
  }

  /** Drops every pooled buffer and keeps none from now on. */
  void clear() {
    cleared = true;
    free.clear();
    pooled.set(0);
  }

  /** The number of buffers pooled now. */
  int pooledCount() {
    return free.size();
  }
}
