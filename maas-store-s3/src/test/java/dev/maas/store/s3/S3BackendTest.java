package dev.maas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.StoreException;
import dev.maas.spi.StoreBackend;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout's primitives against a real S3-compatible server, with and without injected faults. */
class S3BackendTest {
  @TempDir static Path dir;
  private static S3Server server;
  private static int prefixes;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String freshPrefix() {
    return "backend-" + (++prefixes);
  }

  private static int publish(StoreBackend backend, String model, String content) throws Exception {
    StoreBackend.Upload upload = backend.upload(model);
    try {
      try (OutputStream out = upload.writer().create("model.txt")) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      assertThat(upload.digests()).containsKey("model.txt");
      return backend.commit(model, upload, n -> ("record " + n + " " + content).getBytes(StandardCharsets.UTF_8));
    } finally {
      upload.discard();
    }
  }

  @Test
  void commit_twoBackendsRacing_numbersAreGapFreeAndEachRecordIsKept() throws Exception {
    String prefix = freshPrefix();
    ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 3; t++) {
      int id = t;
      threads.add(new Thread(() -> {
        try (StoreBackend b = new S3Backend(server.options(prefix, "race" + id).build())) {
          for (int i = 0; i < 5; i++) {
            got.add(publish(b, "m", "t" + id + "-" + i));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
    assertThat(got).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 15).boxed().toList());
    try (StoreBackend b = new S3Backend(server.options(prefix, "check").build())) {
      assertThat(b.versionNumbers("m")).hasSize(15);
      assertThat(b.modelNames()).containsExactly("m");
      java.util.Set<String> contents = new java.util.HashSet<>();
      for (int n = 1; n <= 15; n++) {
        String record = new String(b.readRecord("m", n).orElseThrow(), StandardCharsets.UTF_8);
        assertThat(record).startsWith("record " + n + " ");
        contents.add(record.substring(record.lastIndexOf(' ') + 1));
      }
      assertThat(contents).as("every publish kept, none twice").hasSize(15);
    }
  }

  @Test
  void replaceAliases_staleTag_isRefusedAndFreshTagWins() throws Exception {
    try (StoreBackend b = new S3Backend(server.options(freshPrefix(), "alias").build())) {
      StoreBackend.AliasTable absent = b.readAliases("m");
      assertThat(absent.content()).isEmpty();
      assertThat(b.replaceAliases("m", absent, "{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isTrue();
      assertThat(b.replaceAliases("m", absent, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
          .as("create-only on a table that exists").isFalse();
      StoreBackend.AliasTable first = b.readAliases("m");
      assertThat(b.replaceAliases("m", first, "{\"a\":3}".getBytes(StandardCharsets.UTF_8))).isTrue();
      assertThat(b.replaceAliases("m", first, "{\"a\":4}".getBytes(StandardCharsets.UTF_8)))
          .as("compare-and-swap on a tag that is gone").isFalse();
      assertThat(new String(b.readAliases("m").content().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":3}");
    }
  }

  @Test
  void changeToken_changesWithEveryWriteOnly() throws Exception {
    String prefix = freshPrefix();
    try (StoreBackend writer = new S3Backend(server.options(prefix, "w").build());
        StoreBackend reader = new S3Backend(server.options(prefix, "r").build())) {
      Optional<String> before = reader.changeToken();
      assertThat(reader.changeToken()).isEqualTo(before);
      publish(writer, "m", "x");
      Optional<String> after = reader.changeToken();
      assertThat(after).isNotEqualTo(before);
      assertThat(reader.changeToken()).isEqualTo(after);
    }
  }

  @Test
  void deleteVersion_keepsTheNumberTaken() throws Exception {
    try (StoreBackend b = new S3Backend(server.options(freshPrefix(), "del").build())) {
      publish(b, "m", "a");
      publish(b, "m", "b");
      b.deleteVersion("m", 2);
      assertThat(b.versionNumbers("m")).containsExactly(1);
      assertThat(b.readRecord("m", 2)).isEmpty();
      assertThat(publish(b, "m", "c")).isEqualTo(3);
    }
  }

  @Test
  void commit_serverIgnoringConditionalHeaders_failsClearlyAndPublishesNothing() throws Exception {
    String prefix = freshPrefix();
    try (S3Server lax = S3Server.startUnauthenticated(dir.resolve("lax"));
        FaultProxy proxy = new FaultProxy(lax.endpoint());
        StoreBackend b = new S3Backend(lax.options(proxy.endpoint(), prefix, "ignore").build())) {
      proxy.inject(FaultProxy.Kind.IGNORE_CONDITIONS, Integer.MAX_VALUE, FaultProxy.Request::conditional);
      assertThatThrownBy(() -> publish(b, "m", "x"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("ignores conditional writes")
          .hasMessageContaining("s3://models/" + prefix);
      proxy.clear();
      assertThat(b.versionNumbers("m")).isEmpty();
    }
  }

  @Test
  void commit_serverWithoutConditionalWrites_failsClearly() throws Exception {
    try (FaultProxy proxy = new FaultProxy(server.endpoint());
        StoreBackend b = new S3Backend(server.options(proxy.endpoint(), freshPrefix(), "501").build())) {
      proxy.inject(FaultProxy.Kind.NOT_IMPLEMENTED, Integer.MAX_VALUE, FaultProxy.Request::conditional);
      assertThatThrownBy(() -> publish(b, "m", "x"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("does not support conditional writes (If-None-Match: * and If-Match)");
    }
  }

  @Test
  void commit_answerLostAfterTheManifestWasWritten_takesOneNumberOnly() throws Exception {
    String prefix = freshPrefix();
    try (FaultProxy proxy = new FaultProxy(server.endpoint());
        StoreBackend b = new S3Backend(server.options(proxy.endpoint(), prefix, "lost").build())) {
      publish(b, "m", "first");
      proxy.inject(FaultProxy.Kind.FORWARD_THEN_500, 1, r -> r.isPut() && r.path().contains("/versions/"));
      assertThat(publish(b, "m", "second")).isEqualTo(2);
      assertThat(proxy.injected()).isEqualTo(1);
      assertThat(b.versionNumbers("m")).containsExactly(1, 2);
    }
  }

  @Test
  void everyCall_transientFaults_areRetried() throws Exception {
    String prefix = freshPrefix();
    try (FaultProxy proxy = new FaultProxy(server.endpoint());
        StoreBackend b = new S3Backend(server.options(proxy.endpoint(), prefix, "faults")
            .requestTimeout(Duration.ofMillis(500)).maxAttempts(4).build())) {
      for (FaultProxy.Kind kind : List.of(FaultProxy.Kind.FAIL_500, FaultProxy.Kind.STALL, FaultProxy.Kind.TRUNCATE)) {
        proxy.clear();
        // two faults in a row on every kind of request
        proxy.inject(kind, 2, r -> true);
        int n = publish(b, "m", kind.name());
        proxy.clear();
        proxy.inject(kind, 2, FaultProxy.Request::isList);
        assertThat(b.versionNumbers("m")).contains(n);
        proxy.inject(kind, 2, r -> r.isGet() && r.path().contains("/versions/"));
        assertThat(new String(b.readRecord("m", n).orElseThrow(), StandardCharsets.UTF_8)).contains(kind.name());
        proxy.inject(kind, 2, r -> r.isGet() && r.path().endsWith("/changes"));
        assertThat(b.changeToken()).isPresent();
        proxy.inject(kind, 2, r -> r.isGet() && r.path().contains("/uploads/"));
        byte[] record = b.readRecord("m", n).orElseThrow();
        String sha = ObjectClient.sha256(new java.io.ByteArrayInputStream(kind.name().getBytes(StandardCharsets.UTF_8)));
        assertThat(b.reader("m", n, java.util.Map.of("model.txt", sha)).readAllBytes("model.txt"))
            .isEqualTo(kind.name().getBytes(StandardCharsets.UTF_8));
        assertThat(record).isNotEmpty();
        proxy.inject(kind, 2, r -> r.path().endsWith("/aliases.json"));
        StoreBackend.AliasTable table = b.readAliases("m");
        assertThat(b.replaceAliases("m", table, ("{\"v\":" + n + "}").getBytes(StandardCharsets.UTF_8))).isTrue();
        proxy.inject(kind, 2, r -> r.method().equals("DELETE") || r.isPut() && r.path().contains("/versions/"));
        b.deleteVersion("m", n);
        assertThat(b.readRecord("m", n)).isEmpty();
      }
      assertThat(proxy.injected()).isGreaterThanOrEqualTo(3 * 14);
    }
  }

  private static List<String> keys(String prefix, String under) {
    try (ObjectClient raw = new ObjectClient(server.options(prefix, "raw").build())) {
      return raw.list(prefix + "/" + under).stream().map(ObjectClient.Listed::key).toList();
    }
  }

  private static java.time.Clock hoursAhead(int hours) {
    return java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(hours));
  }

  @Test
  void upload_abandonedHalfWay_isCleanedByAPublishOnceOlderThanConfigured() throws Exception {
    String prefix = freshPrefix();
    try (StoreBackend dying = new S3Backend(server.options(prefix, "dying").build())) {
      publish(dying, "m", "one");
      assertThat(keys(prefix, "pending/")).as("a finished publish leaves no marker").isEmpty();
      StoreBackend.Upload upload = dying.upload("m");
      try (OutputStream out = upload.writer().create("model.txt")) {
        out.write("half".getBytes(StandardCharsets.UTF_8));
      }
      // the publisher dies here: neither commit nor discard
    }
    assertThat(keys(prefix, "pending/m/")).hasSize(1);
    assertThat(keys(prefix, "models/m/uploads/")).hasSize(2);

    // 2 h later, with the default of 24 h: still taken for a publish under way
    try (StoreBackend b = new S3Backend(server.options(prefix, "default").clock(hoursAhead(2)).build())) {
      assertThat(publish(b, "m", "two")).isEqualTo(2);
    }
    assertThat(keys(prefix, "pending/m/")).hasSize(1);
    assertThat(keys(prefix, "models/m/uploads/")).hasSize(3);

    // 2 h later, with 1 h configured: the abandoned files go, the versions' files stay
    try (StoreBackend b = new S3Backend(server.options(prefix, "short").clock(hoursAhead(2))
        .abandonedUploadsAfter(Duration.ofHours(1)).build())) {
      assertThat(publish(b, "m", "three")).isEqualTo(3);
      assertThat(keys(prefix, "pending/")).isEmpty();
      assertThat(keys(prefix, "models/m/uploads/")).hasSize(3);
      for (int n = 1; n <= 3; n++) {
        String content = List.of("one", "two", "three").get(n - 1);
        String sha = ObjectClient.sha256(new java.io.ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        assertThat(b.reader("m", n, java.util.Map.of("model.txt", sha)).readAllBytes("model.txt"))
            .isEqualTo(content.getBytes(StandardCharsets.UTF_8));
      }
      assertThat(b.versionNumbers("m")).containsExactly(1, 2, 3);
    }
  }

  @Test
  void upload_failed_removesItsFilesAndItsMarker() throws Exception {
    String prefix = freshPrefix();
    try (StoreBackend b = new S3Backend(server.options(prefix, "failed").build())) {
      StoreBackend.Upload upload = b.upload("m");
      try (OutputStream out = upload.writer().create("model.txt")) {
        out.write("x".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(keys(prefix, "pending/m/")).hasSize(1);
      upload.discard();
      assertThat(keys(prefix, "pending/")).isEmpty();
      assertThat(keys(prefix, "models/")).isEmpty();
    }
  }

  @Test
  void commit_ofAPublishTakenForAbandoned_isRefusedAndPublishesNothing() throws Exception {
    String prefix = freshPrefix();
    try (StoreBackend slow = new S3Backend(server.options(prefix, "slow").build());
        StoreBackend later = new S3Backend(server.options(prefix, "later").clock(hoursAhead(25)).build())) {
      StoreBackend.Upload upload = slow.upload("m");
      try (OutputStream out = upload.writer().create("model.txt")) {
        out.write("slow".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(publish(later, "m", "fast")).isEqualTo(1);
      assertThatThrownBy(() -> slow.commit("m", upload, n -> new byte[] {'r'}))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("taken for abandoned")
          .hasMessageContaining("nothing was published");
      upload.discard();
      assertThat(later.versionNumbers("m")).containsExactly(1);
      assertThat(keys(prefix, "models/m/uploads/")).hasSize(1);
    }
  }
}
