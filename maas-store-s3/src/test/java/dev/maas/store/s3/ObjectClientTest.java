package dev.maas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional writes whose answer is lost, against a real S3-compatible server behind a
 * fault-injecting proxy: each is settled by reading the key back, never retried blindly.
 */
class ObjectClientTest {
  @TempDir static Path dir;
  private static S3Server server;
  private static int keys;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String freshKey() {
    return "client/k" + (++keys);
  }

  private static ObjectClient client(FaultProxy proxy) {
    return new ObjectClient(server.options(proxy.endpoint(), "client", "client")
        .requestTimeout(Duration.ofMillis(500)).maxAttempts(3).build());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long puts(FaultProxy proxy, String key) {
    return proxy.received().stream().filter(r -> r.isPut() && r.path().endsWith("/" + key)).count();
  }

  private static String content(ObjectClient c, String key) {
    return new String(c.get(key).orElseThrow().content(), StandardCharsets.UTF_8);
  }

  @Test
  void putIfAbsent_answerLostAfterTheWrite_succeedsWithoutWritingAgain() throws Exception {
    for (FaultProxy.Kind kind : List.of(FaultProxy.Kind.FORWARD_THEN_500, FaultProxy.Kind.FORWARD_THEN_STALL,
        FaultProxy.Kind.FORWARD_THEN_DROP)) {
      try (FaultProxy proxy = new FaultProxy(server.endpoint()); ObjectClient c = client(proxy)) {
        String key = freshKey();
        proxy.inject(kind, 1, r -> r.isPut() && r.conditional());
        Optional<String> etag = c.putIfAbsent(key, bytes("ours"));
        assertThat(proxy.injected()).as(kind.name()).isEqualTo(1);
        assertThat(etag).as(kind.name()).isPresent();
        assertThat(etag.get()).isEqualTo(c.get(key).orElseThrow().etag());
        assertThat(content(c, key)).isEqualTo("ours");
        assertThat(puts(proxy, key)).as(kind + ": the write was settled by a read, not sent again").isEqualTo(1);
      }
    }
  }

  @Test
  void putIfAbsent_answerLostBeforeTheWrite_isTriedAgain() throws Exception {
    for (FaultProxy.Kind kind : List.of(FaultProxy.Kind.FAIL_500, FaultProxy.Kind.STALL)) {
      try (FaultProxy proxy = new FaultProxy(server.endpoint()); ObjectClient c = client(proxy)) {
        String key = freshKey();
        proxy.inject(kind, 1, r -> r.isPut() && r.conditional());
        assertThat(c.putIfAbsent(key, bytes("ours"))).as(kind.name()).isPresent();
        assertThat(content(c, key)).isEqualTo("ours");
        assertThat(puts(proxy, key)).as(kind + ": nothing was there, so it was sent again").isEqualTo(2);
      }
    }
  }

  @Test
  void putIfAbsent_answerLostWhileAnotherWriterHoldsTheKey_fails() throws Exception {
    try (FaultProxy proxy = new FaultProxy(server.endpoint()); ObjectClient c = client(proxy)) {
      String key = freshKey();
      c.put(key, bytes("theirs"));
      // the server refuses with 412 and the refusal is lost
      proxy.inject(FaultProxy.Kind.FORWARD_THEN_DROP, 1, r -> r.isPut() && r.conditional());
      assertThat(c.putIfAbsent(key, bytes("ours"))).isEmpty();
      assertThat(proxy.injected()).isEqualTo(1);
      assertThat(content(c, key)).isEqualTo("theirs");
      assertThat(puts(proxy, key)).isEqualTo(2); // theirs, and ours once
    }
  }

  @Test
  void putIfMatch_answerLost_isSettledByWhatIsThere() throws Exception {
    try (FaultProxy proxy = new FaultProxy(server.endpoint()); ObjectClient c = client(proxy)) {
      String key = freshKey();
      String v1 = c.putIfAbsent(key, bytes("v1")).orElseThrow();

      // carried out, answer lost: ours is there
      proxy.inject(FaultProxy.Kind.FORWARD_THEN_STALL, 1, r -> r.isPut() && r.conditional());
      Optional<String> v2 = c.putIfMatch(key, bytes("v2"), v1);
      assertThat(v2).isPresent();
      assertThat(v2.get()).isEqualTo(c.get(key).orElseThrow().etag());
      assertThat(content(c, key)).isEqualTo("v2");
      assertThat(puts(proxy, key)).isEqualTo(2);

      // not carried out: the object still has the tag expected, so it is tried again
      proxy.inject(FaultProxy.Kind.FAIL_500, 1, r -> r.isPut() && r.conditional());
      Optional<String> v3 = c.putIfMatch(key, bytes("v3"), v2.get());
      assertThat(v3).isPresent();
      assertThat(content(c, key)).isEqualTo("v3");
      assertThat(puts(proxy, key)).isEqualTo(4);

      // another writer moved it; our refusal (412) is lost: failed, theirs kept
      c.put(key, bytes("theirs"));
      proxy.inject(FaultProxy.Kind.FORWARD_THEN_DROP, 1, r -> r.isPut() && r.conditional());
      assertThat(c.putIfMatch(key, bytes("v4"), v3.get())).isEmpty();
      assertThat(content(c, key)).isEqualTo("theirs");
      assertThat(puts(proxy, key)).isEqualTo(6);
      assertThat(proxy.injected()).isEqualTo(3);
    }
  }

  @Test
  void conditionalPut_answerLostAndReadBackFailing_reportsTheOutcomeUnknown() throws Exception {
    try (FaultProxy proxy = new FaultProxy(server.endpoint()); ObjectClient c = client(proxy)) {
      String key = freshKey();
      proxy.inject(FaultProxy.Kind.FORWARD_THEN_DROP, 1, r -> r.isPut() && r.conditional());
      proxy.inject(FaultProxy.Kind.FAIL_500, Integer.MAX_VALUE, r -> r.isGet() && r.path().endsWith("/" + key));
      assertThatThrownBy(() -> c.putIfAbsent(key, bytes("ours")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("PUT (create-only) " + key)
          .hasMessageContaining("got no answer")
          .hasMessageContaining("to learn whether it was carried out failed too");
      assertThat(puts(proxy, key)).isEqualTo(1);
    }
  }
}
