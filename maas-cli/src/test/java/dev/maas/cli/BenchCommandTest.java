package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.DataType;
import dev.maas.ModelStore;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maas bench} in a real child JVM that forks real JMH JVMs, with a tiny time budget. Each
 * run gets its own {@code java.io.tmpdir}, so JMH's lock file does not collide with other runs.
 */
class BenchCommandTest {
  @TempDir Path dir;
  private Path store;

  record Result(int exitCode, String stdout, String stderr) {}

  @BeforeEach
  void publishModels() {
    store = dir.resolve("store");
    try (ModelStore s = ModelStore.open(store)) {
      s.publish("lin", LinearRegressionModel.of(0.5, new double[] {1, -2, 3}, List.of("a", "b", "c")));
      byte[] text = OnnxGraph.builder("text").input("s", DataType.BYTES, "batch")
          .node("Identity", List.of("s"), List.of("t")).output("t", DataType.BYTES, "batch").build().toByteArray();
      try (OnnxModel m = OnnxModel.fromBytes(text)) {
        s.publish("text", m);
      }
      byte[] seq = OnnxGraph.builder("seq").input("x", DataType.FP32, "batch", "len")
          .node("Relu", List.of("x"), List.of("y")).output("y", DataType.FP32, "batch", "len").build().toByteArray();
      try (OnnxModel m = OnnxModel.fromBytes(seq)) {
        s.publish("seq", m);
      }
      byte[] fixed = OnnxGraph.builder("fixed").input("x", DataType.FP32, "2")
          .node("Relu", List.of("x"), List.of("y")).output("y", DataType.FP32, "2").build().toByteArray();
      try (OnnxModel m = OnnxModel.fromBytes(fixed)) {
        s.publish("fixed", m);
      }
    }
  }

  private Result bench(String... args) throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    if (!process.waitFor(240, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("maas bench did not finish in 240 s");
    }
    return new Result(process.exitValue(), out, err.get(30, TimeUnit.SECONDS));
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("'%s' in %s", regex, text).isTrue();
    return Double.parseDouble(m.group(1).replace(",", ""));
  }

  @Test
  void bench_linearWithOnnxExport_reportsEverySettingBestRatiosAndJson() throws Exception {
    Result r = bench("lin", "--store", store.toString(), "--batch", "1,8", "--compare", "onnx-export",
        "--time", "300ms", "--json", "out.json");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("maas bench lin:1 (linear): 4 settings",
        "stored | batch 1, threads 1\n", "stored | batch 8, threads 1\n",
        "onnx-export | batch 1, threads 1, intra-op default, optimization default",
        "onnx-export | batch 8, threads 1, intra-op default, optimization default",
        "best: ", "variants against the stored model", "JMH results: out.json");
    assertThat(Pattern.compile("per call +mean ").matcher(r.stdout()).results().count()).isEqualTo(4);
    assertThat(r.stderr()).contains("# Benchmark: dev.maas.bench.ModelBenchmark.predict", "# Fork: 1 of 1");
    // throughput is threads over the mean latency; rows/s is that times the batch
    String batch8 = r.stdout().substring(r.stdout().indexOf("stored | batch 8"));
    double mean = number(batch8, "per call +mean ([0-9.,]+) ");
    double calls = number(batch8, "throughput +([0-9,]+) calls/s");
    double rows = number(batch8, "calls/s +([0-9,]+) rows/s");
    assertThat(calls).isCloseTo(1e6 / mean, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(rows).isCloseTo(8 * calls, org.assertj.core.data.Percentage.withPercentage(0.1));
    String json = Files.readString(dir.resolve("out.json"));
    assertThat(Pattern.compile("\"benchmark\" : \"dev.maas.bench.ModelBenchmark.predict\"").matcher(json).results()
        .count()).isEqualTo(4);
    assertThat(json).contains("\"variant\" : \"onnx-export\"", "gc.alloc.rate.norm", "\"mode\" : \"sample\"");
  }

  @Test
  void bench_onnxSettingsAndOptimizedVersion_runsEveryCombination() throws Exception {
    CliProcess.Result optimized = CliProcess.run(dir, "optimize", "seq:1", "--store", store.toString());
    assertThat(optimized.exitCode()).as(optimized.stderr()).isZero();

    Result r = bench("seq:1", "--store", store.toString(), "--batch", "2", "--dim", "x:1=4", "--intra-op-threads",
        "1,2", "--compare", "optimized", "--time", "200ms", "--quiet");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("stored | batch 2, threads 1, intra-op 1, optimization default",
        "stored | batch 2, threads 1, intra-op 2, optimization default",
        "optimized (seq:2) | batch 2, threads 1, intra-op 1, optimization default",
        "optimized (seq:2) | batch 2, threads 1, intra-op 2, optimization default",
        "  optimized (seq:2) | batch 2, threads 1, intra-op 2, optimization default: ");
    assertThat(r.stderr()).doesNotContain("# Benchmark");
  }

  @Test
  void bench_batchingAndHttp_reportsEveryCellAndBothRatios() throws Exception {
    Result r = bench("lin", "--store", store.toString(), "--threads", "2", "--batching", "off,on", "--transport",
        "in-process,http", "--batch-delay", "0us", "--outputs", "prediction", "--time", "200ms", "--quiet");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("maas bench lin:1 (linear): 4 settings",
        "stored | batch 1, threads 2\n", "stored | batch 1, threads 2, batched\n",
        "stored | batch 1, threads 2, over http\n", "stored | batch 1, threads 2, batched, over http\n",
        "batched against unbatched, same threads", "over HTTP against in-process");
    assertThat(number(r.stdout(), "\n  stored batched \\| batch 1, threads 2: ([0-9.,]+) ± ")).isPositive();
    assertThat(number(r.stdout(), "\n  stored batched \\| batch 1, threads 2, over http: ([0-9.,]+) ± "))
        .isPositive();
    assertThat(number(r.stdout(), "\n  stored over http \\| batch 1, threads 2: ([0-9.,]+) ± ")).isPositive();
    assertThat(number(r.stdout(), "\n  stored over http \\| batch 1, threads 2, batched: ([0-9.,]+) ± "))
        .isPositive();
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void bench_bytesInputWithInputFile_sendsTheRequestsInputs() throws Exception {
    Files.writeString(dir.resolve("request.json"),
        "{\"inputs\":[{\"name\":\"s\",\"shape\":[3],\"datatype\":\"BYTES\",\"data\":[\"a\",\"bb\",\"ccc\"]}]}");

    Result r = bench("text", "--store", store.toString(), "--input-file", "request.json", "--time", "200ms", "--quiet");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("stored | batch 3, threads 1, intra-op default, optimization default");
  }

  @Test
  void bench_bytesInputWithoutInputFile_refusesNamingTheInputAndTheWayOut() throws Exception {
    Result r = bench("text", "--store", store.toString(), "--time", "200ms");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip()).isEqualTo("maas: input 's' is BYTES: maas bench cannot make up realistic strings;"
        + " pass --input-file REQUEST.json with an Open Inference Protocol request");
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void bench_dynamicDimensionWithoutSize_refusesNamingTheDimOption() throws Exception {
    Result r = bench("seq", "--store", store.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip()).isEqualTo("maas: input 'x' has a dynamic dimension at axis 1 (shape [-1, -1]);"
        + " give its size with --dim x:1=N");
  }

  @Test
  void bench_onnxSettingOnLinearModel_refusesNamingTheFormat() throws Exception {
    Result r = bench("lin", "--store", store.toString(), "--intra-op-threads", "2");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr().strip()).isEqualTo("maas: --intra-op-threads and --optimization are ONNX Runtime settings,"
        + " and lin:1 has format 'linear' (add --compare onnx-export to run its ONNX export)");
  }

  @Test
  void bench_badValues_refuseWithOneLine() throws Exception {
    assertThat(bench("lin", "--store", store.toString(), "--time", "ten").stderr().strip())
        .isEqualTo("maas: --time wants a duration such as 500ms, 10s or 2m, got 'ten'");
    assertThat(bench("lin", "--store", store.toString(), "--compare", "gpu").stderr().strip())
        .isEqualTo("maas: --compare: unknown value 'gpu' (one of [onnx-export, optimized, quantized, parent])");
    assertThat(bench("lin", "--store", store.toString(), "--compare", "optimized").stderr().strip())
        .isEqualTo("maas: no version of lin was optimised from lin:1; run maas optimize lin:1 first");
    assertThat(bench("nope", "--store", store.toString()).stderr().strip()).startsWith("maas: no model")
        .doesNotContain("Exception");
    assertThat(bench("lin", "--store", store.toString(), "--batching", "maybe").stderr().strip())
        .isEqualTo("maas: --batching: unknown value 'maybe' (one of [off, on])");
    assertThat(bench("lin", "--store", store.toString(), "--transport", "grpc").stderr().strip())
        .isEqualTo("maas: --transport: unknown value 'grpc' (one of [in-process, http, http-binary])");
    assertThat(bench("lin", "--store", store.toString(), "--batching", "on", "--batch-delay", "5").stderr().strip())
        .isEqualTo("maas: --batch-delay wants a duration such as 0us, 200us or 2ms, got '5'");
    assertThat(bench("lin", "--store", store.toString(), "--batch-max-rows", "8").stderr().strip())
        .isEqualTo("maas: --batch-max-rows and --batch-delay set the batcher of --batching on, and batching is not on");
    assertThat(bench("lin", "--store", store.toString(), "--outputs", "lower").stderr().strip())
        .isEqualTo("maas: --outputs: lin:1 has no output 'lower' (outputs: [prediction])");
    assertThat(bench("fixed", "--store", store.toString(), "--batching", "on").stderr().strip())
        .isEqualTo("maas: --batching on: the signature of fixed:1 has no batch axis (dimension 0 of every input and"
            + " output), so a batcher could not merge calls");
  }
}
