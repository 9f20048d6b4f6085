package dev.maas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.ScaleFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several machines on one bucket, played by processes: two publishers racing, a reader following an alias. */
class S3StoreProcessTest {
  private static final int PER_PUBLISHER = 8;

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

  private static Process worker(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), S3StoreWorker.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static BufferedReader out(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  @Test
  void twoPublisherProcesses_racingOnOneModel_getGapFreeNumbersAndLoseNothing() throws Exception {
    String endpoint = server.endpoint().toString();
    Process a = worker("publish", endpoint, "race", dir.resolve("cache-a").toString(), Integer.toString(PER_PUBLISHER));
    Process b = worker("publish", endpoint, "race", dir.resolve("cache-b").toString(), Integer.toString(PER_PUBLISHER));
    List<Integer> reported = new ArrayList<>();
    for (Process p : List.of(a, b)) {
      try (BufferedReader r = out(p)) {
        for (String line; (line = r.readLine()) != null; ) {
          reported.add(Integer.parseInt(line.substring("published ".length())));
        }
      }
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    }
    List<Integer> all = IntStream.rangeClosed(1, 2 * PER_PUBLISHER).boxed().toList();
    assertThat(reported).as("numbers the publishers got").containsExactlyInAnyOrderElementsOf(all);
    try (ModelStore store = S3Store.open(server.options("race", "race-check").build(), List.of(new ScaleFormat()))) {
      assertThat(store.versions("m")).extracting(ModelVersion::version).containsExactlyElementsOf(all);
      assertThat(store.check().healthy()).isTrue();
      for (int v : all) {
        store.open("m:" + v).close();
      }
    }
  }

  @Test
  void readerProcess_followsAliasMovesMadeElsewhere() throws Exception {
    try (ModelStore store = S3Store.open(server.options("follow", "follow-writer").build(), List.of(new ScaleFormat()))) {
      for (int i = 0; i < 4; i++) {
        try (var model = new dev.maas.ScaleModel(i + 1)) {
          store.publish("m", model);
        }
      }
      store.setAlias("m", "production", 1);
      Process reader = worker("follow", server.endpoint().toString(), "follow", dir.resolve("cache-r").toString());
      try (BufferedReader lines = out(reader)) {
        assertThat(lines.readLine()).startsWith("ready");
        for (int target : List.of(3, 2, 4, 1)) {
          store.setAlias("m", "production", target);
          assertThat(lines.readLine()).isEqualTo("production " + target);
        }
      } finally {
        reader.getOutputStream().close();
        assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
    }
  }
}
