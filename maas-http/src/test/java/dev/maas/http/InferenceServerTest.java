package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance: every endpoint and error path of the server, on a real server on loopback, with
 * every JSON body validated against the protocol's OpenAPI schemas.
 */
class InferenceServerTest {
  private static final String ROW = "{\"id\":\"r1\",\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\","
      + "\"data\":[[1,2,3],[4,5,6]]}]}";

  private ModelStore store;
  private InferenceServer server;
  private OipClient client;

  @BeforeEach
  void start() {
    store = ModelStore.inMemory();
    try (AffineModel one = new AffineModel(1, 0); AffineModel two = new AffineModel(2, 0.5f)) {
      store.publish("m", one);
      store.publish("m", two);
    }
    store.setAlias("m", "production", 1);
    server = InferenceServer.builder().store(store).port(0).maxBodyBytes(4096).build().start();
    client = new OipClient(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
    assertThat(server.openModels()).isZero();
    store.close();
  }

  private static void assertError(OipClient.Answer answer, int status, String fragment) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    OipSchema.assertValid("inference_error_response", answer.body());
    assertThat(answer.body()).contains(fragment).doesNotContain("/tmp").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void health_liveAndReady_answer200WithoutBody() {
    for (String path : List.of("/v2/health/live", "/v2/health/ready")) {
      OipClient.Answer answer = client.get(path);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.bytes()).isEmpty();
      assertThat(answer.header("Content-Type")).as("an empty body claims no media type").isEmpty();
    }
  }

  @Test
  void serverMetadata_validAndAdvertisesExtensions() {
    OipClient.Answer answer = client.get("/v2");
    assertThat(answer.status()).isEqualTo(200);
    OipSchema.assertValid("metadata_server_response", answer.body());
    assertThat(answer.body()).contains("\"name\":\"maas\"").contains("binary_tensor_data").contains("model_repository");
    assertThat(client.get("/v2/").body()).isEqualTo(answer.body());
  }

  @Test
  void modelMetadata_listsSignatureVersionsAndPlatform() {
    OipClient.Answer answer = client.get("/v2/models/m");
    assertThat(answer.status()).isEqualTo(200);
    OipSchema.assertValid("metadata_model_response", answer.body());
    assertThat(answer.body()).isEqualTo("{\"name\":\"m\",\"versions\":[\"1\",\"2\"],\"platform\":\"maas_affine\","
        + "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,3]}],"
        + "\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[-1,1]},"
        + "{\"name\":\"echo\",\"datatype\":\"FP64\",\"shape\":[-1,3]}]}");
    OipClient.Answer v2 = client.get("/v2/models/m/versions/2");
    assertThat(v2.status()).isEqualTo(200);
    OipSchema.assertValid("metadata_model_response", v2.body());
    assertError(client.get("/v2/models/ghost"), 404, "unknown model 'ghost'");
    assertError(client.get("/v2/models/m/versions/7"), 404, "no version 7");
    assertError(client.get("/v2/models/m/versions/x"), 404, "no version 'x'");
  }

  @Test
  void modelReady_byStatusCode() {
    assertThat(client.get("/v2/models/m/ready").status()).isEqualTo(200);
    assertThat(client.get("/v2/models/m/versions/2/ready").status()).isEqualTo(200);
    assertThat(client.get("/v2/models/m/versions/9/ready").status()).isEqualTo(404);
    assertThat(client.get("/v2/models/ghost/ready").status()).isEqualTo(404);
  }

  @Test
  void infer_servesAliasByDefaultAndExplicitVersionOnDemand() {
    OipClient.Answer answer = client.post("/v2/models/m/infer", ROW);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    OipSchema.assertValid("inference_response", answer.body());
    InferenceResponse response = InferenceJson.readResponse(answer.bytes());
    assertThat(response.modelName()).isEqualTo("m");
    assertThat(response.modelVersion()).contains("1");
    assertThat(response.id()).contains("r1");
    assertThat(response.outputs().get(0).tensor()).isEqualTo(Tensor.ofFloats(new float[] {6, 15}, 2, 1));

    OipClient.Answer v2 = client.post("/v2/models/m/versions/2/infer", ROW);
    assertThat(v2.status()).isEqualTo(200);
    OipSchema.assertValid("inference_response", v2.body());
    InferenceResponse second = InferenceJson.readResponse(v2.bytes());
    assertThat(second.modelVersion()).contains("2");
    assertThat(second.outputs().get(0).tensor()).isEqualTo(Tensor.ofFloats(new float[] {12.5f, 30.5f}, 2, 1));
  }

  @Test
  void infer_outputsHonoured_unknownOutputIs400() {
    String one = ROW.replace("}]}", "}],\"outputs\":[{\"name\":\"echo\"}]}");
    OipClient.Answer answer = client.post("/v2/models/m/infer", one);
    assertThat(answer.status()).isEqualTo(200);
    OipSchema.assertValid("inference_response", answer.body());
    assertThat(InferenceJson.readResponse(answer.bytes()).outputs()).extracting(InferenceTensor::name)
        .containsExactly("echo");
    assertError(client.post("/v2/models/m/infer", ROW.replace("}]}", "}],\"outputs\":[{\"name\":\"zz\"}]}")), 400,
        "unknown output 'zz'");
  }

  @Test
  void infer_badInputs_are400WithOneLineReason() {
    assertError(client.post("/v2/models/m/infer", "{\"inputs\":["), 400, "malformed JSON");
    assertError(client.post("/v2/models/m/infer", ROW + ROW), 400, "exactly one JSON object");
    assertError(client.post("/v2/models/m/infer", ROW.replace("[2,3]", "[3,2]")), 400, "nested \\\"data\\\" has 3 elements at level 2");
    assertError(client.post("/v2/models/m/infer", ROW.replace("\"FP32\"", "\"FP64\"")), 400, "expected FP32");
    assertError(client.post("/v2/models/m/infer", ROW.replace("[[1,2,3],[4,5,6]]", "[1,2,3,4,5,1e999]")), 400,
        "outside the range of FP32");
    assertError(client.post("/v2/models/m/infer", ROW.replace("[2,3]", "[4294967296,4294967296]")), 400,
        "the limit");
  }

  @Test
  void unknownModelVersionOrPath_are404_wrongMethodIs405() {
    assertError(client.post("/v2/models/ghost/infer", ROW), 404, "unknown model");
    assertError(client.post("/v2/models/m/versions/3/infer", ROW), 404, "no version 3");
    assertError(client.get("/v3/anything"), 404, "no such path");
    assertError(client.get("/v2/models/m/frobnicate"), 404, "no such path");
    OipClient.Answer wrong = client.get("/v2/models/m/infer");
    assertError(wrong, 405, "use POST");
    assertThat(wrong.header("Allow")).contains("POST");
    assertError(client.post("/v2/health/live", "{}"), 405, "use GET");
  }

  @Test
  void bodyOverLimit_is413_declaredOrChunked() {
    String big = ROW.replace("\"id\":\"r1\"", "\"id\":\"" + "a".repeat(5000) + "\"");
    assertError(client.post("/v2/models/m/infer", big), 413, "larger than the limit of 4 KiB");
    byte[] bytes = big.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OipClient.Answer chunked = client.send("POST", "/v2/models/m/infer",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
    assertError(chunked, 413, "larger than the limit");
    assertThat(client.post("/v2/models/m/infer", ROW).status()).isEqualTo(200);
  }

  @Test
  void binaryExtension_inputsAndOutputs() {
    InferenceRequest request = new InferenceRequest(java.util.Optional.of("b"),
        Map.of(Codec.BINARY_DATA_OUTPUT, true),
        List.of(InferenceTensor.of("x", Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))),
        List.of(new RequestedOutput("y", Map.of()), new RequestedOutput("echo", Map.of(Codec.BINARY_DATA, false))));
    Codec.Encoded encoded = Codec.DEFAULT.encodeRequest(request, true);
    OipClient.Answer answer = client.post("/v2/models/m/infer", encoded.toBytes(), encoded.json().length);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    int jsonLength = Integer.parseInt(answer.header("Inference-Header-Content-Length").orElseThrow());
    assertThat(answer.header("Content-Type")).contains("application/octet-stream");
    String header = new String(answer.bytes(), 0, jsonLength, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(header).contains("\"binary_data_size\":8");
    assertThat(jsonLength + 8).isEqualTo(answer.bytes().length);
    ByteBuffer tail = ByteBuffer.wrap(answer.bytes(), jsonLength, 8).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(tail.getFloat()).isEqualTo(6f);
    assertThat(tail.getFloat()).isEqualTo(15f);
    InferenceResponse response = Codec.DEFAULT.readResponse(answer.bytes(), answer.bytes().length, jsonLength);
    assertThat(response.outputs()).extracting(t -> t.tensor().dataType()).containsExactly(DataType.FP32, DataType.FP64);
  }

  @Test
  void repository_indexUnloadAndLoad() {
    OipClient.Answer index = client.post("/v2/repository/index", "");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).isEqualTo("[{\"name\":\"m\",\"version\":\"1\",\"state\":\"READY\"}]");
    assertThat(client.post("/v2/repository/models/m/unload", "").status()).isEqualTo(200);
    assertThat(client.get("/v2/models/m/ready").status()).isEqualTo(503);
    assertThat(client.get("/v2/health/ready").status()).isEqualTo(200);
    assertError(client.post("/v2/models/m/infer", ROW), 503, "unloaded");
    assertThat(client.post("/v2/repository/index", "").body()).contains("\"state\":\"UNAVAILABLE\"")
        .contains("\"reason\":\"unloaded\"");
    assertThat(client.post("/v2/repository/models/m/load", "").status()).isEqualTo(200);
    assertThat(client.post("/v2/models/m/infer", ROW).status()).isEqualTo(200);
    assertError(client.post("/v2/repository/models/ghost/load", ""), 404, "unknown model");
  }

  @Test
  void metrics_prometheusTextWithHistogramsAndJvm() {
    assertThat(client.post("/v2/models/m/infer", ROW).status()).isEqualTo(200);
    assertThat(client.post("/v2/models/m/infer", "{").status()).isEqualTo(400);
    OipClient.Answer metrics = client.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("maas_http_requests_total{model=\"m\",outcome=\"ok\",status=\"200\",version=\"1\"} 1.0")
        .contains("maas_http_requests_total{model=\"m\",outcome=\"client_error\",status=\"400\",version=\"1\"} 1.0")
        .contains("maas_http_rows_inferred_total{model=\"m\",version=\"1\"} 2.0")
        .contains("maas_http_request_duration_seconds_bucket{model=\"m\",version=\"1\",le=\"+Inf\"} 2")
        .contains("maas_http_compute_duration_seconds_count")
        .contains("maas_http_batch_rows_bucket")
        .contains("maas_http_models_loaded")
        .contains("jvm_memory_used_bytes").contains("process_cpu_seconds_total");
  }

  @Test
  void builder_badSettings_areIllegalArgumentAndAModelGivenTwiceIllegalState() {
    assertThatThrownBy(() -> InferenceServer.builder().port(70_000)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be in [0, 65535], got 70000");
    assertThatThrownBy(() -> InferenceServer.builder().maxInFlight(0))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> InferenceServer.builder().maxBodyBytes(10))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBodyBytes");
    AffineModel model = new AffineModel(1, 0);
    assertThatThrownBy(() -> InferenceServer.builder().model("m", model).model("m", model))
        .isExactlyInstanceOf(IllegalStateException.class).hasMessage("model 'm' is given twice");
  }
}
