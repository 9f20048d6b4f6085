package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maas train}/{@code import}/{@code optimize} storing drift references, and {@code maas monitor}, as real processes. */
class MonitorCommandTest {
  @TempDir Path dir;

  /** Columns a, b ~ N(0, 1) (a shifted by {@code shift}, b missing at {@code missing}), c in 0..categories-1, y. */
  private static Path csv(Path file, long seed, int n, double shift, double missing, int categories) throws IOException {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder("a,b,c,y\n");
    for (int i = 0; i < n; i++) {
      double a = r.nextGaussian() + shift;
      double bv = r.nextGaussian();
      int c = r.nextInt(categories);
      double y = 2 * a - bv + c + 0.1 * r.nextGaussian();
      boolean gap = r.nextDouble() < missing;
      b.append(String.format(Locale.ROOT, "%.6f,%s,%d,%.6f%n", a, gap ? "" : String.format(Locale.ROOT, "%.6f", bv),
          c, y));
    }
    Files.writeString(file, b);
    return file;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> features(String json) throws IOException {
    Map<String, Object> root = (Map<String, Object>) Json.parse(json.getBytes(StandardCharsets.UTF_8));
    Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
    for (Object o : (List<Object>) root.get("features")) {
      Map<String, Object> f = (Map<String, Object>) o;
      byName.put(f.get("side") + ":" + f.get("tensor") + "/" + f.get("feature"), f);
    }
    return byName;
  }

  private void train() throws IOException {
    csv(dir.resolve("train.csv"), 1, 3000, 0, 0, 3);
    CliProcess.Result trained = CliProcess.run(dir, "train", "--data", "train.csv", "--target", "y", "--store", "store",
        "--name", "sales");
    assertThat(trained.exitCode()).as(trained.stderr()).isZero();
    assertThat(dir.resolve("store/sales/1/reference.json")).exists();
  }

  @Test
  void monitor_trainedModelShiftedData_flagsDriftTableJsonAndCharts() throws Exception {
    train();
    csv(dir.resolve("same.csv"), 2, 1000, 0, 0, 3);
    CliProcess.Result stable = CliProcess.run(dir, "monitor", "sales", "--store", "store", "--data", "same.csv");
    assertThat(stable.exitCode()).as(stable.stderr()).isZero();
    assertThat(stable.stdout()).contains("sales:1: 1000 rows against the reference", "input   features    a        numeric",
        "0 drifted, 0 moderate, of 6 features").doesNotContain("DRIFT  ");

    // a shifted by 1 sigma, b missing in 30% of rows, c gains a category never seen in training
    csv(dir.resolve("new.csv"), 3, 1000, 1, 0.3, 4);
    CliProcess.Result drift = CliProcess.run(dir, "monitor", "sales", "--store", "store", "--data", "new.csv",
        "--json", "--plot", "charts");
    assertThat(drift.exitCode()).as(drift.stderr()).isZero();
    Map<String, Map<String, Object>> f = features(drift.stdout());
    assertThat(f.keySet()).containsExactly("output:prediction/0", "output:lower/0", "output:upper/0",
        "input:features/a", "input:features/b", "input:features/c");
    assertThat(f.get("input:features/a").get("status")).isEqualTo("DRIFT");
    assertThat((Double) f.get("input:features/a").get("psi")).isGreaterThan(0.25);
    assertThat((Double) f.get("input:features/a").get("ks")).isGreaterThan(0.2);
    assertThat(f.get("input:features/b").get("status")).isEqualTo("DRIFT");
    assertThat((Double) f.get("input:features/b").get("missingRate")).isBetween(0.25, 0.35);
    assertThat(f.get("input:features/c").get("kind")).isEqualTo("categorical");
    assertThat(f.get("input:features/c").get("ks")).isNull();
    assertThat((Long) f.get("input:features/c").get("outOfRange")).isBetween(200L, 300L);
    assertThat(f.get("output:prediction/0").get("status")).isEqualTo("DRIFT");
    assertThat(dir.resolve("charts/input-features-a.png")).isNotEmptyFile();
    assertThat(dir.resolve("charts/input-features-c.png")).isNotEmptyFile();
    assertThat(Files.readAllBytes(dir.resolve("charts/input-features-a.png"))).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void monitor_badData_oneClearLine() throws Exception {
    train();
    Files.writeString(dir.resolve("wrong.csv"), "a,b,z\n1,2,3\n");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "monitor", "sales", "--store", "store", "--data", "wrong.csv"),
        1, "wrong.csv", "no column 'c'", "the file has: a, b, z");
    Files.writeString(dir.resolve("empty.csv"), "a,b,c\n");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "monitor", "sales", "--store", "store", "--data", "empty.csv"),
        1, "empty.csv holds no rows");
    Files.writeString(dir.resolve("text.csv"), "a,b,c\n1,x,3\n");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "monitor", "sales", "--store", "store", "--data", "text.csv"),
        1, "text.csv line 2, column 'b': 'x' is not a number");
  }

  private static String request(Random r, int rows, double shift) {
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < rows * 2; i++) {
      a.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", r.nextGaussian() + shift));
      b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", r.nextGaussian()));
    }
    return "{\"inputs\":[{\"name\":\"a\",\"shape\":[" + rows + ",2],\"datatype\":\"FP32\",\"data\":[" + a + "]},"
        + "{\"name\":\"b\",\"shape\":[" + rows + ",2],\"datatype\":\"FP32\",\"data\":[" + b + "]}]}";
  }

  private static Path jsonLines(Path file, long seed, int lines, double shift) throws IOException {
    Random r = new Random(seed);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      out.append(request(r, 10, shift)).append('\n');
    }
    Files.writeString(file, out);
    return file;
  }

  @Test
  void importReference_jsonLines_storedInheritedByOptimizeAndMonitored() throws Exception {
    Path model = ImportCommandTest.writeAddMul(dir.resolve("addmul.onnx"));
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name",
        "addmul", "--reference", "missing.jsonl"), 1, "missing.jsonl");
    CliProcess.Result plain = CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name", "addmul");
    assertThat(plain.exitCode()).as(plain.stderr()).isZero();
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "monitor", "addmul:1", "--store", "store", "--data",
        jsonLines(dir.resolve("x.jsonl"), 1, 2, 0).toString()), 1, "addmul:1 has no reference statistics");

    jsonLines(dir.resolve("ref.jsonl"), 2, 200, 0);
    CliProcess.Result imported = CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name", "addmul",
        "--reference", "ref.jsonl");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    assertThat(dir.resolve("store/addmul/2/reference.json")).exists();
    CliProcess.Result optimized = CliProcess.run(dir, "optimize", "addmul:2", "--store", "store");
    assertThat(optimized.exitCode()).as(optimized.stderr()).isZero();
    assertThat(dir.resolve("store/addmul/3/reference.json")).hasSameTextualContentAs(
        dir.resolve("store/addmul/2/reference.json"));

    jsonLines(dir.resolve("shifted.jsonl"), 3, 100, 1);
    CliProcess.Result monitored = CliProcess.run(dir, "monitor", "addmul:3", "--store", "store", "--data",
        "shifted.jsonl", "--json");
    assertThat(monitored.exitCode()).as(monitored.stderr()).isZero();
    Map<String, Map<String, Object>> f = features(monitored.stdout());
    assertThat(f.keySet()).contains("input:a/0", "input:a/1", "input:b/0", "output:sum/0", "output:product/1");
    assertThat(f.get("input:a/0").get("status")).isEqualTo("DRIFT");
    assertThat(f.get("input:b/0").get("status")).isEqualTo("stable");
    assertThat(f.get("output:sum/0").get("values")).isEqualTo(1000L);

    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name",
        "addmul", "--reference", "train.csv.missing"), 1, "train.csv.missing");
  }

  /** Request bodies of 10 images [10, 3, 2, 2] whose channel c holds N(c + shift[c], 1). */
  private static Path imageLines(Path file, long seed, int lines, double[] shift) throws IOException {
    Random r = new Random(seed);
    StringBuilder out = new StringBuilder();
    for (int line = 0; line < lines; line++) {
      StringBuilder data = new StringBuilder();
      for (int i = 0; i < 10 * 12; i++) {
        int channel = (i / 4) % 3;
        data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f", r.nextGaussian() + channel
            + shift[channel]));
      }
      out.append("{\"inputs\":[{\"name\":\"img\",\"shape\":[10,3,2,2],\"datatype\":\"FP32\",\"data\":[")
          .append(data).append("]}]}\n");
    }
    Files.writeString(file, out);
    return file;
  }

  @Test
  void importReferenceAxis_imageChannels_eachChannelIsAFeature() throws Exception {
    Path model = dir.resolve("image.onnx");
    dev.maas.onnx.OnnxGraph.builder("image_identity")
        .input("img", dev.maas.DataType.FP32, "batch", "3", "2", "2")
        .node("Identity", List.of("img"), List.of("same"))
        .output("same", dev.maas.DataType.FP32, "batch", "3", "2", "2")
        .build().writeTo(model);
    imageLines(dir.resolve("ref.jsonl"), 1, 100, new double[3]);
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name",
        "image", "--reference-axis", "img=1"), 1, "--reference-axis needs --reference");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name",
        "image", "--reference", "ref.jsonl", "--reference-axis", "img=0"), 1,
        "--reference-axis img=0: axis 0 of 'img' is the batch: split along another axis");
    assertThat(dir.resolve("store/image")).doesNotExist();

    CliProcess.Result imported = CliProcess.run(dir, "import", model.toString(), "--store", "store", "--name", "image",
        "--reference", "ref.jsonl", "--reference-axis", "img=1");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    imageLines(dir.resolve("shifted.jsonl"), 2, 50, new double[] {0, 0, 1});
    CliProcess.Result monitored = CliProcess.run(dir, "monitor", "image:1", "--store", "store", "--data",
        "shifted.jsonl", "--json");
    assertThat(monitored.exitCode()).as(monitored.stderr()).isZero();
    Map<String, Map<String, Object>> f = features(monitored.stdout());
    assertThat(f.keySet()).contains("input:img/0", "input:img/1", "input:img/2", "output:same/all");
    assertThat(f.get("input:img/2").get("status")).isEqualTo("DRIFT");
    assertThat(f.get("input:img/0").get("status")).isEqualTo("stable");
    assertThat(f.get("input:img/1").get("status")).isEqualTo("stable");
    assertThat(f.get("input:img/0").get("values")).isEqualTo(50L * 10 * 4);
  }

  @Test
  void serve_trainedModel_driftMetricsInScrape() throws Exception {
    train();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--store", "store", "--port", "0", "--drift-window", "all", "--drift-max-features", "5"));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("serving sales version 1");
      String listening = out.readLine();
      URI base = URI.create(listening.substring("listening on ".length(), listening.indexOf(';')));
      HttpClient http = HttpClient.newHttpClient();
      Random r = new Random(9);
      for (int k = 0; k < 5; k++) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 40; i++) {
          data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f,%.5f,%d", r.nextGaussian() + 1,
              r.nextGaussian(), r.nextInt(3)));
        }
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/v2/models/sales/infer"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"name\":\"features\",\"shape\":[40,3],\"datatype\":"
                + "\"FP64\",\"data\":[" + data + "]}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      }
      String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(value(metrics, "maas_drift_values_total", "feature=\"a\"", "version=\"1\"")).isEqualTo(200);
      assertThat(value(metrics, "maas_drift_psi", "feature=\"a\"", "model=\"sales\"")).isGreaterThan(0.25);
      assertThat(value(metrics, "maas_drift_psi", "feature=\"b\"", "input=\"features\"")).isLessThan(0.25);
      // --drift-max-features 5: the three outputs (prediction, lower, upper) and a, b are tracked; c is not
      assertThat(metrics).doesNotContain("feature=\"c\"");
      assertThat(value(metrics, "maas_drift_untracked_features", "model=\"sales\"", "version=\"1\"")).isEqualTo(1);
      assertThat(value(metrics, "maas_prediction_drift_psi", "output=\"prediction\"", "feature=\"0\"")).isGreaterThan(0.1);
    } finally {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static double value(String body, String metric, String... labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
    while (m.find()) {
      List<String> have = List.of(m.group(1).split(","));
      if (have.containsAll(List.of(labels))) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no " + metric + List.of(labels) + " in\n" + body);
  }
}
