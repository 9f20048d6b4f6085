package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving behaviour under load: hot swaps, load shedding, failed versions and graceful shutdown. */
class ServingTest {
  @TempDir Path dir;

  /** A request whose answer proves which version computed it: y = version × (a + b + 1). */
  private static String request(int a, int b) {
    return "{\"id\":\"" + a + "-" + b + "\",\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\","
        + "\"data\":[" + a + "," + b + ",1]}],\"outputs\":[{\"name\":\"y\"}]}";
  }

  private static void publish(ModelStore store, int version) {
    try (AffineModel m = new AffineModel(version, 0)) {
      assertThat(store.publish("m", m).version()).isEqualTo(version);
    }
  }

  /** Runs {@code threads} × {@code requests}, checking that every answer matches its own request. */
  private static List<String> load(OipClient client, int threads, int requests, AtomicInteger lastVersion)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(pool.submit(() -> {
        List<String> failures = new ArrayList<>();
        int seen = 0;
        for (int i = 0; i < requests; i++) {
          OipClient.Answer answer = client.post("/v2/models/m/infer", request(thread, i));
          if (answer.status() != 200) {
            failures.add(answer.status() + " " + answer.body());
            continue;
          }
          InferenceResponse response = InferenceJson.readResponse(answer.bytes());
          int version = Integer.parseInt(response.modelVersion().orElseThrow());
          float y = response.outputs().get(0).tensor().getFloat(0);
          if (!response.id().orElseThrow().equals(thread + "-" + i) || y != version * (thread + i + 1f)) {
            failures.add("answer " + answer.body() + " does not match request " + thread + "-" + i);
          }
          if (version < seen) {
            failures.add("version went back from " + seen + " to " + version);
          }
          seen = version;
          lastVersion.accumulateAndGet(version, Math::max);
        }
        return failures;
      }));
    }
    List<String> failures = new ArrayList<>();
    for (Future<List<String>> f : results) {
      failures.addAll(f.get(10, TimeUnit.MINUTES));
    }
    pool.shutdown();
    return failures;
  }

  @Test
  void loopbackLoad_everyAnswerMatchesItsRequest() throws Exception {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      publish(store, 1);
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        List<String> failures = load(new OipClient(server.uri()), 16, 5000, new AtomicInteger());
        assertThat(failures).isEmpty();
      }
    }
    assertThat(AffineModel.OPEN.get()).isZero();
  }

  @Test
  void hotSwapUnderLoad_noFailedRequest_newVersionsServed_noModelLeftOpen() throws Exception {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      publish(store, 1);
      store.setAlias("m", "production", 1);
      InferenceServer server = InferenceServer.builder().store(store).port(0).pollInterval(Duration.ofMillis(200))
          .build().start();
      OipClient client = new OipClient(server.uri());
      AtomicInteger lastVersion = new AtomicInteger();
      CompletableFuture<List<String>> clients = CompletableFuture.supplyAsync(() -> {
        try {
          return load(client, 16, 500, lastVersion);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      for (int version = 2; version <= 21; version++) {
        publish(store, version);
        store.setAlias("m", "production", version);
        awaitServing(server, version);
      }
      assertThat(clients.get(10, TimeUnit.MINUTES)).isEmpty();
      OipClient.Answer after = client.post("/v2/models/m/infer", request(1, 1));
      assertThat(InferenceJson.readResponse(after.bytes()).modelVersion()).contains("21");
      server.close();
      assertThat(server.openModels()).isZero();
    }
    assertThat(AffineModel.OPEN.get()).isZero();
  }

  private static void awaitServing(InferenceServer server, int version) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!String.valueOf(version).equals(server.servingVersions().get("m"))) {
      assertThat(System.nanoTime()).as("version " + version + " never served").isLessThan(deadline);
      Thread.sleep(5); // polling a condition with a deadline, not synchronising on time
    }
  }

  @Test
  void versionThatFailsToLoad_previousKeepsServing_reasonInIndex() throws Exception {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      publish(store, 1);
      store.setAlias("m", "production", 1);
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        try (AffineModel broken = new AffineModel(Float.NaN, 0)) {
          store.publish("m", broken);
        }
        store.setAlias("m", "production", 2);
        server.registry().reconcile();
        OipClient client = new OipClient(server.uri());
        OipClient.Answer answer = client.post("/v2/models/m/infer", request(1, 2));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(InferenceJson.readResponse(answer.bytes()).modelVersion()).contains("1");
        String index = client.post("/v2/repository/index", "").body();
        assertThat(index).contains("\"version\":\"1\"").contains("\"state\":\"READY\"")
            .contains("version 2: ").contains("broken on purpose").doesNotContain(dir.toString());
        assertThat(client.post("/v2/models/m/versions/2/infer", request(1, 2)).status()).isEqualTo(503);
      }
    }
    assertThat(AffineModel.OPEN.get()).isZero();
  }

  @Test
  void synthesisedWarmUpRefusedByAValidModel_versionServesAnyway() throws Exception {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      try (AffineModel picky = new AffineModel(2, 0, true)) {
        store.publish("m", picky);
      }
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        assertThat(server.servingVersions()).containsEntry("m", "1");
        OipClient client = new OipClient(server.uri());
        OipClient.Answer answer = client.post("/v2/models/m/infer", request(1, 2));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(client.get("/v2/models/m/ready").status()).isEqualTo(200);
        assertThat(client.post("/v2/repository/index", "").body()).contains("\"state\":\"READY\"");
        assertThat(client.post("/v2/models/m/versions/1/infer", request(1, 2)).status()).isEqualTo(200);
      }
    }
    assertThat(AffineModel.OPEN.get()).isZero();
  }

  @Test
  void overload_excessRequestsShedAtOnce_admittedOnesComplete() throws Exception {
    BlockingModel model = new BlockingModel(2);
    try (InferenceServer server = InferenceServer.builder().model("slow", model).port(0).maxInFlightPerModel(2)
        .build().start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/v2/models/slow/infer"))
          .POST(HttpRequest.BodyPublishers.ofString(BlockingModel.REQUEST)).build();
      List<CompletableFuture<HttpResponse<String>>> admitted = List.of(
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString()),
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      assertThat(model.entered.await(60, TimeUnit.SECONDS)).isTrue();
      OipClient client = new OipClient(server.uri());
      for (int i = 0; i < 5; i++) {
        OipClient.Answer shed = client.post("/v2/models/slow/infer", BlockingModel.REQUEST);
        assertThat(shed.status()).isEqualTo(429);
        assertThat(shed.header("Retry-After")).contains("1");
        OipSchema.assertValid("inference_error_response", shed.body());
      }
      model.release.countDown();
      for (CompletableFuture<HttpResponse<String>> f : admitted) {
        assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(client.get("/metrics").body())
          .contains("maas_http_requests_total{model=\"slow\",outcome=\"overloaded\",status=\"429\",version=\"\"} 5.0");
    }
  }

  @Test
  void overload_serverWideLimit_is503() throws Exception {
    BlockingModel model = new BlockingModel(1);
    try (AffineModel fast = new AffineModel(1, 0);
        InferenceServer server = InferenceServer.builder().model("slow", model).model("fast", fast)
            .port(0).maxInFlight(1).build().start()) {
      HttpClient http = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> held = http.sendAsync(
          HttpRequest.newBuilder(server.uri().resolve("/v2/models/slow/infer"))
              .POST(HttpRequest.BodyPublishers.ofString(BlockingModel.REQUEST)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(model.entered.await(60, TimeUnit.SECONDS)).isTrue();
      OipClient.Answer shed = new OipClient(server.uri()).post("/v2/models/fast/infer", request(1, 1));
      assertThat(shed.status()).isEqualTo(503);
      assertThat(shed.header("Retry-After")).isPresent();
      model.release.countDown();
      assertThat(held.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void close_answersRequestsInFlight_thenRefusesConnections() throws Exception {
    BlockingModel model = new BlockingModel(1);
    InferenceServer server = InferenceServer.builder().model("slow", model).port(0).build().start();
    HttpClient http = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
        HttpRequest.newBuilder(server.uri().resolve("/v2/models/slow/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(BlockingModel.REQUEST)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(model.entered.await(60, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Throwable> closeFailure = new AtomicReference<>();
    Thread closer = new Thread(() -> {
      try {
        server.close();
      } catch (Throwable t) {
        closeFailure.set(t);
      }
    });
    closer.start();
    assertThat(inFlight.isDone()).isFalse();
    model.release.countDown();
    HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"data\":[7.0]");
    closer.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(closer.isAlive()).isFalse();
    assertThat(closeFailure.get()).isNull();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new OipClient(server.uri()).get("/v2/health/live")))
        .isNotNull();
  }

  @Test
  void batching_queuedRequestsShareOneBackendCall_answersStayPerRequest() throws Exception {
    BlockingModel model = new BlockingModel(1);
    try (InferenceServer server = InferenceServer.builder().model("slow", model).port(0)
        .batching("slow", dev.maas.BatchingOptions.builder().maxBatchRows(64).build()).build().start()) {
      HttpClient http = HttpClient.newHttpClient();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answers.add(http.sendAsync(HttpRequest.newBuilder(server.uri().resolve("/v2/models/slow/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(BlockingModel.REQUEST.replace("[7]", "[" + i + "]"))).build(),
            HttpResponse.BodyHandlers.ofString()));
        if (i == 0) {
          assertThat(model.entered.await(60, TimeUnit.SECONDS)).isTrue();
        }
      }
      OipClient client = new OipClient(server.uri());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!client.get("/metrics").body().contains("maas_http_queue_duration_seconds_count{model=\"slow\",version=\"\"} 6")) {
        assertThat(System.nanoTime()).as("six requests reach the batcher").isLessThan(deadline);
        Thread.sleep(5); // polling a condition with a deadline
      }
      model.release.countDown();
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> answer = answers.get(i).get(60, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("\"data\":[" + i + ".0]");
      }
      String metrics = client.get("/metrics").body();
      assertThat(metrics).contains("maas_http_backend_executions_total{model=\"slow\",version=\"\"} 2.0")
          .contains("maas_http_batch_rows_bucket{model=\"slow\",version=\"\",le=\"1.0\"} 1")
          .contains("maas_http_batch_rows_count{model=\"slow\",version=\"\"} 2")
          .contains("maas_http_rows_inferred_total{model=\"slow\",version=\"\"} 6.0");
    }
  }
}
