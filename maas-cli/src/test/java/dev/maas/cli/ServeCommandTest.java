package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maas serve} as a real process: start, answer a request, stop on SIGTERM. */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void serve_answersRequests_andStopsGracefullyOnSigterm() throws Exception {
    Path file = ImportCommandTest.writeAddMul(dir.resolve("addmul.onnx"));
    CliProcess.Result imported = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "addmul");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--store", "store", "--port", "0"));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String served = out.readLine();
      String listening = out.readLine();
      assertThat(served).as(String.valueOf(stderr.getNow(""))).matches(
          "serving addmul version 1 at http://127\\.0\\.0\\.1:\\d+/v2/models/addmul");
      assertThat(listening).startsWith("listening on http://127.0.0.1:").endsWith("; Ctrl-C stops");
      URI base = URI.create(listening.substring("listening on ".length(), listening.indexOf(';')));

      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v2/models/addmul/infer"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":["
              + "{\"name\":\"a\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]},"
              + "{\"name\":\"b\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[3,4]}],"
              + "\"outputs\":[{\"name\":\"sum\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("{\"model_name\":\"addmul\",\"model_version\":\"1\",\"outputs\":["
          + "{\"name\":\"sum\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[4.0,6.0]}]}");

      process.toHandle().destroy(); // SIGTERM, leaving our ends of its pipes open to read what it says
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(stderr.get(30, TimeUnit.SECONDS)).contains("maas: stopping").contains("maas: stopped")
          .doesNotContain("Exception");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void serve_busyPort_isOneClearLine() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("store"));
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliProcess.Result result = CliProcess.run(dir, "serve", "--store", "store", "--port",
          Integer.toString(taken.getLocalPort()));
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr().strip()).isEqualTo("maas: port " + taken.getLocalPort()
          + " is in use; choose another with --port");
    }
  }

  @Test
  void driftWindow_rowsTimeOrAll_parseToTheirWindows() {
    assertThat(ServeCommand.parseWindow("10000")).isEqualTo(dev.maas.monitor.Window.ofRows(10_000));
    assertThat(ServeCommand.parseWindow("15m")).isEqualTo(dev.maas.monitor.Window.ofDuration(java.time.Duration.ofMinutes(15)));
    assertThat(ServeCommand.parseWindow("1h")).isEqualTo(dev.maas.monitor.Window.ofDuration(java.time.Duration.ofHours(1)));
    assertThat(ServeCommand.parseWindow("600s")).isEqualTo(dev.maas.monitor.Window.ofDuration(java.time.Duration.ofSeconds(600)));
    assertThat(ServeCommand.parseWindow(" ALL ")).isEqualTo(dev.maas.monitor.Window.unbounded());
  }

  @Test
  void serve_badDriftWindowOrFeatureCap_isOneClearLine() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("store"));
    for (String window : List.of("5", "10x", "0m", "")) {
      CliProcess.Result result = CliProcess.run(dir, "serve", "--store", "store", "--port", "0", "--drift-window",
          window);
      assertThat(result.exitCode()).as(window).isNotZero();
      assertThat(result.stderr().strip()).as(window).isEqualTo("maas: --drift-window: '" + window + "' is not a"
          + " window such as 10000 (rows, at least 10), 30m, 1h or all");
    }
    CliProcess.Result features = CliProcess.run(dir, "serve", "--store", "store", "--port", "0",
        "--drift-max-features", "0");
    assertThat(features.exitCode()).isNotZero();
    assertThat(features.stderr().strip()).isEqualTo("maas: --drift-max-features must be 1 to 10000, got 0");
  }

  /**
   * A client that asks for a large answer and never reads it: with {@code --response-timeout 1s} the
   * server closes the connection and frees the request's admission slot (without the deadline the
   * slot stays taken, and the wait below runs out). Polls the server's own gauge, no sleeps.
   */
  @Test
  void serve_clientThatNeverReadsItsAnswer_isCutOffByTheResponseTimeout() throws Exception {
    java.nio.file.Path model = dir.resolve("big.onnx");
    dev.maas.onnx.OnnxGraph.builder("big").input("dims", dev.maas.DataType.INT64, "2")
        .node("ConstantOfShape", List.of("dims"), List.of("y"),
            java.util.Map.of("value", dev.maas.Tensor.ofFloats(new float[] {1.5f}, 1)))
        .output("y", dev.maas.DataType.FP32, "rows", "cols").build().writeTo(model);
    CliProcess.Result imported = CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name", "big");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--store", "store", "--port", "0", "--response-timeout", "1s"));
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      out.readLine();
      String listening = out.readLine();
      URI base = URI.create(listening.substring("listening on ".length(), listening.indexOf(';')));
      HttpClient http = HttpClient.newHttpClient();
      byte[] body = "{\"inputs\":[{\"name\":\"dims\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[2000,2000]}]}"
          .getBytes(StandardCharsets.UTF_8);
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.setReceiveBufferSize(4096); // before connecting, so the window stays small
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
        socket.getOutputStream().write(("POST /v2/models/big/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
            + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        // admitted and answering (a 4,000,000-value answer does not fit the socket buffers) ...
        assertThat(waitForInFlight(http, base, 1)).as("the request was admitted").isTrue();
        // ... then cut off by the response deadline, which frees its slot
        assertThat(waitForInFlight(http, base, 0)).as("the unread answer's slot was freed").isTrue();
        socket.setSoTimeout(30_000);
        String received = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(received).as("the answer was cut short").doesNotEndWith("]}]}");
      } catch (java.net.SocketException reset) {
        // a reset instead of an orderly close is also the server closing the connection
        assertThat(reset.getMessage()).isNotEmpty();
      }
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/v2/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    } finally {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Polls {@code maas_http_requests_in_flight} of model big until it is {@code n}, for at most 30 s. */
  private static boolean waitForInFlight(HttpClient http, URI base, int n) throws Exception {
    java.util.regex.Pattern gauge = java.util.regex.Pattern.compile(
        "(?m)^maas_http_requests_in_flight\\{model=\"big\"\\} (\\S+)$");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      java.util.regex.Matcher m = gauge.matcher(metrics);
      if (m.find() && Double.parseDouble(m.group(1)) == n) {
        return true;
      }
      Thread.onSpinWait();
    }
    return false;
  }
}
