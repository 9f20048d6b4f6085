package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Folds chunks of rows into per-worker {@link QrAccumulator}s on a fixed number of threads, then
 * merges them in worker order. Chunk {@code i} always goes to worker {@code i mod threads}, so
 * for a fixed thread count the result is deterministic. With one thread, chunks run on the caller.
 * The queues are bounded, so memory does not grow with the number of rows.
 *
 * <p>Instances are used by one thread (the producer) at a time.
 */
final class ParallelFolder<A extends BlockAccumulator<A>> implements AutoCloseable {
  /** A unit of work: turns its rows into blocks and adds them to the worker's accumulator. */
  interface Chunk<A extends BlockAccumulator<A>> {
    void foldInto(Worker<A> worker);
  }

  /**
   * What one worker owns: its index, its accumulator and reusable buffers: a column-major block
   * ({@code block[c][i]}), a row-wise one ({@code rows[i][c]}, made on first use) and
   * the rows' weights.
   */
  static final class Worker<A extends BlockAccumulator<A>> {
    final int index;
    final A accumulator;
    final double[][] block;
    final double[] weights;
    private final int columns;
    private final int blockRows;
    private double[][] rows;

    Worker(int index, int columns, int blockRows, A accumulator) {
      this.index = index;
      this.columns = columns;
      this.blockRows = blockRows;
      this.weights = new double[blockRows];
      this.accumulator = accumulator;
      this.block = new double[columns][blockRows];
    }

    /** The row-wise block buffer ({@code rows[i][c]}), long enough for {@link GramAccumulator#addRows}. */
    double[][] rows() {
      if (rows == null) {
        rows = new double[GramAccumulator.bufferRows(blockRows)][columns];
      }
      return rows;
    }
  }

  private final Chunk<A> end = w -> {};

  private final Worker<A>[] workers;
  private final List<Thread> threads = new ArrayList<>();
  private final List<BlockingQueue<Chunk<A>>> queues = new ArrayList<>();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private long submitted;
  private boolean finished;

  /**
   * @param requestedThreads the most threads to use; fewer when the heap cannot hold that many workers'
   *     factors
   * @param factors how many {@code columns²} arrays each worker's accumulator holds
   * @param accumulators makes the accumulator of each worker
   * @throws InvalidInputException if the heap cannot hold even one worker's factor
   */
  @SuppressWarnings("unchecked")
  ParallelFolder(int requestedThreads, int columns, int blockRows, int factors, IntFunction<A> accumulators) {
    int threadCount = threadsThatFit(requestedThreads, columns, blockRows, factors);
    workers = (Worker<A>[]) new Worker<?>[threadCount];
    for (int i = 0; i < threadCount; i++) {
      workers[i] = new Worker<>(i, columns, blockRows, accumulators.apply(columns));
    }
    if (threadCount > 1) {
      for (int i = 0; i < threadCount; i++) {
        BlockingQueue<Chunk<A>> queue = new ArrayBlockingQueue<>(4);
        Worker<A> worker = workers[i];
        Thread thread = new Thread(() -> run(queue, worker), "maas-linear-fit-" + i);
        thread.setDaemon(true);
        queues.add(queue);
        threads.add(thread);
        thread.start();
      }
    }
  }

  /**
   * How many workers, at most {@code requested}, fit in the heap that is free now: each holds a
   * {@code columns²} factor and a block, and merging needs one more factor's worth.
   */
  static int threadsThatFit(int requested, int columns, int blockRows, int factors) {
    Runtime runtime = Runtime.getRuntime();
    return threadsThatFit(requested, columns, blockRows, factors,
        runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory()));
  }

  /** As {@link #threadsThatFit(int, int, int, int)} for one factor per worker, with {@code free} bytes of heap. */
  static int threadsThatFit(int requested, int columns, int blockRows, long free) {
    return threadsThatFit(requested, columns, blockRows, 1, free);
  }

  /**
   * As {@link #threadsThatFit(int, int, int, int)} with {@code free} bytes of heap; with one factor
   * per worker, a block is counted once (the Householder fold's), with more, twice (the Gram
   * kernel's row-major copy as well).
   */
  static int threadsThatFit(int requested, int columns, int blockRows, int factors, long free) {
    long factor = (long) columns * columns * Double.BYTES;
    long perWorker = factors * factor + (factors > 1 ? 2L : 1L) * columns * blockRows * Double.BYTES;
    long fit = (free - factor) / perWorker;
    if (fit < 1) {
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "%,d working columns need %,d MB for the triangular factor, more than the %,d MB of free heap: "
              + "fit fewer columns or give the JVM more memory (-Xmx)",
          columns, (factor + perWorker) >> 20, Math.max(0, free) >> 20));
    }
    return (int) Math.min(requested, fit);
  }

  /** The worker the producer may use directly (single-threaded mode only). */
  Worker<A> callerWorker() {
    return workers[0];
  }

  private void run(BlockingQueue<Chunk<A>> queue, Worker<A> worker) {
    try {
      while (true) {
        Chunk<A> chunk = queue.take();
        if (chunk == end) {
          return;
        }
        if (failure.get() == null) {
          try {
            chunk.foldInto(worker);
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a chunk has failed; the producer may stop early. */
  boolean failed() {
    return failure.get() != null;
  }

  /** Hands {@code chunk} to its worker, waiting while that worker's queue is full. */
  void submit(Chunk<A> chunk) {
    if (threads.isEmpty()) {
      chunk.foldInto(workers[0]);
      return;
    }
    BlockingQueue<Chunk<A>> queue = queues.get((int) (submitted++ % queues.size()));
    try {
      queue.put(chunk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fitting", e);
    }
  }

  /** Waits for every chunk, rethrows the first failure, and returns the merged accumulator. */
  A finish() {
    stopWorkers();
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
    A total = workers[0].accumulator;
    for (int i = 1; i < workers.length; i++) {
      total.merge(workers[i].accumulator);
    }
    return total;
  }

  private void stopWorkers() {
    if (finished) {
      return;
    }
    finished = true;
    boolean interrupted = false;
    for (BlockingQueue<Chunk<A>> queue : queues) {
      while (true) {
        try {
          queue.put(end);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    for (Thread thread : threads) {
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the workers if {@link #finish} was not reached (the producer failed). */
  @Override
  public void close() {
    failure.compareAndSet(null, new IllegalStateException("fit abandoned"));
    stopWorkers();
  }
}
