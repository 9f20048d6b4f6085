package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxGraph;
import dev.maas.store.s3.S3Server;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that work on a store, run as real processes against {@code --store s3://...} on a
 * real S3-compatible server: bench and optimize (with --quantize), and the security options
 * (--encryption-key, --require-signature, sign, verify, export, import of a signed directory).
 */
class S3StoreCommandsTest {
  @TempDir static Path dir;
  private static S3Server server;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** {@code maas ARGS} with {@code --store s3://models/PREFIX} (when {@code prefix} is not null). */
  private static CliProcess.Result maas(String prefix, String... args) throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + tmp, Main.class.getName()));
    command.addAll(List.of(args));
    if (prefix != null) {
      command.addAll(List.of("--store", "s3://" + S3Server.BUCKET + "/" + prefix, "--s3-endpoint",
          server.endpoint().toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    env.remove("AWS_PROFILE");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
    Process p = pb.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = read(p.getInputStream());
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("maas " + String.join(" ", args) + " did not finish in 240 s");
    }
    return new CliProcess.Result(p.exitValue(), out, err.get(30, TimeUnit.SECONDS));
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static CliProcess.Result ok(CliProcess.Result r) {
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r;
  }

  /** The objects the test server holds under {@code prefix} whose key ends with {@code suffix}. */
  private static List<Path> objects(String prefix, String suffix) throws Exception {
    try (Stream<Path> walk = Files.walk(dir.resolve("s3-data").resolve(S3Server.BUCKET).resolve(prefix))) {
      return walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  private static float[] gaussian(Random r, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextGaussian() * 0.2);
    }
    return out;
  }

  @Test
  void optimizeQuantizeAndBench_onAnS3Store_work() throws Exception {
    Random r = new Random(5);
    Path file = dir.resolve("mlp.onnx");
    OnnxGraph.builder("mlp").input("x", DataType.FP32, "batch", "32")
        .initializer("w1", Tensor.ofFloats(gaussian(r, 32 * 64), 32, 64))
        .initializer("b1", Tensor.ofFloats(gaussian(r, 64), 64))
        .node("Gemm", List.of("x", "w1", "b1"), List.of("h")).node("Relu", List.of("h"), List.of("y"))
        .output("y", DataType.FP32, "batch", "64").build().writeTo(file);
    StringBuilder data = new StringBuilder();
    float[] x = gaussian(r, 4 * 32);
    for (int i = 0; i < x.length; i++) {
      data.append(i == 0 ? "" : ",").append(x[i]);
    }
    Path eval = Files.writeString(dir.resolve("eval.jsonl"), "{\"inputs\":[{\"name\":\"x\",\"shape\":[4,32],"
        + "\"datatype\":\"FP32\",\"data\":[" + data + "]}]}\n");

    assertThat(ok(maas("tools", "import", file.toString(), "--name", "m")).stdout()).startsWith("m:1");
    assertThat(ok(maas("tools", "optimize", "m:1")).stdout().strip()).isEqualTo("m:2");
    CliProcess.Result quantized = ok(maas("tools", "optimize", "m:1", "--quantize", "fp16", "--eval", eval.toString()));
    assertThat(quantized.stdout()).contains("m:3");
    assertThat(ok(maas("tools", "models", "list")).stdout()).containsPattern("m\\s+3\\s+3");

    CliProcess.Result bench = ok(maas("tools", "bench", "m:1", "--compare", "optimized,quantized", "--time", "200ms",
        "--quiet"));
    assertThat(bench.stdout()).contains("stored | batch 1", "optimized (m:2) | batch 1",
        "quantized fp16 (m:3) | batch 1");
  }

  @Test
  void securityOptions_onAnS3Store_areThoseOfADirectoryStore() throws Exception {
    Path onnx = SecurityCommandsTest.writeKeysModelAndRequest(dir);
    String s = "secure";

    ok(maas(s, "import", onnx.toString(), "--name", "addmul", "--encryption-key", "model.key"));
    List<Path> stored = objects(s, "/model.onnx");
    assertThat(stored).hasSize(1);
    assertThat(new String(Files.readAllBytes(stored.get(0)), StandardCharsets.ISO_8859_1)).startsWith("MAASGCM1");
    assertThat(objects(s, "/maas-encryption.json")).hasSize(1);

    ErrorMessagesTest.assertOneLine(maas(s, "infer", "addmul", "--request", "request.json"), 1,
        "addmul:1 is encrypted", "--encryption-key");
    ErrorMessagesTest.assertOneLine(maas(s, "infer", "addmul", "--request", "request.json", "--encryption-key",
        "model.key", "--require-signature", "pub.pem"), 1, "addmul:1: unsigned");

    assertThat(ok(maas(s, "sign", "addmul:1", "--encryption-key", "model.key", "--key", "key.pem")).stdout())
        .contains("signed addmul:1 (2 files");
    assertThat(objects(s, "/model.sig")).hasSize(1);
    assertThat(ok(maas(s, "infer", "addmul", "--request", "request.json", "--encryption-key", "model.key",
        "--require-signature", "pub.pem")).stdout()).contains("\"product\"");
    assertThat(ok(maas(s, "verify", "addmul:1", "--encryption-key", "model.key", "--key", "pub.pem")).stdout())
        .contains("verified addmul:1: 2 files");

    // exported decrypted with its signature, verifiable as a plain directory; imported back, checked and re-signed
    ok(maas(s, "export", "addmul:1", "--encryption-key", "model.key", "--require-signature", "pub.pem", "--format",
        "directory", "--output", "out"));
    assertThat(dir.resolve("out/model.onnx")).hasSameBinaryContentAs(onnx);
    ok(maas(null, "verify", "out", "--key", "pub.pem"));
    CliProcess.Result copied = ok(maas(s, "import", "out", "--name", "copy", "--require-signature", "pub.pem",
        "--encryption-key", "model.key", "--sign-key", "key.pem"));
    assertThat(copied.stdout()).contains("signature of out verified", "published files of copy:1 match the signature",
        "signed copy:1 (2 files");
    assertThat(ok(maas(s, "infer", "copy", "--request", "request.json", "--encryption-key", "model.key",
        "--require-signature", "pub.pem")).stdout()).contains("\"product\"");

    // optimised from an encrypted version: stored encrypted, opened with the key only
    CliProcess.Result optimized = ok(maas(s, "optimize", "addmul:1", "--encryption-key", "model.key"));
    assertThat(optimized.stdout().strip()).isEqualTo("addmul:2");
    assertThat(objects(s, "/model.onnx")).hasSize(3).allSatisfy(p -> assertThat(
        new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).startsWith("MAASGCM1"));
    ErrorMessagesTest.assertOneLine(maas(s, "infer", "addmul:2", "--request", "request.json"), 1,
        "addmul:2 is encrypted");
    assertThat(ok(maas(s, "infer", "addmul:2", "--request", "request.json", "--encryption-key", "model.key"))
        .stdout()).contains("\"product\"");
  }
}
