package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.ModelStore;
import dev.maas.PublishOptions;
import dev.maas.explain.Background;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The explain extension over HTTP, on a store whose version carries a background data set. */
class ExplainActionTest {
  @TempDir Path dir;

  private static final String ROWS = "{\"id\":\"e1\",\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\","
      + "\"data\":[3,3,3,1,2,3]}]}";

  @Test
  void explain_storedBackground_answersShapleyValuesThatAddUp() {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      Background background = Background.of(List.of("a", "b", "c"), new double[][] {{0, 0, 0}, {2, 4, 6}});
      try (AffineModel m = new AffineModel(2, 0.5f)) {
        store.publish("m", m, PublishOptions.builder().extraFile(Background.FILE_NAME, background.toJson()).build());
      }
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        OipClient client = new OipClient(server.uri());
        OipClient.Answer answer = client.post("/v2/models/m/explain", ROWS);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        OipSchema.assertValid("inference_response", answer.body());
        InferenceResponse response = InferenceJson.readResponse(answer.bytes());
        assertThat(response.modelVersion()).contains("1");
        assertThat(response.id()).contains("e1");
        assertThat(response.parameters()).containsEntry("features", "a,b,c").containsEntry("explained_output", "y");
        InferenceTensor attributions = response.outputs().get(0);
        assertThat(attributions.name()).isEqualTo("attributions");
        assertThat(attributions.tensor().shape()).containsExactly(2, 3);
        // y = 2 (a + b + c) + 0.5; background means (1, 2, 3): phi_j = 2 (x_j - mean_j)
        double[] expected = {4, 2, 0, 0, 0, 0};
        for (int i = 0; i < expected.length; i++) {
          assertThat(attributions.tensor().getDouble(i)).isCloseTo(expected[i], within(1e-4));
        }
        assertThat(response.outputs().get(1).name()).isEqualTo("base_value");
        assertThat(response.outputs().get(1).tensor().getDouble(0)).isCloseTo(12.5, within(1e-4));
        assertThat(response.outputs().get(2).name()).isEqualTo("prediction");
        assertThat(response.outputs().get(2).tensor().getDouble(0)).isCloseTo(18.5, within(1e-4));
        assertThat(response.outputs().get(2).tensor().getDouble(1)).isCloseTo(12.5, within(1e-4));
      }
    }
  }

  @Test
  void explain_versionWithoutBackground_is400AndServerKeepsServing() {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      try (AffineModel m = new AffineModel(1, 0)) {
        store.publish("m", m);
      }
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        OipClient client = new OipClient(server.uri());
        OipClient.Answer answer = client.post("/v2/models/m/explain", ROWS);
        assertThat(answer.status()).isEqualTo(400);
        OipSchema.assertValid("inference_error_response", answer.body());
        assertThat(answer.body()).contains("no stored background");
        assertThat(client.get("/v2").body()).contains("\"explain\"");
        assertThat(client.post("/v2/models/m/infer", ROWS).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void explain_moreRowsThanTheCap_is413BeforeExplaining() {
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      Background background = Background.of(List.of("a", "b", "c"), new double[][] {{0, 0, 0}, {2, 4, 6}});
      try (AffineModel m = new AffineModel(2, 0.5f)) {
        store.publish("m", m, PublishOptions.builder().extraFile(Background.FILE_NAME, background.toJson()).build());
      }
      int rows = ExplainAction.MAX_ROWS + 1;
      String data = "1,2,3,".repeat(rows);
      String body = "{\"inputs\":[{\"name\":\"x\",\"shape\":[" + rows + ",3],\"datatype\":\"FP32\",\"data\":["
          + data.substring(0, data.length() - 1) + "]}]}";
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        OipClient.Answer answer = new OipClient(server.uri()).post("/v2/models/m/explain", body);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("at most " + ExplainAction.MAX_ROWS + " rows");
      }
    }
  }
}
