package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        "response: 200 {\"model_name\":\"demo\",\"model_version\":\"2\"", "self-test passed",
        "./maas explain demo@production --store " + store + " --input demo-houses-new.csv");
    assertThat(first.stdout()).as("no curl line for a server that --exit stopped").doesNotContain("curl");
    assertThat(first.stdout().indexOf("published demo:1")).as("published in step 3, not before")
        .isGreaterThan(first.stdout().indexOf("[3/6] publish"));
    assertThat(dir.resolve("demo-houses.csv")).isRegularFile();
    assertThat(dir.resolve("demo.onnx")).isRegularFile();
    explainedOnnxPrediction_equalsPredict(store);

    CliProcess.Result again = CliProcess.run(dir, "quickstart", "--store", store, "--port", "0", "--exit");
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout()).contains("published demo:3", "published it as demo:4");
    CliProcess.Result list = CliProcess.run(dir, "models", "list", "--store", store);
    assertThat(list.stdout()).containsPattern("demo\\s+4\\s+4\\s+production=3");
  }

  /**
   * The exported ONNX version, explained against a background whose columns are in another order
   * and include columns the model does not use (the training file itself, reordered), explains
   * the prediction that {@code maas predict} gives for the same row; the stored background works too.
   */
  private void explainedOnnxPrediction_equalsPredict(String store) {
    try {
      List<String> training = Files.readAllLines(dir.resolve("demo-houses.csv"));
      List<String> header = List.of(training.get(0).split(","));
      List<String> order = List.of("price_eur", "distance_km", "age_years", "area_m2", "bedrooms");
      StringBuilder background = new StringBuilder("note," + String.join(",", order) + "\n");
      for (String line : training.subList(1, 81)) {
        String[] cells = line.split(",");
        background.append("x");
        for (String column : order) {
          background.append(',').append(cells[header.indexOf(column)]);
        }
        background.append('\n');
      }
      Path bg = Files.writeString(dir.resolve("bg-reordered.csv"), background);
      Path row = Files.writeString(dir.resolve("one-house.csv"), "age_years,id,bedrooms,distance_km,area_m2\n20,7,3,4.5,85\n");
      CliProcess.Result predicted = CliProcess.run(dir, "predict", "demo:2", "--store", store, "--input",
          row.toString(), "--output", dir.resolve("one-score.csv").toString());
      assertThat(predicted.exitCode()).as(predicted.stderr()).isZero();
      double prediction = Double.parseDouble(Files.readAllLines(dir.resolve("one-score.csv")).get(1));
      for (List<String> background0 : List.of(List.of("--background", bg.toString()), List.<String>of())) {
        List<String> args = new ArrayList<>(List.of("explain", "demo:2", "--store", store, "--input", row.toString(),
            "--json"));
        args.addAll(background0);
        CliProcess.Result explained = CliProcess.run(dir, args.toArray(new String[0]));
        assertThat(explained.exitCode()).as(explained.stderr()).isZero();
        Matcher m = Pattern.compile("\"prediction\":([-0-9.eE]+)").matcher(explained.stdout());
        assertThat(m.find()).as(explained.stdout()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as(explained.stdout()).isCloseTo(prediction, within(0.5));
        assertThat(explained.stdout()).contains("\"features\":[\"area_m2\",\"bedrooms\",\"age_years\",\"distance_km\"]");
      }
      CliProcess.Result table = CliProcess.run(dir, "explain", "demo@production", "--store", store, "--input",
          dir.resolve("demo-houses-new.csv").toString());
      assertThat(table.exitCode()).as(table.stderr()).isZero();
      assertThat(table.stdout()).contains("demo:1, output 'prediction'", "columns: area_m2, bedrooms, age_years, "
          + "distance_km (the model's features, read by name; other columns ignored)", "row 2: prediction 276807");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
      for (String version : List.of("", "/versions/2")) {
        HttpResponse<String> explained = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(base.resolve("/v2/models/demo" + version + "/explain"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 4], "
                    + "\"datatype\": \"FP64\", \"data\": [85, 3, 20, 4.5]}]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(explained.statusCode()).as(explained.body()).isEqualTo(200);
        assertThat(explained.body()).contains("\"features\":\"area_m2,bedrooms,age_years,distance_km\"",
            "\"name\":\"attributions\"");
      }
      assertThat(seen.toString()).contains("/v2/models/demo/explain");
      process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook closes the server
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
  }
}
