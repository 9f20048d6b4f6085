package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Unload, load and on-demand version loads racing one another and {@code close()}: whatever the
 * interleaving, every answer is a success or a retryable refusal, and once the server is closed no
 * model it opened is left open.
 */
class LifecycleRaceTest {
  private static final String ROW = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\","
      + "\"data\":[1,2,3]}]}";

  @Test
  void unloadLoadAndOnDemandVersions_8clientsBy300cycles_noModelLeftOpenAfterClose() throws Exception {
    Set<String> statuses = ConcurrentHashMap.newKeySet();
    try (ModelStore store = ModelStore.inMemory()) {
      for (int v = 1; v <= 3; v++) {
        try (AffineModel m = new AffineModel(v, 0)) {
          store.publish("m", m);
        }
      }
      InferenceServer server = InferenceServer.builder().store(store).port(0).maxVersionsOnDemand(1).build().start();
      OipClient client = new OipClient(server.uri());
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int id = c;
        done.add(clients.submit(() -> {
          for (int cycle = 0; cycle < 300; cycle++) {
            OipClient.Answer a = switch ((id + cycle) % 5) {
              case 0 -> client.post("/v2/repository/models/m/unload", "");
              case 1 -> client.post("/v2/repository/models/m/load", "");
              case 2 -> client.post("/v2/models/m/versions/" + (1 + cycle % 2) + "/infer", ROW);
              case 3 -> client.get("/v2/models/m/versions/" + (1 + cycle % 2));
              default -> client.post("/v2/models/m/infer", ROW);
            };
            statuses.add(a.status() + (a.status() >= 500 && a.status() != 503 ? " " + a.body() : ""));
          }
          return null;
        }));
      }
      // close while the clients are still cycling: close races the loads too
      done.get(0).get(120, TimeUnit.SECONDS);
      server.close();
      clients.shutdown();
      assertThat(clients.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
      assertThat(server.openModels()).isZero();
    }
    assertThat(AffineModel.OPEN.get()).isZero();
    assertThat(statuses).isSubsetOf("200", "400", "503");
    assertThat(statuses).contains("200", "503");
  }
}
