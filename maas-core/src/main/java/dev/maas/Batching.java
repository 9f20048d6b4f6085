package dev.maas;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Predictor} decorator that coalesces concurrent requests into fewer, larger backend calls
 * (dynamic batching). Requests are validated against the signature on the caller's thread, then
 * queued; worker threads take the oldest request and add queued requests that can share its call
 * (the same requested outputs and the same dimensions but the first, in every input), up to {@link
 * BatchingOptions#maxBatchRows()} rows, waiting at most {@link BatchingOptions#maxQueueDelay()} for
 * more. The inputs are stacked along dimension 0 ({@link Tensor#concat}), the backend runs once, and
 * each request gets its own rows of each output ({@link Tensor#slice}).
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
 *   <li>{@link #close()} refuses new requests ({@link ModelClosedException}) and lets the workers
 *       finish every queued request; it does not close the wrapped predictor's model.
 * </ul>
 *
 * <p>Thread-safe: any number of threads may call it at once. It runs {@link
 * BatchingOptions#concurrency()} worker threads and one timer thread, all daemons, until closed.
 */
public final class Batching implements Predictor, AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Predictor backend;
  private final ModelSignature signature;
  private final BatchingOptions options;
  private final long maxDelayNanos;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  private boolean closed;
  private int workersLeft;

  private final ScheduledThreadPoolExecutor timer;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  /** Exponential moving averages for the retry hint: batch duration, and requests per batch (x 16). */
  private volatile long batchNanosAverage;
  private volatile long requestsPerBatchAverage16 = 16;

  private Batching(Predictor backend, BatchingOptions options) {
    this.backend = backend;
    this.signature = backend.signature();
    this.options = options;
    this.maxDelayNanos = options.maxQueueDelay().toNanos();
    int id = INSTANCES.incrementAndGet();
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "maas-batching-" + id + "-timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.workersLeft = options.concurrency();
    for (int i = 0; i < options.concurrency(); i++) {
      daemon(this::work, "maas-batching-" + id + "-worker-" + i).start();
    }
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
  public static Batching of(Predictor predictor, BatchingOptions options) {
    Objects.requireNonNull(predictor, "predictor");
    Objects.requireNonNull(options, "options");
    return new Batching(predictor, options);
  }

  /** A batching predictor with {@link BatchingOptions#defaults()}; see {@link #of(Predictor, BatchingOptions)}. */
  public static Batching of(Predictor predictor) {
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
   * them; the deadline is {@link BatchingOptions#timeout()}.
   *
   * @throws InvalidInputException if the request does not fit the signature
   * @throws OverloadedException if the queue is full
   * @throws DeadlineExceededException if the deadline passed first
   * @throws ModelClosedException if this predictor (or the backend's model) is closed
   * @throws PredictionException if the backend failed on this request
   */
  @Override
  public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
    return await(enqueue(inputs, outputs, options.timeout().orElse(null)));
  }

  /** As {@link #predict(Map, Set)}, with a deadline {@code timeout} from now. */
  public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs, Duration timeout) {
    return await(enqueue(inputs, outputs, requirePositive(timeout)));
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
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    signature.validateInputs(inputs);
    signature.validateOutputNames(outputs);
    Request request = new Request(Map.copyOf(inputs), Set.copyOf(outputs));
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
      queued.signalAll();
    } finally {
      lock.unlock();
    }
    if (timeout != null) {
      ScheduledFuture<?> expiry = timer.schedule(() -> expire(request, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
      request.future.whenComplete((r, e) -> expiry.cancel(false));
    }
    request.future.whenComplete((r, e) -> {
      if (e instanceof CancellationException) {
        dequeue(request);
      }
    });
    return request.future;
  }

  private void expire(Request request, Duration timeout) {
    DeadlineExceededException expired = new DeadlineExceededException(
        "no answer within the deadline of " + timeout.toMillis() + " ms", retryAfter(queuedRequests()));
    // out of the queue before the caller can see the failure, so that it never counts a request it saw fail
    dequeue(request);
    request.future.completeExceptionally(expired);
  }

  private void dequeue(Request request) {
    lock.lock();
    try {
      queue.remove(request);
    } finally {
      lock.unlock();
    }
  }

  private Duration retryAfter(int waiting) {
    long perBatch = Math.max(1, requestsPerBatchAverage16 / 16);
    long batchesAhead = (waiting + perBatch - 1) / perBatch;
    long nanos = batchNanosAverage * Math.max(1, batchesAhead) / options.concurrency();
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), nanos));
  }

  private static Map<String, Tensor> await(CompletableFuture<Map<String, Tensor>> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new PredictionException("interrupted while waiting for a batched prediction", e);
    } catch (ExecutionException e) {
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

  // ---- workers ----

  private void work() {
    try {
      for (List<Request> batch = nextBatch(); batch != null; batch = nextBatch()) {
        run(batch);
      }
    } finally {
      lock.lock();
      boolean last;
      try {
        last = --workersLeft == 0;
      } finally {
        lock.unlock();
      }
      if (last) {
        timer.shutdown();
        drained.complete(null);
      }
    }
  }

  /** The next batch to run, or null once closed and the queue is empty. */
  private List<Request> nextBatch() {
    lock.lock();
    try {
      Request head;
      while ((head = pollLive()) == null) {
        if (closed) {
          return null;
        }
        queued.awaitUninterruptibly();
      }
      List<Request> batch = new ArrayList<>();
      batch.add(head);
      if (!signature.batched() || head.rows >= options.maxBatchRows()) {
        return batch;
      }
      long rows = collect(batch, head, head.rows);
      long deadline = System.nanoTime() + maxDelayNanos;
      while (rows < options.maxBatchRows() && !closed) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        try {
          queued.awaitNanos(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
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
    long took = System.nanoTime() - start;
    batchNanosAverage = batchNanosAverage == 0 ? took : batchNanosAverage - batchNanosAverage / 8 + took / 8;
    requestsPerBatchAverage16 = requestsPerBatchAverage16 - requestsPerBatchAverage16 / 8 + 2L * batch.size();
  }

  private void runAlone(Request r) {
    if (r.future.isDone()) {
      return;
    }
    try {
      r.future.complete(backend.predict(r.inputs, r.outputs));
    } catch (MaasException e) {
      r.future.completeExceptionally(e);
    } catch (RuntimeException e) {
      r.future.completeExceptionally(new PredictionException("the backend failed: " + e.getMessage(), e));
    } catch (Error e) {
      r.future.completeExceptionally(e);
      throw e;
    }
  }

  private void runTogether(List<Request> batch) {
    Map<String, Tensor> stacked = new LinkedHashMap<>();
    for (TensorSpec spec : signature.inputs()) {
      List<Tensor> parts = new ArrayList<>(batch.size());
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
        throw new PredictionException("output '" + e.getKey() + "' has shape " + java.util.Arrays.toString(t.shape())
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
      batch.get(i).future.complete(results.get(i));
    }
  }

  // ---- lifecycle ----

  /**
   * Refuses new requests from now on and lets the workers finish every queued one; returns at once.
   * The worker and timer threads end once the queue is empty. Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queued.signalAll();
    } finally {
      lock.unlock();
    }
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
    return "Batching[" + options + "]";
  }

  /** One queued request. */
  private final class Request {
    final Map<String, Tensor> inputs;
    final Set<String> outputs;
    final long rows;
    /** What a request must share with another to join its call: requested outputs and trailing dimensions. */
    final List<Object> key;
    final CompletableFuture<Map<String, Tensor>> future = new CompletableFuture<>();

    Request(Map<String, Tensor> inputs, Set<String> outputs) {
      this.inputs = inputs;
      this.outputs = outputs;
      this.rows = signature.batched() ? signature.batchSize(inputs) : 0;
      List<Object> k = new ArrayList<>();
      k.add(new TreeSet<>(outputs));
      if (signature.batched()) {
        for (TensorSpec spec : signature.inputs()) {
          long[] dims = inputs.get(spec.name()).shape();
          List<Long> trailing = new ArrayList<>(dims.length);
          for (int i = 1; i < dims.length; i++) {
            trailing.add(dims[i]);
          }
          k.add(trailing);
        }
      }
      this.key = k;
    }

    boolean fitsWith(Request head) {
      return key.equals(head.key);
    }
  }
}
