package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maas quickstart} as a newcomer runs it: the whole main job, through a real HTTP server. */
class QuickstartCommandTest {
  @TempDir Path dir;

  @Test
  void quickstart_exitOnFreePort_runsEveryStepAndRerunAddsVersions() {
    String store = dir.resolve("maas-store").toString();
    CliProcess.Result first = CliProcess.run(dir, "quickstart", "--store", store, "--port", "0", "--exit");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdout()).contains("published demo:1", "Estimate", "area_m2", "alias production -> demo:1",
        "published it as demo:2", "/v2/models/demo/versions/1/infer", "/v2/models/demo/versions/2/infer",
        "response: 200 {\"model_name\":\"demo\",\"model_version\":\"2\"", "curl -s http://127.0.0.1:",
        "self-test passed");
    assertThat(dir.resolve("demo-houses.csv")).isRegularFile();
    assertThat(dir.resolve("demo.onnx")).isRegularFile();

    CliProcess.Result again = CliProcess.run(dir, "quickstart", "--store", store, "--port", "0", "--exit");
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout()).contains("published demo:3", "published it as demo:4");
    CliProcess.Result list = CliProcess.run(dir, "models", "list", "--store", store);
    assertThat(list.stdout()).containsPattern("demo\\s+4\\s+4\\s+production=3");
  }

  @Test
  void quickstart_busyPort_oneLineNamingPortFlag() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      CliProcess.Result r = CliProcess.run(dir, "quickstart", "--store", dir.resolve("s").toString(), "--port",
          Integer.toString(taken.getLocalPort()), "--exit");
      ErrorMessagesTest.assertOneLine(r, 1, "in use", "--port");
      assertThat(dir.resolve("s")).doesNotExist();
    }
  }

  @Test
  void quickstart_serving_answersHttpUntilStopped() throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "quickstart", "--store",
        dir.resolve("maas-store").toString(), "--port", "0"));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Pattern serving = Pattern.compile("serving on (http://127\\.0\\.0\\.1:\\d+) until Ctrl-C");
      StringBuilder seen = new StringBuilder();
      URI base = null;
      String line;
      while (base == null && (line = lines.readLine()) != null) {
        seen.append(line).append('\n');
        Matcher m = serving.matcher(line);
        if (m.find()) {
          base = URI.create(m.group(1));
        }
      }
      assertThat(base).as(seen.toString()).isNotNull();
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(base.resolve("/v2/models/demo/infer")).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 4], "
                  + "\"datatype\": \"FP64\", \"data\": [85, 3, 20, 4.5]}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"model_name\":\"demo\"", "\"model_version\":\"1\"");
      process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook closes the server
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
  }
}
