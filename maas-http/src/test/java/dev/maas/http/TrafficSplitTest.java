package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.AliasTarget;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Traffic splits and shadows of the serving alias, through the real server on loopback. */
@Timeout(120)
class TrafficSplitTest {
  @TempDir Path dir;

  /** Version v of model "m" answers y = v × (row sum of x): the answer names the version that computed it. */
  private ModelStore storeWithVersions(int count) {
    ModelStore store = ModelStore.open(dir.resolve("store"));
    for (int v = 1; v <= count; v++) {
      try (AffineModel m = new AffineModel(v, 0)) {
        store.publish("m", m);
      }
    }
    return store;
  }

  private static String request(String id, float a, float b, float c) {
    return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],"
        + "\"datatype\":\"FP32\",\"data\":[" + a + "," + b + "," + c + "]}]}";
  }

  /** The version that answered, after checking that its answer is that version's (y = v × 6 for x = 1, 2, 3). */
  private static int answeredVersion(OipClient.Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    InferenceResponse response = InferenceJson.readResponse(answer.bytes());
    int version = Integer.parseInt(response.modelVersion().orElseThrow());
    float y = response.outputs().get(0).tensor().getFloat(0);
    assertThat(y).as("answer of version %d", version).isEqualTo(version * 6f);
    return version;
  }

  private static double metric(String metrics, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void split_10000Requests_sharesWithinTwoPointsOfWeightsWithAndWithoutIds() throws Exception {
    try (ModelStore store = storeWithVersions(3)) {
      store.setAlias("m", "production", AliasTarget.split(Map.of(1, 70, 2, 20, 3, 10)));
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        OipClient client = new OipClient(server.uri());
        int threads = 8;
        int perThread = 1250;
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              boolean withId = i % 2 == 0;
              String id = withId ? "req-" + thread + "-" + i : null;
              int v = answeredVersion(client.post("/v2/models/m/infer", request(id, 1, 2, 3)));
              counts.computeIfAbsent((withId ? "id:" : "none:") + v, k -> new AtomicInteger()).incrementAndGet();
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(100, TimeUnit.SECONDS);
        }
        pool.shutdown();
        int half = threads * perThread / 2;
        Map<Integer, Integer> weights = Map.of(1, 70, 2, 20, 3, 10);
        for (String kind : List.of("id:", "none:")) {
          for (Map.Entry<Integer, Integer> w : weights.entrySet()) {
            int n = counts.getOrDefault(kind + w.getKey(), new AtomicInteger()).get();
            assertThat(100.0 * n / half).as("%s version %d share", kind, w.getKey())
                .isCloseTo(w.getValue(), org.assertj.core.data.Offset.offset(2.0));
          }
        }
        int total = counts.values().stream().mapToInt(AtomicInteger::get).sum();
        assertThat(total).isEqualTo(threads * perThread);
        String metrics = client.get("/metrics").body();
        double two = metric(metrics, "maas_http_requests_total", "model=\"m\",outcome=\"ok\",status=\"200\",version=\"2\"");
        assertThat(two).isEqualTo(counts.get("id:2").get() + counts.get("none:2").get());
      }
    }
  }

  @Test
  void split_sameId_alwaysSameVersion() throws Exception {
    try (ModelStore store = storeWithVersions(2)) {
      store.setAlias("m", "production", AliasTarget.split(Map.of(1, 50, 2, 50)));
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        OipClient client = new OipClient(server.uri());
        Map<String, Integer> first = new HashMap<>();
        for (int round = 0; round < 4; round++) {
          for (int k = 0; k < 50; k++) {
            String id = "retry-" + k;
            int v = answeredVersion(client.post("/v2/models/m/infer", request(id, 1, 2, 3)));
            assertThat(first.computeIfAbsent(id, x -> v)).as(id).isEqualTo(v);
          }
        }
        assertThat(first.values()).contains(1, 2);
        // the hash of an id does not depend on the process, so another replica routes it the same way
        assertThat(TrafficSplit.hash("retry-7")).isEqualTo(TrafficSplit.hash(new String("retry-7")));
        // an explicit version is never split
        assertThat(answeredVersion(client.post("/v2/models/m/versions/2/infer", request("retry-0", 1, 2, 3))))
            .isEqualTo(2);
        assertThat(server.openModels()).as("the split's own copy of version 2 answered").isEqualTo(2);
      }
    }
  }

  @Test
  void shadow_disagreementMetricEqualsDisagreementComputedHere() throws Exception {
    double tolerance = 0.05;
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      try (AffineModel live = new AffineModel(1, 0); AffineModel candidate = new AffineModel(1.01f, 0)) {
        store.publish("m", live);
        store.publish("m", candidate);
      }
      store.setAlias("m", "production", AliasTarget.of(1).withShadow(2));
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).shadowQueue(256)
          .shadowTolerance(tolerance).build().start();
          Model shadow = store.open("m:2")) {
        OipClient client = new OipClient(server.uri());
        Random random = new Random(23);
        int requests = 200;
        int disagreements = 0;
        for (int i = 0; i < requests; i++) {
          float a = random.nextInt(21) - 10;
          float b = random.nextInt(7) - 3;
          OipClient.Answer answer = client.post("/v2/models/m/infer", request("s" + i, a, b, 0.5f));
          assertThat(answer.status()).as(answer.body()).isEqualTo(200);
          InferenceResponse response = InferenceJson.readResponse(answer.bytes());
          assertThat(response.modelVersion()).contains("1");
          Map<String, Tensor> liveOutputs = new HashMap<>();
          response.outputs().forEach(t -> liveOutputs.put(t.name(), t.tensor()));
          Map<String, Tensor> shadowOutputs = shadow.predictor()
              .predict(Map.of("x", Tensor.ofFloats(new float[] {a, b, 0.5f}, 1, 3)));
          double worst = 0;
          for (Map.Entry<String, Tensor> e : liveOutputs.entrySet()) {
            for (int k = 0; k < e.getValue().size(); k++) {
              worst = Math.max(worst, Math.abs(e.getValue().getDouble(k) - shadowOutputs.get(e.getKey()).getDouble(k)));
            }
          }
          if (worst > tolerance) {
            disagreements++;
          }
        }
        assertThat(server.awaitShadowIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(disagreements).isBetween(1, requests - 1);
        String metrics = client.get("/metrics").body();
        String labels = "live_version=\"1\",model=\"m\",version=\"2\"";
        assertThat(metric(metrics, "maas_shadow_compared_total", labels)).isEqualTo(requests);
        assertThat(metric(metrics, "maas_shadow_disagreements_total", labels)).isEqualTo(disagreements);
        assertThat(metric(metrics, "maas_shadow_requests_total", "model=\"m\",version=\"2\"")).isEqualTo(requests);
        assertThat(metrics).doesNotContain("maas_shadow_dropped_total{");
        // the shadow's own answers never reach the client: every answer above was version 1's
      }
    }
  }

  @Test
  void splitAndShadowMovedUnderLoad_noFailedRequest() throws Exception {
    try (ModelStore store = storeWithVersions(4)) {
      store.setAlias("m", "production", 1);
      int openBefore = AffineModel.OPEN.get();
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).pollInterval(Duration.ofHours(1))
          .build().start()) {
        OipClient client = new OipClient(server.uri());
        int threads = 6;
        int perThread = 400;
        CountDownLatch[] progress = {new CountDownLatch(300), new CountDownLatch(900), new CountDownLatch(1500),
            new CountDownLatch(2100)};
        Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          results.add(pool.submit(() -> {
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
              OipClient.Answer answer = client.post("/v2/models/m/infer",
                  request(i % 3 == 0 ? null : "t" + thread + "-" + i, 1, 2, 3));
              if (answer.status() != 200) {
                failures.add(answer.status() + " " + answer.body());
              } else {
                seen.computeIfAbsent(answeredVersion(answer), v -> new AtomicInteger()).incrementAndGet();
              }
              for (CountDownLatch latch : progress) {
                latch.countDown();
              }
            }
            return failures;
          }));
        }
        List<AliasTarget> moves = List.of(AliasTarget.split(Map.of(1, 90, 2, 10)),
            AliasTarget.split(Map.of(1, 50, 2, 50)).withShadow(3),
            AliasTarget.split(Map.of(2, 80, 3, 20)).withShadow(4),
            AliasTarget.of(4));
        for (int i = 0; i < moves.size(); i++) {
          assertThat(progress[i].await(60, TimeUnit.SECONDS)).isTrue();
          store.setAlias("m", "production", moves.get(i));
          server.registry().reconcile(); // the move is installed when this returns, while the clients keep sending
        }
        List<String> failures = new ArrayList<>();
        for (Future<List<String>> f : results) {
          failures.addAll(f.get(100, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(failures).isEmpty();
        assertThat(seen.keySet()).contains(1, 2, 4);
        assertThat(seen.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(threads * perThread);
        assertThat(answeredVersion(client.post("/v2/models/m/infer", request("after", 1, 2, 3)))).isEqualTo(4);
        assertThat(server.servingVersions()).containsEntry("m", "4");
        assertThat(server.awaitShadowIdle(Duration.ofSeconds(60))).isTrue();
      }
      assertThat(AffineModel.OPEN.get()).isEqualTo(openBefore);
    }
  }

  @Test
  void split_toVersionThatFailsToLoad_keepsServingAsBefore() throws Exception {
    try (ModelStore store = storeWithVersions(1)) {
      try (AffineModel broken = new AffineModel(Float.NaN, 0)) {
        store.publish("m", broken); // version 2: AffineFormat refuses to open a NaN factor
      }
      store.setAlias("m", "production", 1);
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).pollInterval(Duration.ofHours(1))
          .build().start()) {
        OipClient client = new OipClient(server.uri());
        store.setAlias("m", "production", AliasTarget.split(Map.of(1, 50, 2, 50)));
        server.registry().reconcile();
        for (int i = 0; i < 20; i++) {
          assertThat(answeredVersion(client.post("/v2/models/m/infer", request("f" + i, 1, 2, 3)))).isEqualTo(1);
        }
        assertThat(client.post("/v2/repository/index", "{}").body()).contains("version 2");
      }
    }
  }

  @Test
  void split_withModelMemoryBudget_routesByWeightAndShadowsThroughTheCache() throws Exception {
    try (ModelStore store = storeWithVersions(3)) {
      store.setAlias("m", "production", AliasTarget.split(Map.of(1, 75, 2, 25)).withShadow(3));
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).modelMemoryBudget(1L << 30)
          .shadowQueue(2000).build().start()) {
        OipClient client = new OipClient(server.uri());
        int requests = 1000;
        int[] counts = new int[4];
        for (int i = 0; i < requests; i++) {
          counts[answeredVersion(client.post("/v2/models/m/infer", request(i % 2 == 0 ? "c" + i : null, 1, 2, 3)))]++;
        }
        assertThat(counts[3]).isZero();
        assertThat(100.0 * counts[2] / requests).isCloseTo(25, org.assertj.core.data.Offset.offset(4.0));
        assertThat(server.awaitShadowIdle(Duration.ofSeconds(60))).isTrue();
        String metrics = client.get("/metrics").body();
        // version 3 answers 18 where 1 and 2 answer 6 and 12: every comparison disagrees
        assertThat(metric(metrics, "maas_shadow_compared_total", "live_version=\"1\",model=\"m\",version=\"3\"")
            + metric(metrics, "maas_shadow_compared_total", "live_version=\"2\",model=\"m\",version=\"3\""))
            .isEqualTo(requests);
        assertThat(metric(metrics, "maas_shadow_disagreements_total", "live_version=\"2\",model=\"m\",version=\"3\""))
            .isEqualTo(counts[2]);
      }
    }
  }
}
