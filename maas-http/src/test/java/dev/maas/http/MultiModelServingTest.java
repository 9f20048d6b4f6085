package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelCache;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many models under a model memory budget: on-demand loads, LRU eviction, a cache shared in-process. */
@Timeout(180)
class MultiModelServingTest {
  /** Each artifact is "1NN.0 0.0" (9 bytes); with the factor below a version weighs 9000 bytes. */
  private static final long WEIGHT = 9000;

  @TempDir Path dir;

  private static String request(int a, int b) {
    return "{\"id\":\"" + a + "-" + b + "\",\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\","
        + "\"data\":[" + a + "," + b + ",1]}],\"outputs\":[{\"name\":\"y\"}]}";
  }

  @Test
  void randomMix_100ModelsBudgetFor10_everyAnswerRightWithinBudgetNothingLeaked() throws Exception {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      for (int i = 1; i <= 100; i++) {
        try (AffineModel m = new AffineModel(100 + i, 0)) {
          store.publish("m" + i, m);
        }
      }
      assertThat(AffineModel.OPEN.get()).isZero();
      try (ModelCache cache = ModelCache.builder(store).memoryBudget(10 * WEIGHT).formatFactor("affine", 1000)
          .measureResidentMemory(false).maxWait(Duration.ofSeconds(60)).build();
          InferenceServer server = InferenceServer.builder().store(store).port(0).modelCache(cache)
              .keepLoaded(List.of("m1")).build().start()) {
        assertThat(cache.loaded()).containsExactly("m1:1");
        OipClient client = new OipClient(server.uri());
        int threadsBefore = Thread.activeCount();
        AtomicLong maxUsed = new AtomicLong();
        AtomicLong maxThreads = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          int thread = t;
          results.add(pool.submit(() -> {
            List<String> failures = new ArrayList<>();
            Random random = new Random(7 + thread);
            for (int i = 0; i < 100; i++) {
              int m = random.nextInt(3) == 0 ? 1 + random.nextInt(100) : 1 + random.nextInt(12);
              float expected = (100 + m) * (thread + i + 1f);
              if (thread == 0 && i % 4 == 0) {
                // an in-process user of the same cache, beside the server
                try (ModelCache.Lease lease = cache.acquire("m" + m)) {
                  float y = lease.predictor().predict(Map.of("x", Tensor.ofFloats(new float[] {thread, i, 1}, 1, 3)))
                      .get("y").getFloat(0);
                  if (y != expected) {
                    failures.add("in-process m" + m + ": " + y + " != " + expected);
                  }
                }
              } else {
                OipClient.Answer answer = client.post("/v2/models/m" + m + "/infer", request(thread, i));
                if (answer.status() != 200) {
                  failures.add("m" + m + ": " + answer.status() + " " + answer.body());
                } else {
                  InferenceResponse response = InferenceJson.readResponse(answer.bytes());
                  float y = response.outputs().get(0).tensor().getFloat(0);
                  if (y != expected || !response.modelName().equals("m" + m)) {
                    failures.add("m" + m + ": " + y + " != " + expected);
                  }
                }
              }
              maxUsed.accumulateAndGet(cache.stats().bytesUsed(), Math::max);
              maxThreads.accumulateAndGet(Thread.activeCount(), Math::max);
            }
            return failures;
          }));
        }
        List<String> failures = new ArrayList<>();
        for (Future<List<String>> f : results) {
          failures.addAll(f.get(150, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(failures).isEmpty();
        ModelCache.Stats stats = cache.stats();
        assertThat(maxUsed.get()).isLessThanOrEqualTo(10 * WEIGHT);
        assertThat(stats.modelsLoaded()).isLessThanOrEqualTo(10);
        assertThat(cache.loaded()).contains("m1:1");
        assertThat(stats.evictions()).isGreaterThan(50);
        assertThat(stats.loads()).isEqualTo(stats.evictions() + stats.modelsLoaded());
        // the server's own threads do not grow with the models loaded and evicted
        assertThat(maxThreads.get()).isLessThanOrEqualTo(threadsBefore + 16 + 64);
        assertThat(AffineModel.OPEN.get()).isEqualTo(stats.modelsLoaded());

        OipClient.Answer metrics = client.get("/metrics");
        assertThat(metrics.body()).contains("maas_cache_evictions_total " + (double) stats.evictions())
            .contains("maas_cache_loads_total " + (double) stats.loads())
            .contains("maas_cache_budget_bytes " + (double) (10 * WEIGHT))
            .contains("maas_cache_load_duration_seconds_count " + stats.loads())
            .contains("maas_cache_models_loaded " + (double) stats.modelsLoaded())
            .contains("maas_cache_misses_total");
      }
      assertThat(AffineModel.OPEN.get()).isZero();
    }
  }

  @Test
  void modelHeavierThanBudget_answered507WithClearError() throws Exception {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      try (AffineModel m = new AffineModel(101, 0)) {
        store.publish("big", m);
      }
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).modelMemoryBudget(5).build()
          .start()) {
        OipClient.Answer answer = new OipClient(server.uri()).post("/v2/models/big/infer", request(1, 1));
        assertThat(answer.status()).isEqualTo(507);
        assertThat(answer.body()).contains("more than the whole memory budget of 5 bytes");
        assertThat(AffineModel.OPEN.get()).isZero();
      }
    }
  }

  @Test
  void memoryBudget_nothingLoadedAtStartThenLoadedOnFirstRequest() throws Exception {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      for (int i = 1; i <= 3; i++) {
        try (AffineModel m = new AffineModel(100 + i, 0)) {
          store.publish("m" + i, m);
        }
      }
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).modelMemoryBudget(1 << 20).build()
          .start()) {
        assertThat(AffineModel.OPEN.get()).isZero();
        OipClient client = new OipClient(server.uri());
        assertThat(client.get("/v2/health/ready").status()).isEqualTo(200);
        assertThat(client.get("/v2/models/m2/ready").status()).isEqualTo(200);
        assertThat(client.post("/v2/models/m2/infer", request(1, 1)).status()).isEqualTo(200);
        assertThat(AffineModel.OPEN.get()).isEqualTo(1);
        assertThat(client.get("/metrics").body()).contains("maas_cache_models_loaded 1.0");
      }
      assertThat(AffineModel.OPEN.get()).isZero();
    }
  }
}
