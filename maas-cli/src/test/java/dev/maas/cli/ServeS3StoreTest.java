package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.store.s3.S3Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maas serve --store s3://...} as a real process on a real S3-compatible server: versions
 * published by other processes are hot-swapped in with no failed request.
 */
class ServeS3StoreTest {
  private static final String BODY = "{\"inputs\":["
      + "{\"name\":\"a\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]},"
      + "{\"name\":\"b\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[3,4]}],"
      + "\"outputs\":[{\"name\":\"sum\"}]}";

  @TempDir Path dir;

  private Process maas(S3Server server, String cache, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + dir.resolve(cache),
        Main.class.getName()));
    command.addAll(List.of(args));
    command.addAll(List.of("--store", "s3://" + S3Server.BUCKET + "/serve", "--s3-endpoint",
        server.endpoint().toString()));
    java.nio.file.Files.createDirectories(dir.resolve(cache));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.put("AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    env.remove("AWS_PROFILE");
    env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
    return pb.start();
  }

  private String run(S3Server server, String... args) throws Exception {
    Process p = maas(server, "cli", args);
    p.getOutputStream().close();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = read(p.getInputStream());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err.get()).isZero();
    return out;
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void serve_s3Store_hotSwapsVersionsPublishedElsewhereWithNoFailedRequest() throws Exception {
    try (S3Server server = S3Server.start(dir)) {
      Path file = ImportCommandTest.writeAddMul(dir.resolve("addmul.onnx"));
      run(server, "import", file.toString(), "--name", "addmul");
      assertThat(run(server, "models", "list")).contains("addmul");

      Process serve = maas(server, "serve", "serve", "--port", "0", "--poll-interval", "100ms");
      CompletableFuture<String> serveErr = CompletableFuture.supplyAsync(() -> read(serve.getErrorStream()));
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).as(serveErr.getNow("")).startsWith("serving addmul version 1 at ");
        String listening = out.readLine();
        URI infer = URI.create(listening.substring("listening on ".length(), listening.indexOf(';')))
            .resolve("/v2/models/addmul/infer");

        HttpClient http = HttpClient.newHttpClient();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Map<String, Boolean> versionsSeen = new ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch third = new java.util.concurrent.CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
          Thread t = new Thread(() -> {
            while (!stop.get()) {
              try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(infer)
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !r.body().contains("\"data\":[4.0,6.0]")) {
                  failures.add(r.statusCode() + " " + r.body());
                } else {
                  ok.incrementAndGet();
                  String v = r.body().replaceAll(".*\"model_version\":\"(\\d+)\".*", "$1");
                  versionsSeen.put(v, true);
                  if (v.equals("3")) {
                    third.countDown();
                  }
                }
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
          });
          t.start();
          clients.add(t);
        }
        run(server, "import", file.toString(), "--name", "addmul");
        run(server, "import", file.toString(), "--name", "addmul");
        third.await(60, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : clients) {
          t.join();
        }
        assertThat(failures).as("failed requests").isEmpty();
        assertThat(versionsSeen).as("versions that answered").containsKey("3");
        assertThat(ok.get()).isPositive();
      } finally {
        serve.toHandle().destroy();
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(serveErr.get(30, TimeUnit.SECONDS)).doesNotContain("Exception");
    }
  }
}
