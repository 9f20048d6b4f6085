package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.Tensor;
import dev.maas.http.InferenceJson;
import dev.maas.http.InferenceRequest;
import dev.maas.http.InferenceResponse;
import dev.maas.http.InferenceTensor;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real third-party ONNX models (see {@code npm-models/README.md} for where they come from), imported
 * with {@code maas import} and served by a real {@code maas serve} process, answer the same as
 * onnxruntime-node on the same inputs, in JSON and with the binary tensor extension. The models
 * have dynamic dimensions, a scalar INT64 sample-rate input that must be 8000 or 16000 (so the
 * synthesised warm-up request, with 0, fails inside the model), {@code If} nodes, several
 * inputs and outputs, a rank-4 image input (a batch of two) whose batch, height and width are all
 * dynamic, and an output name with dots in it.
 */
class RealOnnxModelsTest {
  /** A model file's base name (in {@code npm-models/}) and fragments its metadata answer must contain. */
  private record Model(String file, String... metadata) {
    String name() {
      return file.replace('_', '-');
    }
  }

  private static final String SCALAR_SR = "\"name\":\"sr\",\"datatype\":\"INT64\",\"shape\":[]";
  private static final List<Model> MODELS = List.of(
      new Model("silero_vad_legacy", SCALAR_SR),
      new Model("silero_vad_v5", SCALAR_SR),
      // one rank-4 image input with three dynamic dimensions, a batch of two; an output whose name has dots
      new Model("ppocr_mobile_v2_cls", "\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[-1,3,-1,-1]",
          "\"name\":\"softmax_0.tmp_0\",\"datatype\":\"FP32\",\"shape\":[-1,2]"));
  private static final double TOLERANCE = 1e-5;

  @TempDir Path dir;

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = RealOnnxModelsTest.class.getResourceAsStream("npm-models/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void npmModels_servedByMaasServe_answerAsOnnxRuntimeNode_jsonAndBinary() throws Exception {
    for (Model model : MODELS) {
      Path file = dir.resolve(model.file() + ".onnx");
      Files.write(file, resource(model.file() + ".onnx"));
      CliProcess.Result imported = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name",
          model.name());
      assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--store", "store", "--port", "0"));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      List<String> served = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("listening on ")) {
        served.add(line);
      }
      assertThat(line).as(String.valueOf(stderr.getNow(""))).isNotNull();
      assertThat(served).hasSize(MODELS.size()).allMatch(s -> s.contains(" version 1 at "));
      URI base = URI.create(line.substring("listening on ".length(), line.indexOf(';')));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

      for (Model entry : MODELS) {
        String model = entry.file();
        String name = entry.name();
        URI infer = base.resolve("/v2/models/" + name + "/infer");
        byte[] requestJson = resource(model + ".request.json");
        InferenceResponse expected = InferenceJson.readResponse(withModelName(resource(model + ".expected.json")));

        HttpResponse<byte[]> json = http.send(HttpRequest.newBuilder(infer).timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(requestJson)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(json.statusCode()).as(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertSameOutputs(model + " (JSON)", InferenceJson.readResponse(json.body()), expected);

        InferenceRequest request = InferenceJson.readRequest(requestJson);
        InferenceRequest binaryOut = new InferenceRequest(request.id(), Map.of("binary_data_output", true),
            request.inputs(), request.outputs());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int header = InferenceJson.writeBinaryRequest(binaryOut, body);
        HttpResponse<byte[]> binary = http.send(HttpRequest.newBuilder(infer).timeout(Duration.ofSeconds(60))
            .header("Inference-Header-Content-Length", Integer.toString(header))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(binary.statusCode()).isEqualTo(200);
        int responseHeader = Integer.parseInt(binary.headers().firstValue("Inference-Header-Content-Length")
            .orElseThrow());
        assertSameOutputs(model + " (binary)", InferenceJson.readResponse(binary.body(), responseHeader), expected);

        HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(base.resolve("/v2/models/" + name)).GET()
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.body()).as(name).contains(entry.metadata());
      }

      // a sample rate the model does not take fails inside ONNX Runtime (an LSTM of the wrong rank):
      // a 500 with ONNX Runtime's message, and one line in the server's log naming the model
      String badRate = new String(resource("silero_vad_v5.request.json"), StandardCharsets.UTF_8)
          .replace("\"name\":\"sr\",\"shape\":[],\"datatype\":\"INT64\",\"data\":[16000]",
              "\"name\":\"sr\",\"shape\":[],\"datatype\":\"INT64\",\"data\":[5]");
      assertThat(badRate).contains("\"data\":[5]");
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> failed = http.send(HttpRequest.newBuilder(base.resolve("/v2/models/silero-vad-v5/infer"))
            .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(badRate)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
        assertThat(failed.body()).contains("ONNX Runtime failed on the request").doesNotContain("\u001B");
      }

      process.toHandle().destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String log = stderr.get(30, TimeUnit.SECONDS);
      assertThat(log).doesNotContain("\u001B[").doesNotContain("Exception")
          .contains("model 'silero-vad-v5' version 1: the synthesised warm-up request failed (served anyway");
      assertThat(log.lines().filter(l -> l.contains("model 'silero-vad-v5' version 1 failed on a request"))).as(log)
          .singleElement().asString().contains("Input X must have 3 dimensions");
    } finally {
      process.destroyForcibly();
    }
  }

  /** The reference file holds only outputs; the protocol's response also names its model. */
  private static byte[] withModelName(byte[] outputsOnly) {
    String text = new String(outputsOnly, StandardCharsets.UTF_8).strip();
    return ("{\"model_name\":\"reference\"," + text.substring(1)).getBytes(StandardCharsets.UTF_8);
  }

  private static void assertSameOutputs(String what, InferenceResponse actual, InferenceResponse expected) {
    Map<String, Tensor> got = new HashMap<>();
    for (InferenceTensor t : actual.outputs()) {
      got.put(t.name(), t.tensor());
    }
    assertThat(got).as(what).hasSize(expected.outputs().size());
    for (InferenceTensor e : expected.outputs()) {
      Tensor a = got.get(e.name());
      assertThat(a).as(what + " " + e.name()).isNotNull();
      assertThat(a.shape()).as(what + " " + e.name()).containsExactly(e.tensor().shape());
      for (int i = 0; i < e.tensor().size(); i++) {
        assertThat(a.getDouble(i)).as(what + " " + e.name() + "[" + i + "]")
            .isCloseTo(e.tensor().getDouble(i), within(TOLERANCE));
      }
    }
  }
}
