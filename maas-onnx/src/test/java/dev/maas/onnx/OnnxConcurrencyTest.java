package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.ModelClosedException;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OnnxConcurrencyTest {
  private static final int THREADS = 8;
  private static final int CALLS = 10_000;
  private static final int DISTINCT = 50;

  @Test
  void predict_8threadsx10k_everyAnswerIsForItsOwnInput() throws Exception {
    TestGraphs.Mlp mlp = new TestGraphs.Mlp(21);
    OnnxOptions options = OnnxOptions.builder().intraOpThreads(1).build();
    try (OnnxModel model = OnnxModel.fromBytes(mlp.graph(), options)) {
      Predictor predictor = model.predictor();
      Tensor[][] inputs = new Tensor[THREADS][DISTINCT];
      Tensor[][] expected = new Tensor[THREADS][DISTINCT];
      for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < DISTINCT; i++) {
          float[] x = TestGraphs.randomFloats(TestGraphs.MLP_IN, t * 1000L + i);
          inputs[t][i] = Tensor.ofFloats(x, 1, TestGraphs.MLP_IN);
          expected[t][i] = predictor.predict(Map.of("x", inputs[t][i])).get("y");
          // the single-threaded answer is itself right: FP32 against FP64 Java, 1e-4 absolute
          assertThat(expected[t][i].getDouble(0)).isCloseTo(mlp.predict(x, 1)[0], org.assertj.core.api.Assertions.within(1e-4));
        }
      }
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            int wrong = 0;
            for (int c = 0; c < CALLS; c++) {
              int i = c % DISTINCT;
              Tensor y = predictor.predict(Map.of("x", inputs[thread][i])).get("y");
              if (!y.equals(expected[thread][i])) {
                wrong++;
              }
            }
            return wrong;
          }));
        }
        for (Future<Integer> f : futures) {
          assertThat(f.get(10, TimeUnit.MINUTES)).as("wrong answers").isZero();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void close_underLoad_drainsCallsInFlightRefusesNewOnesThenFreesTheSession() throws Exception {
    TestGraphs.Mlp mlp = new TestGraphs.Mlp(22);
    Tensor x = Tensor.ofFloats(TestGraphs.randomFloats(64 * TestGraphs.MLP_IN, 1), 64, TestGraphs.MLP_IN);
    for (int round = 0; round < 5; round++) {
      OnnxModel model = OnnxModel.fromBytes(mlp.graph());
      Predictor predictor = model.predictor();
      Tensor expected = predictor.predict(Map.of("x", x)).get("y");
      AtomicInteger refused = new AtomicInteger();
      List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
      int loopers = 3;
      CountDownLatch answeredOnce = new CountDownLatch(loopers);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < loopers; t++) {
        Thread thread = new Thread(() -> {
          boolean first = true;
          while (true) {
            try {
              Tensor y = predictor.predict(Map.of("x", x)).get("y");
              if (!y.equals(expected)) {
                unexpected.add(new AssertionError("wrong answer " + y));
              }
              if (first) {
                answeredOnce.countDown();
                first = false;
              }
            } catch (ModelClosedException e) {
              refused.incrementAndGet();
              return;
            } catch (Throwable e) {
              unexpected.add(e);
              return;
            }
          }
        });
        thread.start();
        threads.add(thread);
      }
      // One more call is held in flight: its request map blocks on the backend's first read.
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch proceed = new CountDownLatch(1);
      Map<String, Tensor> holding = new java.util.AbstractMap<>() {
        private final java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);

        @Override
        public Tensor get(Object key) {
          if (first.compareAndSet(true, false)) {
            entered.countDown();
            try {
              proceed.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return "x".equals(key) ? x : null;
        }

        @Override
        public java.util.Set<Entry<String, Tensor>> entrySet() {
          return Map.of("x", x).entrySet();
        }
      };
      CompletableFuture<Tensor> held = CompletableFuture.supplyAsync(() -> predictor.predict(holding).get("y"));
      assertThat(entered.await(60, TimeUnit.SECONDS)).as("the held call is in flight").isTrue();
      assertThat(answeredOnce.await(60, TimeUnit.SECONDS)).as("every thread answered under load").isTrue();

      CompletableFuture<Void> released = model.closeAsync();
      assertThat(released).as("the session stays while a call is in flight").isNotDone();
      proceed.countDown();
      assertThat(held.get(60, TimeUnit.SECONDS)).as("the call in flight at close").isEqualTo(expected);
      for (Thread thread : threads) {
        thread.join(60_000);
        assertThat(thread.isAlive()).as("a thread still calling after close").isFalse();
      }
      released.get(60, TimeUnit.SECONDS);
      assertThat(unexpected).isEmpty();
      assertThat(refused.get()).isEqualTo(loopers);
      assertThat(model.isClosed()).isTrue();
      assertThatThrownBy(() -> predictor.predict(Map.of("x", x))).isInstanceOf(ModelClosedException.class);
    }
  }
}
