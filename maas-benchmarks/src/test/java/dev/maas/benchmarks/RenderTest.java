package dev.maas.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderTest {
  @TempDir Path dir;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  /** One JMH JSON cell as JMH 1.37 writes it (the fields the renderer reads, plus a few it ignores). */
  private static String cell(String benchmark, String mode, Map<String, String> params, double score, String error,
      String unit, double alloc) {
    StringBuilder p = new StringBuilder();
    params.forEach((k, v) -> p.append(p.length() == 0 ? "" : ",").append('"').append(k).append("\":\"").append(v)
        .append('"'));
    return String.format(Locale.ROOT, """
        {"jmhVersion":"1.37","benchmark":"dev.maas.benchmarks.%s","mode":"%s","threads":1,"forks":1,
         "jvm":"/usr/bin/java","vmName":"OpenJDK 64-Bit Server VM","vmVersion":"17.0.15","params":{%s},
         "primaryMetric":{"score":%s,"scoreError":%s,"scoreConfidence":[0,0],
           "scorePercentiles":{"0.0":1.0,"50.0":%s,"99.0":%s,"100.0":9.0},"scoreUnit":"%s","rawData":[[1.0]]},
         "secondaryMetrics":{"gc.alloc.rate.norm":{"score":%s,"scoreError":"NaN","scoreUnit":"B/op"}}}""",
        benchmark, mode, p, score, error.equals("NaN") ? "\"NaN\"" : error, score, score * 2, unit, alloc);
  }

  private Path results(String... cells) throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    Files.writeString(results.resolve("jmh.json"), "[" + String.join(",", cells) + "]");
    Files.writeString(results.resolve("run-info.json"), """
        {"profile":"quick","patterns":[],"started":"2026-12-01T02:00:00Z","finished":"2026-12-01T02:10:00Z",
         "commit":"abc123","cpu":"Test CPU","cores":2,"memory":"23.5 GiB","os":"Linux","jvm":"x",
         "loadAtStart":"3.00 2.00 1.00","loadAtEnd":"1.00 1.00 1.00","host":"h"}""");
    return results;
  }

  @Test
  void render_knownComparison_tablesRatiosAgainstReferenceWithPropagatedError() throws Exception {
    Path results = results(
        cell("OnnxPredictBenchmark.rawOrtSession", "avgt", Map.of("batch", "1", "model", "tiny"), 4.0, "0.4",
            "us/op", 100),
        cell("OnnxPredictBenchmark.maasPredictor", "avgt", Map.of("batch", "1", "model", "tiny"), 8.0, "0.8",
            "us/op", 0.01),
        cell("OnnxPredictBenchmark.rawOrtSession", "avgt", Map.of("batch", "64", "model", "tiny"), 5.0, "NaN",
            "us/op", 100),
        cell("OnnxPredictBenchmark.maasPredictor", "avgt", Map.of("batch", "64", "model", "tiny"), 5.0, "0.5",
            "us/op", 0.01),
        cell("OnnxPredictBenchmark.rawOrtSession", "avgt", Map.of("batch", "512", "model", "tiny"), 9.0, "0.1",
            "us/op", 100),
        cell("OnnxPredictBenchmark.maasPredictor", "avgt", Map.of("batch", "512", "model", "tiny"), 9.0, "0.1",
            "us/op", 0.01));
    String md = Render.render(JmhResult.read(results.resolve("jmh.json")),
        JmhResult.Json.map(JmhResult.Json.read(results.resolve("run-info.json"))), dir, "images", "data.json");

    assertThat(md).contains("commit `abc123`", "Test CPU, 2 cores", "3.00 2.00 1.00 at the start",
        "Other work shared the cores", "| batch | model | rawOrtSession | maasPredictor | maasPredictor ÷ rawOrtSession |",
        // 2 ± 2·sqrt(0.1² + 0.1²) = 2 ± 0.28
        "| 1 | tiny | 4 ± 0.4, 100 B/op | 8 ± 0.8, ≈ 0 B/op | 2.00 ± 0.28 |",
        // no error on one side: the ratio has none either
        "| 64 | tiny | 5, 100 B/op | 5 ± 0.5, ≈ 0 B/op | 1.00 |",
        "![onnx-latency-vs-batch.png](images/onnx-latency-vs-batch.png)",
        "[data.json](data.json)");
    for (String chart : List.of("onnx-latency-vs-batch.png", "onnx-predict-benchmark-ratios.png")) {
      BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
      assertThat(image).as(chart).isNotNull();
      assertThat(image.getWidth()).isEqualTo(900);
    }
  }

  @Test
  void render_unknownClassWithNumericParam_ratiosAgainstFastestAndCurveChart() throws Exception {
    Path results = results(
        cell("HttpBenchmark.maasJson", "sample", Map.of("concurrency", "1"), 50, "1", "us/op", 10),
        cell("HttpBenchmark.bareServer", "sample", Map.of("concurrency", "1"), 25, "1", "us/op", 10),
        cell("HttpBenchmark.maasJson", "sample", Map.of("concurrency", "4"), 60, "1", "us/op", 10),
        cell("HttpBenchmark.bareServer", "sample", Map.of("concurrency", "4"), 30, "1", "us/op", 10),
        cell("HttpBenchmark.maasJson", "sample", Map.of("concurrency", "16"), 80, "1", "us/op", 10),
        cell("HttpBenchmark.bareServer", "sample", Map.of("concurrency", "16"), 40, "1", "us/op", 10));
    String md = Render.render(JmhResult.read(results.resolve("jmh.json")),
        JmhResult.Json.map(JmhResult.Json.read(results.resolve("run-info.json"))), dir, "img", null);

    assertThat(md).contains("### HttpBenchmark (`HttpBenchmark`)", "Ratios are against the row's fastest method.",
        "| concurrency | maasJson | bareServer | maasJson ÷ fastest | bareServer ÷ fastest |",
        "| 16 | 80 ± 1 (p50 80, p99 160), 10 B/op | 40 ± 1 (p50 40, p99 80), 10 B/op | 2.00 ± 0.056 | 1.00 ± 0.035 |",
        "![http-benchmark-vs-concurrency.png](img/http-benchmark-vs-concurrency.png)");
    assertThat(ImageIO.read(dir.resolve("http-benchmark-vs-concurrency.png").toFile())).isNotNull();
  }

  @Test
  void splice_existingMarkers_keepsHandWrittenTextAroundThem() {
    String doc = "# Benchmarks\n\nintro\n\n" + Render.BEGIN + "\nold\n" + Render.END + "\n\n## Hand written\n\nkept\n";

    String out = Render.splice(doc, "new\n");

    assertThat(out).isEqualTo("# Benchmarks\n\nintro\n\n" + Render.BEGIN + "\nnew\n" + Render.END
        + "\n\n## Hand written\n\nkept\n");
  }

  @Test
  void splice_noMarkers_appendsSectionAtTheEnd() {
    assertThat(Render.splice("# B\n\ntext\n\n", "s\n")).isEqualTo("# B\n\ntext\n\n" + Render.BEGIN + "\ns\n"
        + Render.END + "\n");
  }
}
