package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxGraph;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maas optimize --quantize} end to end: the store, {@code models show}, {@code maas serve}, refusals. */
class QuantizeCommandTest {
  @TempDir Path dir;
  private Path eval;

  private static float[] gaussian(Random r, int n, double sd) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextGaussian() * sd);
    }
    return out;
  }

  /** A classifier MLP 64-128-10 (Gemm, Relu, MatMul, Softmax) imported as m:1, and 4 requests of 8 rows. */
  @BeforeEach
  void importMlp() throws Exception {
    Random r = new Random(3);
    Path file = dir.resolve("mlp.onnx");
    OnnxGraph.builder("mlp").input("x", DataType.FP32, "batch", "64")
        .initializer("w1", Tensor.ofFloats(gaussian(r, 64 * 128, 0.15), 64, 128))
        .initializer("b1", Tensor.ofFloats(gaussian(r, 128, 0.1), 128))
        .initializer("w2", Tensor.ofFloats(gaussian(r, 128 * 64, 0.15), 128, 64))
        .node("Gemm", List.of("x", "w1", "b1"), List.of("h")).node("Relu", List.of("h"), List.of("a"))
        .node("MatMul", List.of("a", "w2"), List.of("logits"))
        .node("Softmax", List.of("logits"), List.of("y"), Map.of("axis", 1L))
        .output("y", DataType.FP32, "batch", "64").build().writeTo(file);
    CliProcess.Result imported = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "m");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      lines.append(request(gaussian(r, 8 * 64, 1.0), 8)).append('\n');
    }
    eval = Files.writeString(dir.resolve("eval.jsonl"), lines.toString());
  }

  private static String request(float[] x, int rows) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < x.length; i++) {
      data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", x[i]));
    }
    return "{\"inputs\":[{\"name\":\"x\",\"shape\":[" + rows + ",64],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
  }

  private static double number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":([-0-9.Ee]+)").matcher(json);
    assertThat(m.find()).as(field + " in " + json).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static double[] data(String json) {
    Matcher m = Pattern.compile("\"data\":\\[([^\\]]*)\\]").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    return Arrays.stream(m.group(1).split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  @Test
  void quantize_int8Dynamic_publishesNextVersionWithLineageAndAccuracyShownAndServed() throws Exception {
    CliProcess.Result q = CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "int8-dynamic",
        "--per-channel", "--eval", eval.toString(), "--json");
    assertThat(q.exitCode()).as(q.stderr()).isZero();
    String json = q.stdout().strip();
    assertThat(json).startsWith("{\"model\":\"m\",\"version\":2,\"reference\":\"m:2\",\"parent\":\"m:1\","
        + "\"method\":\"int8-dynamic\",\"settings\":{\"method\":\"int8-dynamic\",\"granularity\":\"per-channel\"");
    assertThat(number(json, "relative_l2")).isGreaterThan(0).isLessThan(0.05);
    assertThat(number(json, "top1_agreement")).isGreaterThan(0.8);
    assertThat(number(json, "requests")).isEqualTo(4);
    assertThat(number(json, "size_bytes") / number(json, "parent_size_bytes")).isLessThan(0.35);

    CliProcess.Result shown = CliProcess.run(dir, "models", "show", "m:2", "--store", "store");
    assertThat(shown.exitCode()).as(shown.stderr()).isZero();
    assertThat(shown.stdout()).contains("parent=m:1", "quantization.method=int8-dynamic",
        "quantization.granularity=per-channel", "quantization.relative_l2=", "quantization.top1_agreement=",
        "quantization.eval_data=eval.jsonl");

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--store", "store", "--port", "0"));
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
      assertThat(served).as(String.valueOf(stderr.getNow(""))).contains("serving m version 2");
      URI base = URI.create(listening.substring("listening on ".length(), listening.indexOf(';')));
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(base.resolve("/v2/models/m")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.body()).contains("\"parameters\":{\"quantization\":{\"parent\":\"m:1\"",
          "\"method\":\"int8-dynamic\"", "\"relative_l2\":");
      String body = Files.readAllLines(eval).get(0);
      double[] quantized = data(http.send(HttpRequest.newBuilder(base.resolve("/v2/models/m/versions/2/infer"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body());
      double[] original = data(http.send(HttpRequest.newBuilder(base.resolve("/v2/models/m/versions/1/infer"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body());
      assertThat(quantized).hasSize(8 * 64).isNotEqualTo(original);
      for (int i = 0; i < original.length; i++) {
        assertThat(quantized[i]).isCloseTo(original[i], org.assertj.core.data.Offset.offset(0.05));
      }
      HttpResponse<String> original1 = http.send(HttpRequest.newBuilder(base.resolve("/v2/models/m/versions/1"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(original1.body()).doesNotContain("quantization");
      process.toHandle().destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(stderr.get(30, TimeUnit.SECONDS)).contains("maas: stopped").doesNotContain("Exception");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void quantize_fp16ThenAgain_refusesTheSecondAndPublishesNothing() {
    CliProcess.Result first = CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "fp16",
        "--eval", eval.toString());
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdout()).startsWith("m:2\nfp16 from m:1: ").contains("relative L2", "top-1 agreement 1.0000");
    CliProcess.Result again = CliProcess.run(dir, "optimize", "m:2", "--store", "store", "--quantize", "fp16",
        "--eval", eval.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr().strip()).startsWith("maas: the model is already quantised: initializer")
        .endsWith("is FP16");
    CliProcess.Result int8 = CliProcess.run(dir, "optimize", "m:2", "--store", "store", "--quantize", "int8-dynamic",
        "--eval", eval.toString(), "--min-weights", "100000");
    assertThat(int8.exitCode()).isEqualTo(1);
    assertThat(int8.stderr().strip()).as("INT8 on an FP16 version: its weights are FP16, not FP32")
        .startsWith("maas: ").doesNotContain("\n").containsIgnoringCase("quantis");
    assertThat(CliProcess.run(dir, "models", "list", "--store", "store").stdout()).containsPattern("m\\s+2\\s+2");

    CliProcess.Result bench = CliProcess.run(dir, "bench", "m:1", "--store", "store", "--compare", "quantized",
        "--time", "200ms", "--quiet");
    assertThat(bench.exitCode()).as(bench.stderr()).isZero();
    assertThat(bench.stdout()).contains("stored | batch 1", "quantized fp16 (m:2) | batch 1");
    CliProcess.Result parent = CliProcess.run(dir, "bench", "m:2", "--store", "store", "--compare", "parent",
        "--time", "200ms", "--quiet");
    assertThat(parent.exitCode()).as(parent.stderr()).isZero();
    assertThat(parent.stdout()).contains("parent (m:1) | batch 1");
    assertThat(CliProcess.run(dir, "bench", "m:1", "--store", "store", "--compare", "parent").stderr().strip())
        .isEqualTo("maas: m:1 records no parent version; --compare parent applies to versions maas optimize published");
  }

  @Test
  void quantize_badRequests_failWithOneLineAndPublishNothing() throws Exception {
    assertThat(CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "int8-static",
        "--eval", eval.toString()).stderr().strip())
        .isEqualTo("maas: --quantize int8-static needs --calibration FILE: requests to measure the activations' "
            + "ranges on");
    assertThat(CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "int8-dynamic").stderr().strip())
        .isEqualTo("maas: --quantize needs --eval FILE (or --calibration FILE): requests to measure the quantised "
            + "model's accuracy against its parent on");
    assertThat(CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "int4", "--eval",
        eval.toString()).stderr().strip())
        .isEqualTo("maas: unknown quantisation method 'int4'; expected int8-dynamic, int8-static or fp16");
    assertThat(CliProcess.run(dir, "optimize", "m", "--store", "store", "--per-channel").stderr().strip())
        .isEqualTo("maas: --per-channel applies only with --quantize");
    Path csv = Files.writeString(dir.resolve("rows.csv"), "a,b\n1,2\n");
    assertThat(CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "fp16", "--eval",
        csv.toString()).stderr().strip())
        .isEqualTo("maas: --eval " + csv + ": 2 columns, but input 'x' takes 64");
    CliProcess.Result nothing = CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "int8-dynamic",
        "--eval", eval.toString(), "--min-weights", "100000");
    assertThat(nothing.stderr().strip()).isEqualTo("maas: nothing to quantise: of the model's MatMul and Gemm nodes, "
        + "2 with fewer than 100000 weights are left alone");
    assertThat(CliProcess.run(dir, "models", "list", "--store", "store").stdout()).containsPattern("m\\s+1\\s+1");
  }

  @Test
  void quantize_int8StaticFromCsvCalibration_publishesWithCalibrationSettings() throws Exception {
    Random r = new Random(9);
    StringBuilder csv = new StringBuilder();
    for (int c = 0; c < 64; c++) {
      csv.append(c == 0 ? "" : ",").append("f").append(c);
    }
    csv.append('\n');
    for (int row = 0; row < 100; row++) {
      for (int c = 0; c < 64; c++) {
        csv.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", r.nextGaussian()));
      }
      csv.append('\n');
    }
    Path calibration = Files.writeString(dir.resolve("calibration.csv"), csv.toString());
    CliProcess.Result q = CliProcess.run(dir, "optimize", "m", "--store", "store", "--quantize", "int8-static",
        "--calibration", calibration.toString(), "--calibration-method", "percentile", "--percentile", "99.99",
        "--eval", eval.toString(), "--json");
    assertThat(q.exitCode()).as(q.stderr()).isZero();
    assertThat(q.stdout()).contains("\"reference\":\"m:2\"", "\"calibration\":\"percentile\"",
        "\"percentile\":\"99.99\"", "\"calibration_requests\":\"2\"", "\"quantized_nodes\":\"1\"");
    // one MatMul in front of a peaky Softmax: logit errors of about 3 % become larger relative errors
    // in the probabilities, while the top class mostly holds
    assertThat(number(q.stdout(), "relative_l2")).isGreaterThan(0).isLessThan(0.25);
    assertThat(number(q.stdout(), "top1_agreement")).isGreaterThan(0.85);
  }
}
