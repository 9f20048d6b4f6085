package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingTest {
  private static final long WAIT = 60;

  private final ScaleModel model = new ScaleModel(3);

  @AfterEach
  void closeModel() {
    model.close();
  }

  /**
   * A backend that records every call's row count and can hold its first call until released; it
   * fails any call that holds a NaN input (a poisoned request).
   */
  private static final class Recording implements Predictor {
    final Predictor inner;
    final List<Long> calls = Collections.synchronizedList(new ArrayList<>());
    /** The thread that made each call. */
    final List<Thread> callers = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstEntered = new CountDownLatch(1);
    final CountDownLatch release;

    Recording(Predictor inner, boolean hold) {
      this.inner = inner;
      this.release = new CountDownLatch(hold ? 1 : 0);
    }

    @Override
    public ModelSignature signature() {
      return inner.signature();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      Tensor first = inputs.values().iterator().next();
      calls.add(first.dim(0));
      callers.add(Thread.currentThread());
      if (firstEntered.getCount() > 0) {
        firstEntered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (Tensor t : inputs.values()) {
        for (double v : t.toDoubleArray()) {
          if (Double.isNaN(v)) {
            throw new PredictionException("poisoned request");
          }
        }
      }
      return inner.predict(inputs, outputs);
    }
  }

  private static Map<String, Tensor> x(int rows, long seed) {
    return ScaleModel.inputs(rows, seed);
  }

  private static BatchingOptions.Builder options() {
    return BatchingOptions.builder();
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.get(WAIT, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      future.get(WAIT, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the request did not fail");
  }

  @Test
  void submit_whileBackendBusy_coalescesQueuedRequestsIntoOneCall() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      CompletableFuture<Map<String, Tensor>> a = batching.submit(x(1, 1), Set.of());
      assertThat(backend.firstEntered.await(WAIT, TimeUnit.SECONDS)).isTrue();
      List<Map<String, Tensor>> inputs = List.of(x(1, 2), x(2, 3), x(3, 4));
      List<CompletableFuture<Map<String, Tensor>>> queued = new ArrayList<>();
      for (Map<String, Tensor> in : inputs) {
        queued.add(batching.submit(in, Set.of()));
      }
      assertThat(batching.queuedRequests()).isEqualTo(3);
      backend.release.countDown();
      assertThat(get(a)).isEqualTo(model.predictor().predict(x(1, 1)));
      for (int i = 0; i < inputs.size(); i++) {
        assertThat(get(queued.get(i))).as("request %d", i).isEqualTo(model.predictor().predict(inputs.get(i)));
      }
      assertThat(backend.calls).as("rows per backend call").containsExactly(1L, 6L);
    }
  }

  @Test
  void submit_moreRowsThanMaxBatchRows_splitsIntoCallsOfAtMostThatMany() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().maxBatchRows(4).build())) {
      CompletableFuture<Map<String, Tensor>> first = batching.submit(x(1, 0), Set.of());
      backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
      List<CompletableFuture<Map<String, Tensor>>> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queued.add(batching.submit(x(2, 10 + i), Set.of()));
      }
      CompletableFuture<Map<String, Tensor>> big = batching.submit(x(9, 99), Set.of());
      backend.release.countDown();
      get(first);
      for (int i = 0; i < 5; i++) {
        assertThat(get(queued.get(i))).isEqualTo(model.predictor().predict(x(2, 10 + i)));
      }
      assertThat(get(big)).isEqualTo(model.predictor().predict(x(9, 99)));
      assertThat(backend.calls).containsExactly(1L, 4L, 4L, 2L, 9L);
    }
  }

  @Test
  void submit_differentRequestedOutputs_batchedSeparatelyEachGetsOnlyItsOwn() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      CompletableFuture<Map<String, Tensor>> first = batching.submit(x(1, 0), Set.of());
      backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
      CompletableFuture<Map<String, Tensor>> y1 = batching.submit(x(2, 1), Set.of("y"));
      CompletableFuture<Map<String, Tensor>> sum = batching.submit(x(2, 2), Set.of("sum"));
      CompletableFuture<Map<String, Tensor>> y2 = batching.submit(x(1, 3), Set.of("y"));
      backend.release.countDown();
      get(first);
      assertThat(get(y1)).isEqualTo(model.predictor().predict(x(2, 1), Set.of("y"))).containsOnlyKeys("y");
      assertThat(get(sum)).isEqualTo(model.predictor().predict(x(2, 2), Set.of("sum"))).containsOnlyKeys("sum");
      assertThat(get(y2)).isEqualTo(model.predictor().predict(x(1, 3), Set.of("y")));
      assertThat(backend.calls).containsExactly(1L, 3L, 2L);
    }
  }

  /** A batched model with input x FP64 [-1, -1] and output s FP64 [-1], the row sums. */
  private static final class RowSums implements Predictor {
    private static final ModelSignature SIGNATURE = new ModelSignature(
        List.of(TensorSpec.of("x", DataType.FP64, -1, -1)), List.of(TensorSpec.of("s", DataType.FP64, -1)), true);

    @Override
    public ModelSignature signature() {
      return SIGNATURE;
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      Tensor x = inputs.get("x");
      int rows = (int) x.dim(0);
      int columns = (int) x.dim(1);
      double[] s = new double[rows];
      for (int i = 0; i < rows * columns; i++) {
        s[i / columns] += x.getDouble(i);
      }
      return Map.of("s", Tensor.wrap(DataType.FP64, s, rows));
    }
  }

  @Test
  void submit_differentTrailingShapes_neverStackedTogether() throws Exception {
    Recording backend = new Recording(new RowSums(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      CompletableFuture<Map<String, Tensor>> first = batching.submit(
          Map.of("x", Tensor.ofDoubles(new double[] {1, 2}, 1, 2)), Set.of());
      backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
      var two = batching.submit(Map.of("x", Tensor.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2)), Set.of());
      var three = batching.submit(Map.of("x", Tensor.ofDoubles(new double[] {1, 2, 3}, 1, 3)), Set.of());
      var twoAgain = batching.submit(Map.of("x", Tensor.ofDoubles(new double[] {5, 6}, 1, 2)), Set.of());
      backend.release.countDown();
      get(first);
      assertThat(get(two).get("s").toDoubleArray()).containsExactly(3, 7);
      assertThat(get(three).get("s").toDoubleArray()).containsExactly(6);
      assertThat(get(twoAgain).get("s").toDoubleArray()).containsExactly(11);
      assertThat(backend.calls).as("[2,2]+[1,2] in one call, [1,3] alone").containsExactly(1L, 3L, 1L);
    }
  }

  @Test
  void submit_poisonedRequestInBatch_failsOnlyItself() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      CompletableFuture<Map<String, Tensor>> first = batching.submit(x(1, 0), Set.of());
      backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
      var good1 = batching.submit(x(2, 1), Set.of());
      var poisoned = batching.submit(Map.of("x", Tensor.ofDoubles(new double[] {1, Double.NaN}, 1, 2)), Set.of());
      var good2 = batching.submit(x(3, 2), Set.of());
      backend.release.countDown();
      get(first);
      assertThat(get(good1)).isEqualTo(model.predictor().predict(x(2, 1)));
      assertThat(get(good2)).isEqualTo(model.predictor().predict(x(3, 2)));
      assertThat(failure(poisoned)).isInstanceOf(PredictionException.class).hasMessageContaining("poisoned");
      assertThat(backend.calls).as("the failed batch, then each request alone").containsExactly(1L, 6L, 2L, 1L, 3L);
    }
  }

  @Test
  void submit_queueFull_refusedAtOnceWithRetryHint() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().maxQueuedRequests(2).build())) {
      var first = batching.submit(x(1, 0), Set.of());
      backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
      var a = batching.submit(x(1, 1), Set.of());
      var b = batching.submit(x(1, 2), Set.of());
      assertThatThrownBy(() -> batching.submit(x(1, 3), Set.of()))
          .isInstanceOfSatisfying(OverloadedException.class, e -> assertThat(e.retryAfter()).isPositive())
          .hasMessageContaining("full");
      backend.release.countDown();
      get(first);
      assertThat(get(a)).isEqualTo(model.predictor().predict(x(1, 1)));
      assertThat(get(b)).isEqualTo(model.predictor().predict(x(1, 2)));
      assertThat(batching.predict(x(1, 3), Set.of())).as("room again").isEqualTo(model.predictor().predict(x(1, 3)));
    }
  }

  @Test
  void deadline_passesWhileLongBatchRuns_failsAtOnceAndRowsAreNeverComputed() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      var running = batching.submit(x(1, 0), Set.of(), Duration.ofMillis(300));
      assertThat(backend.firstEntered.await(WAIT, TimeUnit.SECONDS)).as("the first request reached the backend").isTrue();
      var queued = batching.submit(x(5, 1), Set.of(), Duration.ofMillis(20));
      assertThat(failure(queued)).isInstanceOf(DeadlineExceededException.class).hasMessageContaining("deadline");
      assertThat(failure(running)).as("a request inside the running call fails on time too")
          .isInstanceOf(DeadlineExceededException.class);
      assertThat(backend.release.getCount()).as("the long call is still running").isEqualTo(1);
      assertThat(batching.queuedRequests()).isZero();
      backend.release.countDown();
      assertThat(batching.predict(x(2, 2), Set.of())).isEqualTo(model.predictor().predict(x(2, 2)));
      assertThat(backend.calls).as("the 5 expired rows never reached the backend").containsExactly(1L, 2L);
    }
  }

  @Test
  void predict_optionsTimeout_appliesToEveryRequest() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().timeout(Duration.ofMillis(20)).build())) {
      assertThatThrownBy(() -> batching.predict(x(1, 0), Set.of())).isInstanceOf(DeadlineExceededException.class);
      backend.release.countDown();
    }
  }

  @Test
  void predict_32threads_everyAnswerMatchesItsUnbatchedAnswer() throws Exception {
    Recording backend = new Recording(model.predictor(), false);
    int threads = 32;
    int perThread = 40;
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().maxBatchRows(16).concurrency(2).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long seed = t;
          futures.add(pool.submit(() -> {
            Random random = new Random(seed);
            int wrong = 0;
            for (int i = 0; i < perThread; i++) {
              Map<String, Tensor> in = x(1 + random.nextInt(4), random.nextLong());
              Set<String> wanted = switch (random.nextInt(3)) {
                case 0 -> Set.of();
                case 1 -> Set.of("y");
                default -> Set.of("sum");
              };
              if (!batching.predict(in, wanted).equals(model.predictor().predict(in, wanted))) {
                wrong++;
              }
            }
            return wrong;
          }));
        }
        for (Future<Integer> f : futures) {
          assertThat(f.get(WAIT, TimeUnit.SECONDS)).as("wrong answers").isZero();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(backend.calls.stream().mapToLong(Long::longValue).max().orElse(0)).isLessThanOrEqualTo(16);
      assertThat(backend.calls.size()).isLessThanOrEqualTo(threads * perThread);
    }
  }

  @Test
  void close_withQueuedRequests_answersThemAndRefusesNewOnes() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    BatchingPredictor batching = BatchingPredictor.of(backend, options().build());
    var first = batching.submit(x(1, 0), Set.of());
    backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
    var a = batching.submit(x(2, 1), Set.of());
    var b = batching.submit(x(1, 2), Set.of());
    CompletableFuture<Void> drained = batching.closeAsync();
    assertThat(batching.isClosed()).isTrue();
    assertThatThrownBy(() -> batching.submit(x(1, 3), Set.of())).isInstanceOf(ModelClosedException.class);
    assertThat(drained).isNotDone();
    backend.release.countDown();
    assertThat(get(a)).isEqualTo(model.predictor().predict(x(2, 1)));
    assertThat(get(b)).isEqualTo(model.predictor().predict(x(1, 2)));
    get(first);
    get(drained);
  }

  @Test
  void close_modelClosedUnderQueuedRequests_theyFailWithModelClosedNoneHangs() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      var first = batching.submit(x(1, 0), Set.of());
      backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
      var a = batching.submit(x(2, 1), Set.of());
      var b = batching.submit(x(1, 2), Set.of());
      model.close();
      backend.release.countDown();
      assertThat(failure(first)).isInstanceOf(ModelClosedException.class);
      assertThat(failure(a)).isInstanceOf(ModelClosedException.class);
      assertThat(failure(b)).isInstanceOf(ModelClosedException.class);
    }
  }

  @Test
  void submit_signatureWithoutBatchAxis_runsEveryRequestAlone() throws Exception {
    Predictor unbatched = new Predictor() {
      private final ModelSignature signature = new ModelSignature(ScaleModel.SIGNATURE.inputs(),
          ScaleModel.SIGNATURE.outputs(), false);

      @Override
      public ModelSignature signature() {
        return signature;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
        return model.predictor().predict(inputs, outputs);
      }
    };
    Recording backend = new Recording(unbatched, true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      var first = batching.submit(x(1, 0), Set.of());
      backend.firstEntered.await(WAIT, TimeUnit.SECONDS);
      var a = batching.submit(x(2, 1), Set.of());
      var b = batching.submit(x(1, 2), Set.of());
      backend.release.countDown();
      get(first);
      assertThat(get(a)).isEqualTo(model.predictor().predict(x(2, 1)));
      assertThat(get(b)).isEqualTo(model.predictor().predict(x(1, 2)));
      assertThat(backend.calls).containsExactly(1L, 2L, 1L);
    }
  }

  @Test
  void submit_invalidRequest_throwsAtOnceWithoutQueueing() {
    try (BatchingPredictor batching = BatchingPredictor.of(model.predictor())) {
      assertThatThrownBy(() -> batching.submit(Map.of("x", Tensor.ofFloats(new float[2], 1, 2)), Set.of()))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x'");
      assertThatThrownBy(() -> batching.submit(x(1, 0), Set.of("nope"))).isInstanceOf(InvalidInputException.class);
      assertThat(batching.queuedRequests()).isZero();
    }
  }

  /** Waits until {@code n} requests are queued (the callers are parked in the batcher). */
  private static void awaitQueued(BatchingPredictor batching, int n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
    while (batching.queuedRequests() < n) {
      if (System.nanoTime() > end) {
        throw new AssertionError("only " + batching.queuedRequests() + " of " + n + " requests were queued");
      }
      Thread.sleep(1);
    }
  }

  @Test
  void predict_loneCaller_runsTheBackendOnItsOwnThread() {
    Recording backend = new Recording(model.predictor(), false);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      assertThat(batching.predict(x(2, 5), Set.of())).isEqualTo(model.predictor().predict(x(2, 5)));
      assertThat(backend.callers).containsExactly(Thread.currentThread());
    }
  }

  @Test
  void predict_withDeadline_neverRunsOnTheCallersThread() {
    Recording backend = new Recording(model.predictor(), false);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      assertThat(batching.predict(x(2, 5), Set.of(), Duration.ofSeconds(WAIT)))
          .isEqualTo(model.predictor().predict(x(2, 5)));
      assertThat(backend.callers).hasSize(1).doesNotContain(Thread.currentThread());
    }
  }

  @Test
  void predict_callersQueuedBehindARunningBatch_oneOfThemRunsTheNextBatchForAll() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      Future<Map<String, Tensor>> first = pool.submit(() -> batching.predict(x(1, 0), Set.of()));
      assertThat(backend.firstEntered.await(WAIT, TimeUnit.SECONDS)).isTrue();
      List<Future<Map<String, Tensor>>> waiting = new ArrayList<>();
      List<Thread> waitingThreads = Collections.synchronizedList(new ArrayList<>());
      for (int i = 1; i <= 3; i++) {
        Map<String, Tensor> in = x(i, i);
        waiting.add(pool.submit(() -> {
          waitingThreads.add(Thread.currentThread());
          return batching.predict(in, Set.of());
        }));
      }
      awaitQueued(batching, 3);
      backend.release.countDown();
      assertThat(get(first)).isEqualTo(model.predictor().predict(x(1, 0)));
      for (int i = 1; i <= 3; i++) {
        assertThat(get(waiting.get(i - 1))).isEqualTo(model.predictor().predict(x(i, i)));
      }
      assertThat(backend.calls).as("rows per backend call").containsExactly(1L, 6L);
      assertThat(waitingThreads).as("the second batch ran on a waiting caller's thread").contains(backend.callers.get(1));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void predict_waitingCallerInterrupted_failsAloneAndTheOthersAreAnswered() throws Exception {
    Recording backend = new Recording(model.predictor(), true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      Future<Map<String, Tensor>> first = pool.submit(() -> batching.predict(x(1, 0), Set.of()));
      assertThat(backend.firstEntered.await(WAIT, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Thread> interruptedThread = new CompletableFuture<>();
      Future<Map<String, Tensor>> interrupted = pool.submit(() -> {
        interruptedThread.complete(Thread.currentThread());
        return batching.predict(x(2, 1), Set.of());
      });
      awaitQueued(batching, 1);
      Future<Map<String, Tensor>> other = pool.submit(() -> batching.predict(x(3, 2), Set.of()));
      awaitQueued(batching, 2);
      get(interruptedThread).interrupt();
      assertThat(failure(interrupted)).isInstanceOf(PredictionException.class).hasMessageContaining("interrupted");
      assertThat(batching.queuedRequests()).as("the interrupted request left the queue").isEqualTo(1);
      backend.release.countDown();
      assertThat(get(first)).isEqualTo(model.predictor().predict(x(1, 0)));
      assertThat(get(other)).isEqualTo(model.predictor().predict(x(3, 2)));
      assertThat(backend.calls).as("the interrupted request's rows were never computed").containsExactly(1L, 3L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void backendThrowsError_onlyThatRequestSeesItAndTheBatcherKeepsServing() throws Exception {
    Predictor failing = new Predictor() {
      @Override
      public ModelSignature signature() {
        return model.predictor().signature();
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
        if (inputs.get("x").dim(0) >= 6) {
          throw new AssertionError("backend bug");
        }
        return model.predictor().predict(inputs, outputs);
      }
    };
    Recording backend = new Recording(failing, true);
    try (BatchingPredictor batching = BatchingPredictor.of(backend, options().build())) {
      var first = batching.submit(x(1, 0), Set.of());
      assertThat(backend.firstEntered.await(WAIT, TimeUnit.SECONDS)).isTrue();
      var bad = batching.submit(x(6, 1), Set.of());
      var good = batching.submit(x(2, 2), Set.of());
      backend.release.countDown();
      get(first);
      assertThat(failure(bad)).isInstanceOf(AssertionError.class).hasMessage("backend bug");
      assertThat(get(good)).isEqualTo(model.predictor().predict(x(2, 2)));
      assertThat(batching.predict(x(1, 3), Set.of())).isEqualTo(model.predictor().predict(x(1, 3)));
    }
  }

  @Test
  void options_setTwice_refusedAndValuesCompareByValue() {
    assertThatThrownBy(() -> BatchingOptions.builder().maxBatchRows(4).maxBatchRows(8))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxBatchRows");
    assertThatThrownBy(() -> BatchingOptions.builder().maxQueueDelay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(InvalidInputException.class);
    BatchingOptions a = BatchingOptions.builder().maxBatchRows(8).timeout(Duration.ofSeconds(1)).build();
    BatchingOptions b = BatchingOptions.builder().timeout(Duration.ofSeconds(1)).maxBatchRows(8).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(BatchingOptions.defaults());
    assertThat(a.toString()).contains("maxBatchRows=8", "timeout=PT1S");
  }
}
