package dev.maas;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Predictor} decorator that coalesces concurrent requests into fewer, larger backend calls
 * (dynamic batching). Requests are validated against the signature on the caller's thread, then
 * queued; a batch is the oldest queued request plus the queued requests that can share its call (the
 * same requested outputs and the same dimensions but the first, in every input), up to {@link
 * BatchingOptions#maxBatchRows()} rows, waiting at most {@link BatchingOptions#maxQueueDelay()} for
 * more. The inputs are stacked along dimension 0 ({@link Tensor#concat}), the backend runs once, and
 * each request gets its own rows of each output ({@link Tensor#slice}).
 *
 * <p>Batches run on the callers' own threads. A caller of {@link #predict(Map, Set)} that finds
 * fewer than {@link BatchingOptions#concurrency()} batches running forms and runs the next batch
 * itself; the others wait, and a caller whose batch is done hands the next one to a waiting caller.
 * A lone caller therefore pays no thread hand-off at all, and under load each request pays at most
 * one wake-up. Requests made with {@link #submit(Map, Set)}, or with a deadline, are run by an
 * internal pool thread instead, so that a caller with a deadline is never held by a batch it runs
 * for others.
 *
 * <ul>
 *   <li>Only a {@link ModelSignature#batched() batched} signature is stacked; for any other, every
 *       request runs alone (still queued, bounded and with deadlines).
 *   <li>The queue is bounded ({@link BatchingOptions#maxQueuedRequests()}): a request that finds it
 *       full is refused at once with an {@link OverloadedException} whose {@link
 *       OverloadedException#retryAfter()} estimates when the queue will have room.
 *   <li>A request's deadline is enforced by a timer: when it passes, the request fails at once with
 *       {@link DeadlineExceededException}, even while a long batch runs; a request still queued then
 *       is dropped and its rows are not computed.
 *   <li>When a batch call fails, each of its requests runs again alone, so a request that poisons a
 *       batch fails only itself.
 *   <li>{@link #close()} refuses new requests ({@link ModelClosedException}) and lets every queued
 *       request finish; it does not close the wrapped predictor's model.
 * </ul>
 *
 * <p>Thread-safe: any number of threads may call it at once. Its pool and timer threads are daemons,
 * started when first needed and ended once it is closed and drained.
 */
public final class BatchingPredictor implements Predictor, AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** Bounds of {@link #parkLatenessNanos}: a timed park is assumed to wake between 20 µs and 2 ms late. */
  private static final long MIN_LATENESS_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
  private static final long MAX_LATENESS_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final Predictor backend;
  private final ModelSignature signature;
  private final BatchingOptions options;
  private final long maxDelayNanos;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when a request is queued or the predictor closes, for a batch waiting for more rows. */
  private final Condition queued = lock.newCondition();
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  /** Threads holding one of the {@link BatchingOptions#concurrency()} batch slots; guarded by the lock. */
  private int leaders;
  /** Leaders waiting in {@link #nextBatch()} for more rows to join their batch; guarded by the lock. */
  private int gathering;
  private boolean closed;

  private final ScheduledThreadPoolExecutor timer;
  /** Runs batches for requests whose caller does not wait for them or must not be held by others'. */
  private final ThreadPoolExecutor pool;
  /** What a pool thread runs; made once, so that no request pays for creating it. */
  private final Runnable poolLeader = () -> lead(null);
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  /**
   * How late a timed park wakes on this machine, as an exponential moving average of what was seen
   * (the Linux default timer slack alone is 50 µs; virtual machines add more). A batch waiting for
   * more rows parks until this long before its delay ends and yields for the rest, so the delay is
   * kept rather than overshot.
   */
  private volatile long parkLatenessNanos = TimeUnit.MICROSECONDS.toNanos(60);

  /** Exponential moving averages for the retry hint: batch duration, and requests per batch (x 16). */
  private volatile long batchNanosAverage;
  private volatile long requestsPerBatchAverage16 = 16;

  private BatchingPredictor(Predictor backend, BatchingOptions options) {
    this.backend = backend;
    this.signature = backend.signature();
    this.options = options;
    this.maxDelayNanos = options.maxQueueDelay().toNanos();
    int id = INSTANCES.incrementAndGet();
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "maas-batching-" + id + "-timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    AtomicInteger threads = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> daemon(r, "maas-batching-" + id + "-" + threads.incrementAndGet()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * A batching predictor in front of {@code predictor} with {@code options}. The caller closes it;
   * closing it leaves {@code predictor} (and its model) open.
   */
  public static BatchingPredictor of(Predictor predictor, BatchingOptions options) {
    Objects.requireNonNull(predictor, "predictor");
    Objects.requireNonNull(options, "options");
    return new BatchingPredictor(predictor, options);
  }

  /** A batching predictor with {@link BatchingOptions#defaults()}; see {@link #of(Predictor, BatchingOptions)}. */
  public static BatchingPredictor of(Predictor predictor) {
    return of(predictor, BatchingOptions.defaults());
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  /** The options this predictor runs with. */
  public BatchingOptions options() {
    return options;
  }

  /** The number of requests waiting for a backend call now. */
  public int queuedRequests() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Computes the requested outputs, in a batch with other requests where possible, and waits for
   * them; the deadline is {@link BatchingOptions#timeout()}. Without a deadline, the calling thread
   * may run the batch its request is in (see the class description).
   *
   * @throws InvalidInputException if the request does not fit the signature
   * @throws OverloadedException if the queue is full
   * @throws DeadlineExceededException if the deadline passed first
   * @throws ModelClosedException if this predictor (or the backend's model) is closed
   * @throws PredictionException if the backend failed on this request, or the caller was interrupted
   */
  @Override
  public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
    return call(inputs, outputs, options.timeout().orElse(null));
  }

  /** As {@link #predict(Map, Set)}, with a deadline {@code timeout} from now. */
  public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs, Duration timeout) {
    return call(inputs, outputs, requirePositive(timeout));
  }

  /**
   * Queues a request and returns its future result, for callers that do not want to block; the
   * deadline is {@link BatchingOptions#timeout()}. The future fails with the exceptions {@link
   * #predict(Map, Set)} throws; cancelling it drops the request if it is still queued.
   *
   * @throws InvalidInputException if the request does not fit the signature
   * @throws OverloadedException if the queue is full
   * @throws ModelClosedException if this predictor is closed
   */
  public CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> inputs, Set<String> outputs) {
    return enqueue(inputs, outputs, options.timeout().orElse(null));
  }

  /** As {@link #submit(Map, Set)}, with a deadline {@code timeout} from now. */
  public CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> inputs, Set<String> outputs,
      Duration timeout) {
    return enqueue(inputs, outputs, requirePositive(timeout));
  }

  private static Duration requirePositive(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidInputException("timeout must be more than zero, got " + timeout);
    }
    return timeout;
  }

  private CompletableFuture<Map<String, Tensor>> enqueue(Map<String, Tensor> inputs, Set<String> outputs,
      Duration timeout) {
    Request request = admit(inputs, outputs, timeout, null);
    request.future.whenComplete((r, e) -> {
      if (request.expiry != null) {
        request.expiry.cancel(false);
      }
      if (e instanceof CancellationException) {
        dequeue(request);
      }
    });
    return request.future;
  }

  /** The blocking call: queue, then wait for the answer or for a batch slot to run batches with. */
  private Map<String, Tensor> call(Map<String, Tensor> inputs, Set<String> outputs, Duration timeout) {
    Request request = admit(inputs, outputs, timeout, Thread.currentThread());
    while (true) {
      if (request.takePromotion()) {
        lead(request);
        continue;
      }
      if (request.future.isDone()) {
        break;
      }
      LockSupport.park(this);
      if (Thread.interrupted()) {
        abandon(request);
        Thread.currentThread().interrupt();
        throw new PredictionException("interrupted while waiting for a batched prediction");
      }
    }
    if (request.expiry != null) {
      request.expiry.cancel(false);
    }
    try {
      return request.future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new PredictionException("batched prediction failed: " + cause, cause);
    }
  }

  /**
   * Validates and queues a request. When a batch slot is free it is taken at once: for the caller
   * ({@code waiter}) when the request has no deadline, otherwise for a pool thread.
   */
  private Request admit(Map<String, Tensor> inputs, Set<String> outputs, Duration timeout, Thread waiter) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    signature.validateInputs(inputs);
    signature.validateOutputNames(outputs);
    Request request = new Request(Map.copyOf(inputs), Set.copyOf(outputs), waiter, timeout == null);
    boolean poolLeads = false;
    lock.lock();
    try {
      if (closed) {
        throw new ModelClosedException("the batching predictor is closed");
      }
      if (queue.size() >= options.maxQueuedRequests()) {
        throw new OverloadedException("the batching queue is full (" + options.maxQueuedRequests()
            + " requests); retry later", retryAfter(queue.size()));
      }
      queue.addLast(request);
      if (gathering > 0) {
        queued.signalAll();
      } else if (leaders < options.concurrency()) {
        leaders++;
        if (request.mayLead) {
          request.promoted = true;
        } else {
          poolLeads = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (timeout != null) {
      request.expiry = timer.schedule(() -> expire(request, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (poolLeads) {
      pool.execute(poolLeader);
    }
    return request;
  }

  private void expire(Request request, Duration timeout) {
    DeadlineExceededException expired = new DeadlineExceededException(
        "no answer within the deadline of " + timeout.toMillis() + " ms", retryAfter(queuedRequests()));
    // out of the queue before the caller can see the failure, so that it never counts a request it saw fail
    dequeue(request);
    request.fail(expired);
  }

  private void dequeue(Request request) {
    lock.lock();
    try {
      queue.remove(request);
    } finally {
      lock.unlock();
    }
  }

  /** An interrupted caller gives up its request, and the batch slot it was handed, if any. */
  private void abandon(Request request) {
    boolean hadSlot;
    lock.lock();
    try {
      queue.remove(request);
      hadSlot = request.takePromotion();
    } finally {
      lock.unlock();
    }
    if (hadSlot) {
      releaseSlot();
    }
    request.future.cancel(false);
    if (request.expiry != null) {
      request.expiry.cancel(false);
    }
  }

  private Duration retryAfter(int waiting) {
    long perBatch = Math.max(1, requestsPerBatchAverage16 / 16);
    long batchesAhead = (waiting + perBatch - 1) / perBatch;
    long nanos = batchNanosAverage * Math.max(1, batchesAhead) / options.concurrency();
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), nanos));
  }

  // ---- running batches ----

  /**
   * Runs batches while holding a batch slot, until the queue is empty or, for a caller, until its own
   * request ({@code own}) is answered; then hands the slot on.
   */
  private void lead(Request own) {
    try {
      for (List<Request> batch = nextBatch(); batch != null; batch = nextBatch()) {
        run(batch);
        if (own != null && own.future.isDone()) {
          break;
        }
      }
    } finally {
      releaseSlot();
    }
  }

  /**
   * Gives up a batch slot. When requests are still queued, the slot goes straight to the caller of
   * the oldest one that may run batches (woken), or else to a pool thread; once closed with nothing
   * left, the predictor is drained.
   */
  private void releaseSlot() {
    Request next = null;
    boolean poolLeads = false;
    boolean finished = false;
    lock.lock();
    try {
      leaders--;
      while (!queue.isEmpty() && queue.peekFirst().future.isDone()) {
        queue.pollFirst();
      }
      if (!queue.isEmpty() && leaders < options.concurrency()) {
        leaders++;
        for (Request r : queue) {
          if (r.mayLead && !r.promoted && !r.future.isDone()) {
            next = r;
            break;
          }
        }
        if (next != null) {
          next.promoted = true;
        } else {
          poolLeads = true;
        }
      } else if (closed && leaders == 0 && queue.isEmpty()) {
        finished = true;
      }
    } finally {
      lock.unlock();
    }
    if (next != null) {
      LockSupport.unpark(next.waiter);
    } else if (poolLeads) {
      pool.execute(poolLeader);
    } else if (finished) {
      finishDrain();
    }
  }

  /** The next batch to run, or null when no request is queued. */
  private List<Request> nextBatch() {
    lock.lock();
    try {
      Request head = pollLive();
      if (head == null) {
        return null;
      }
      List<Request> batch = new ArrayList<>();
      batch.add(head);
      if (!signature.batched() || head.rows >= options.maxBatchRows()) {
        return batch;
      }
      long rows = collect(batch, head, head.rows);
      if (maxDelayNanos == 0) {
        return batch;
      }
      long deadline = System.nanoTime() + maxDelayNanos;
      while (rows < options.maxBatchRows() && !closed) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        long lateness = parkLatenessNanos;
        if (wait > 2 * lateness) {
          long park = wait - 2 * lateness;
          gathering++;
          try {
            long left = queued.awaitNanos(park);
            if (left < 0) {
              // timed out, -left nanoseconds after it was due
              long seen = Math.min(MAX_LATENESS_NANOS, Math.max(MIN_LATENESS_NANOS, -left));
              parkLatenessNanos = lateness + (seen - lateness) / 8;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          } finally {
            gathering--;
          }
        } else {
          // a timed park could wake past the delay: spend the last stretch yielding instead
          lock.unlock();
          try {
            Thread.yield();
          } finally {
            lock.lock();
          }
        }
        rows = collect(batch, head, rows);
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private Request pollLive() {
    for (Request r = queue.pollFirst(); r != null; r = queue.pollFirst()) {
      if (!r.future.isDone()) {
        return r;
      }
    }
    return null;
  }

  /** Moves queued requests that can share {@code head}'s call into {@code batch}, oldest first. */
  private long collect(List<Request> batch, Request head, long rows) {
    for (Iterator<Request> it = queue.iterator(); it.hasNext() && rows < options.maxBatchRows(); ) {
      Request r = it.next();
      if (r.future.isDone()) {
        it.remove();
      } else if (r.fitsWith(head) && rows + r.rows <= options.maxBatchRows()) {
        it.remove();
        batch.add(r);
        rows += r.rows;
      }
    }
    return rows;
  }

  private void run(List<Request> batch) {
    batch.removeIf(r -> r.future.isDone());
    if (batch.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    try {
      if (batch.size() == 1) {
        runAlone(batch.get(0));
      } else {
        try {
          runTogether(batch);
        } catch (RuntimeException | Error e) {
          for (Request r : batch) {
            runAlone(r);
          }
        }
      }
    } finally {
      for (Request r : batch) {
        r.fail(new PredictionException("the batch this request was in was abandoned"));
      }
    }
    long took = System.nanoTime() - start;
    batchNanosAverage = batchNanosAverage == 0 ? took : batchNanosAverage - batchNanosAverage / 8 + took / 8;
    requestsPerBatchAverage16 = requestsPerBatchAverage16 - requestsPerBatchAverage16 / 8 + 2L * batch.size();
  }

  /** Runs one request on its own; any failure, even an {@link Error}, goes to that request only. */
  private void runAlone(Request r) {
    if (r.future.isDone()) {
      return;
    }
    try {
      r.complete(backend.predict(r.inputs, r.outputs));
    } catch (MaasException | Error e) {
      r.fail(e);
    } catch (RuntimeException e) {
      r.fail(new PredictionException("the backend failed: " + e.getMessage(), e));
    }
  }

  private void runTogether(List<Request> batch) {
    Map<String, Tensor> stacked = new LinkedHashMap<>();
    List<Tensor> parts = new ArrayList<>(batch.size());
    for (TensorSpec spec : signature.inputs()) {
      parts.clear();
      for (Request r : batch) {
        parts.add(r.inputs.get(spec.name()));
      }
      stacked.put(spec.name(), Tensor.concat(parts));
    }
    long total = 0;
    for (Request r : batch) {
      total += r.rows;
    }
    Map<String, Tensor> out = backend.predict(stacked, batch.get(0).outputs);
    for (Map.Entry<String, Tensor> e : out.entrySet()) {
      Tensor t = e.getValue();
      if (t.rank() == 0 || t.dim(0) != total) {
        throw new PredictionException("output '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
            + " for a batch of " + total + " rows");
      }
    }
    List<Map<String, Tensor>> results = new ArrayList<>(batch.size());
    long offset = 0;
    for (Request r : batch) {
      Map<String, Tensor> own = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : out.entrySet()) {
        own.put(e.getKey(), e.getValue().slice(offset, offset + r.rows));
      }
      results.add(own);
      offset += r.rows;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).complete(results.get(i));
    }
  }

  // ---- lifecycle ----

  /**
   * Refuses new requests from now on and lets every queued one finish; returns at once. The pool and
   * timer threads end once the queue is empty. Idempotent.
   */
  @Override
  public void close() {
    boolean finished;
    lock.lock();
    try {
      closed = true;
      queued.signalAll();
      finished = leaders == 0 && queue.isEmpty();
    } finally {
      lock.unlock();
    }
    if (finished) {
      finishDrain();
    }
  }

  private void finishDrain() {
    timer.shutdown();
    pool.shutdown();
    drained.complete(null);
  }

  /** {@link #close()}, returning a future that completes once every queued request is answered. */
  public CompletableFuture<Void> closeAsync() {
    close();
    return drained.copy();
  }

  /** Whether {@link #close()} has been called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "BatchingPredictor[" + options + "]";
  }

  /** One queued request. */
  private final class Request {
    final Map<String, Tensor> inputs;
    final Set<String> outputs;
    final long rows;
    final CompletableFuture<Map<String, Tensor>> future = new CompletableFuture<>();
    /** The thread blocked in {@link #call} for this request; null for {@link #submit}. */
    final Thread waiter;
    /** Whether the waiting caller may run batches: it waits, and has no deadline to keep. */
    final boolean mayLead;
    /** Set under the lock when a batch slot is handed to this request's caller; reset by that caller. */
    volatile boolean promoted;
    /** The deadline's timer task, if any. */
    volatile ScheduledFuture<?> expiry;

    Request(Map<String, Tensor> inputs, Set<String> outputs, Thread waiter, boolean noDeadline) {
      this.inputs = inputs;
      this.outputs = outputs;
      this.rows = signature.batched() ? signature.batchSize(inputs) : 0;
      this.waiter = waiter;
      this.mayLead = waiter != null && noDeadline;
    }

    /** Whether this request can share {@code head}'s call: the same outputs and trailing dimensions. */
    boolean fitsWith(Request head) {
      if (!outputs.equals(head.outputs)) {
        return false;
      }
      if (!signature.batched()) {
        return true;
      }
      for (TensorSpec spec : signature.inputs()) {
        long[] mine = inputs.get(spec.name()).shape();
        long[] theirs = head.inputs.get(spec.name()).shape();
        if (mine.length != theirs.length || !Arrays.equals(mine, 1, mine.length, theirs, 1, theirs.length)) {
          return false;
        }
      }
      return true;
    }

    /** Takes a batch slot handed to this request's caller, if there is one. */
    boolean takePromotion() {
      if (!promoted) {
        return false;
      }
      promoted = false;
      return true;
    }

    void complete(Map<String, Tensor> result) {
      if (future.complete(result) && waiter != null) {
        LockSupport.unpark(waiter);
      }
    }

    void fail(Throwable failure) {
      if (future.completeExceptionally(failure) && waiter != null) {
        LockSupport.unpark(waiter);
      }
    }
  }
}
