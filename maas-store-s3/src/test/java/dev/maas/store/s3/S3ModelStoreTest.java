package dev.maas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.IntegrityException;
import dev.maas.Model;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelStore;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import dev.maas.StoreCheck;
import dev.maas.StoreEvent;
import dev.maas.StoreException;
import dev.maas.StoredModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the S3 store adds to the contract: damage, failures half-way, faults, other machines' changes. */
class S3ModelStoreTest {
  @TempDir static Path dir;
  private static S3Server server;
  private static int prefixes;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String freshPrefix() {
    return "store-" + (++prefixes);
  }

  private static ModelStore open(S3StoreOptions.Builder options) {
    return S3Store.open(options.build(), List.of(new ScaleFormat()));
  }

  private static int publish(ModelStore store, double factor) {
    try (Model model = new ScaleModel(factor)) {
      return store.publish("m", model).version();
    }
  }

  /** The file s3proxy keeps object {@code key} of the test bucket in. */
  private static Path objectFile(String key) {
    return dir.resolve("s3-data").resolve(S3Server.BUCKET).resolve(key);
  }

  private static List<Path> filesUnder(String keyPrefix) throws Exception {
    Path root = objectFile(keyPrefix);
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void openUri_s3Location_isOpenedByTheProviderWithTheDefaultCredentialChain() throws Exception {
    String prefix = freshPrefix();
    System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
    try (ModelStore store = ModelStore.open(java.net.URI.create("s3://" + S3Server.BUCKET + "/" + prefix),
        Map.of("endpoint", server.endpoint().toString(), "cache-dir", dir.resolve("uri-cache").toString()),
        List.of(new ScaleFormat()))) {
      assertThat(publish(store, 4)).isEqualTo(1);
      assertThat(store.toString()).isEqualTo("ModelStore[s3://models/" + prefix + "]");
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
    try (ModelStore again = open(server.options(prefix, prefix))) {
      assertThat(again.versions("m")).hasSize(1);
    }
    assertThatThrownBy(() -> ModelStore.open(java.net.URI.create("gs://models/x"), Map.of()))
        .isInstanceOf(dev.maas.InvalidInputException.class)
        .hasMessage("no model store opens 'gs://models/x': known schemes are [file, s3]");
  }

  @Test
  void publish_manifestWriteFails_leavesNoVisibleVersionAndNoUpload() throws Exception {
    String prefix = freshPrefix();
    try (FaultProxy proxy = new FaultProxy(server.endpoint());
        ModelStore store = open(server.options(proxy.endpoint(), prefix, prefix).maxAttempts(2))) {
      publish(store, 1);
      proxy.inject(FaultProxy.Kind.FAIL_500, Integer.MAX_VALUE, r -> r.isPut() && r.path().contains("/versions/"));
      assertThatThrownBy(() -> publish(store, 2)).isInstanceOf(StoreException.class)
          .hasMessageContaining("failed after 2 attempts: HTTP 500");
      proxy.clear();
      assertThat(store.versions("m")).extracting(v -> v.version()).containsExactly(1);
      assertThat(filesUnder(prefix + "/models/m/uploads")).as("the failed publish's files are removed").hasSize(1);
      assertThat(publish(store, 3)).isEqualTo(2);
    }
  }

  @Test
  void open_artifactAlteredInTheBucket_refusesToLoad() throws Exception {
    String prefix = freshPrefix();
    try (ModelStore store = open(server.options(prefix, prefix))) {
      publish(store, 1);
    }
    Path artifact = filesUnder(prefix + "/models/m/uploads").get(0);
    Files.writeString(artifact, "99");
    try (ModelStore fresh = open(server.options(prefix, prefix + "-fresh"))) {
      assertThatThrownBy(() -> fresh.open("m:1")).isInstanceOf(IntegrityException.class)
          .hasMessageContaining("was altered in the object store").hasMessageContaining("m:1");
    }
  }

  @Test
  void check_damagedManifest_isReportedPerVersionAndHidesNothingElse() throws Exception {
    String prefix = freshPrefix();
    try (ModelStore store = open(server.options(prefix, prefix))) {
      publish(store, 1);
      publish(store, 2);
      publish(store, 3);
      Files.writeString(objectFile(prefix + "/models/m/versions/0000000002.json"), "{\"maas-store-s3\":1}\nnot json");
      assertThat(store.versions("m")).extracting(v -> v.version()).containsExactly(1, 3);
      StoreCheck check = store.check();
      assertThat(check.healthy()).isFalse();
      assertThat(check.damage()).singleElement().satisfies(d -> {
        assertThat(d.model()).isEqualTo("m");
        assertThat(d.version()).isEqualTo(OptionalInt.of(2));
        assertThat(d.reason()).contains("versions/0000000002.json");
      });
      try (StoredModel m = store.open("m:3")) {
        assertThat(m.version().version()).isEqualTo(3);
      }
    }
  }

  @Test
  void watch_anotherMachinesChanges_reachListeners() throws Exception {
    String prefix = freshPrefix();
    try (ModelStore writer = open(server.options(prefix, prefix + "-w"));
        ModelStore reader = open(server.options(prefix, prefix + "-r"))) {
      publish(writer, 1);
      BlockingQueue<String> events = new LinkedBlockingQueue<>();
      reader.addListener(e -> events.add(e.type() + " " + e.version() + e.alias().map(a -> "@" + a).orElse("")));
      ModelStore.Watch watch = reader.watch(Duration.ofMillis(20));
      try {
        publish(writer, 2);
        assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("VERSION_PUBLISHED 2");
        writer.setAlias("m", "production", 1);
        assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("ALIAS_SET 1@production");
        writer.setAlias("m", "production", 2);
        assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("ALIAS_SET 2@production");
        writer.delete("m", 1);
        assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("VERSION_DELETED 1");
      } finally {
        watch.close();
      }
    }
  }

  @Test
  void setAlias_wrongETags_noMoveIsLost() throws Exception {
    String prefix = freshPrefix();
    try (FaultProxy proxy = new FaultProxy(server.endpoint());
        ModelStore store = open(server.options(proxy.endpoint(), prefix, prefix))) {
      publish(store, 1);
      publish(store, 2);
      store.setAlias("m", "production", 1);
      for (String method : List.of("GET", "PUT")) {
        proxy.inject(FaultProxy.Kind.WRONG_ETAG, 2, r -> r.method().equals(method) && r.path().endsWith("/aliases.json"));
        store.setAlias("m", "staging", 2);
        store.setAlias("m", "production", 2);
        assertThat(store.removeAlias("m", "staging")).isTrue();
        store.setAlias("m", "production", 1);
      }
      assertThat(proxy.injected()).isEqualTo(4);
      assertThat(store.aliases("m")).isEqualTo(Map.of("production", 1));

    }
  }

  @Test
  void storeUnreachable_servedModelKeepsWorkingAndTheWatchRecovers() throws Exception {
    String prefix = freshPrefix();
    try (ModelStore writer = open(server.options(prefix, prefix + "-w"));
        FaultProxy proxy = new FaultProxy(server.endpoint());
        ModelStore reader = open(server.options(proxy.endpoint(), prefix, prefix + "-r").maxAttempts(2))) {
      publish(writer, 2);
      BlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
      reader.addListener(events::add);
      ModelStore.Watch watch = reader.watch(Duration.ofMillis(20));
      try (StoredModel served = reader.open("m")) {
        proxy.inject(FaultProxy.Kind.FAIL_500, Integer.MAX_VALUE, r -> true);
        assertThatThrownBy(reader::refresh).isInstanceOf(StoreException.class)
            .hasMessageContaining("s3://models/" + prefix).hasMessageContaining("HTTP 500");
        assertThatThrownBy(() -> reader.open("m:1")).isInstanceOf(StoreException.class);
        assertThat(served.predictor().predict(ScaleModel.inputs(2, 1))).isNotEmpty();
        publish(writer, 3);
        proxy.clear();
        StoreEvent e = events.poll(30, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.type()).isEqualTo(StoreEvent.Type.VERSION_PUBLISHED);
        assertThat(e.version()).isEqualTo(2);
      } finally {
        watch.close();
      }
      assertThatThrownBy(() -> reader.versions("gone")).isInstanceOf(ModelNotFoundException.class);
    }
  }
}
