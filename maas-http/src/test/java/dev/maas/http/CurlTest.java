package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code curl} as a separate process, as a user would call the server, JSON and binary. */
class CurlTest {
  @TempDir Path dir;

  private static String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void curl_jsonAndBinaryRequests() throws Exception {
    try (AffineModel model = new AffineModel(2, 1);
        InferenceServer server = InferenceServer.builder().model("m", model).port(0).build().start()) {
      String base = server.uri().toString();
      assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", base + "/v2/health/ready")).isEqualTo("200");
      String json = curl("-H", "Content-Type: application/json", "-d",
          "{\"id\":\"c1\",\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}],"
              + "\"outputs\":[{\"name\":\"y\"}]}", base + "/v2/models/m/infer");
      assertThat(json).isEqualTo("{\"model_name\":\"m\",\"id\":\"c1\",\"outputs\":[{\"name\":\"y\",\"shape\":[1,1],"
          + "\"datatype\":\"FP32\",\"data\":[13.0]}]}");
      OipSchema.assertValid("inference_response", json);

      InferenceRequest request = new InferenceRequest(java.util.Optional.empty(), Map.of(Codec.BINARY_DATA_OUTPUT, true),
          List.of(InferenceTensor.of("x", Tensor.ofFloats(new float[] {1, 1, 1, 2, 2, 2}, 2, 3))),
          List.of(RequestedOutput.of("y")));
      Codec.Encoded encoded = Codec.DEFAULT.encodeRequest(request, true);
      Path body = Files.write(dir.resolve("body.bin"), encoded.toBytes());
      Path headers = dir.resolve("headers.txt");
      Path out = dir.resolve("out.bin");
      curl("-D", headers.toString(), "-o", out.toString(), "-H", "Content-Type: application/octet-stream",
          "-H", "Inference-Header-Content-Length: " + encoded.json().length, "--data-binary", "@" + body,
          base + "/v2/models/m/infer");
      int jsonLength = Files.readAllLines(headers).stream()
          .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("inference-header-content-length:"))
          .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElseThrow();
      byte[] answer = Files.readAllBytes(out);
      assertThat(answer).hasSize(jsonLength + 8);
      ByteBuffer floats = ByteBuffer.wrap(answer, jsonLength, 8).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(floats.getFloat()).isEqualTo(7f);
      assertThat(floats.getFloat()).isEqualTo(13f);

      String error = curl("-w", " %{http_code}", "-d", "{\"inputs\":[{}]", base + "/v2/models/m/infer");
      assertThat(error).startsWith("{\"error\":\"").endsWith(" 400");
    }
  }
}
