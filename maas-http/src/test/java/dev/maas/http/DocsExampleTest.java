package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example of docs/http-api.md, as written there (port 0 instead of 8080, so that it always binds). */
class DocsExampleTest {
  @TempDir Path dir;

  @Test
  void httpApiExample_startsServesAndCloses() {
    try (AffineModel model = new AffineModel(1, 0); ModelStore seed = ModelStore.open(dir.resolve("maas-store"))) {
      seed.publish("demo", model);
    }
    try (ModelStore store = ModelStore.open(dir.resolve("maas-store"));
         InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
      System.out.println("serving on " + server.uri());
      assertThat(new OipClient(server.uri()).get("/v2/models/demo/ready").status()).isEqualTo(200);
    }
    assertThat(AffineModel.OPEN.get()).isZero();
  }
}
