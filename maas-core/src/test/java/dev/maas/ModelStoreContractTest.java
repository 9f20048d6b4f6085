package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link ModelStore} must have, for every model format. Implementations extend
 * this class and supply an empty store and models the store's formats can write.
 */
public abstract class ModelStoreContractTest {
  private ModelStore store;

  /** For subclasses. */
  protected ModelStoreContractTest() {}

  /** A new, empty store; the suite closes it. */
  protected abstract ModelStore newStore();

  /** A model the store can publish; different seeds give models that predict differently. */
  protected abstract Model newModel(long seed);

  /** Valid inputs for the models {@link #newModel} makes. */
  protected abstract Map<String, Tensor> sampleInputs();

  /** Relative tolerance between a model's outputs before and after a round trip through the store. */
  protected double tolerance() {
    return 0;
  }

  @BeforeEach
  final void openStore() {
    store = newStore();
  }

  @AfterEach
  final void closeStore() {
    store.close();
  }

  /** The store under test. */
  protected final ModelStore store() {
    return store;
  }

  private ModelVersion publish(String name, long seed) {
    try (Model model = newModel(seed)) {
      return store.publish(name, model);
    }
  }

  @Test
  void publish_firstVersions_areNumberedFromOne() {
    assertThat(publish("iris", 1).version()).isEqualTo(1);
    assertThat(publish("iris", 2).version()).isEqualTo(2);
    assertThat(publish("other", 3).version()).isEqualTo(1);
    assertThat(store.models()).containsExactly("iris", "other");
    assertThat(store.versions("iris")).extracting(ModelVersion::version).containsExactly(1, 2);
  }

  @Test
  void publish_withOptions_recordsEverything() {
    Instant before = Instant.now();
    ModelVersion v;
    try (Model model = newModel(1)) {
      v = store.publish("m", model, PublishOptions.builder()
          .description("first try")
          .metric("rmse", 0.125)
          .parameter("ridge", "0.5")
          .tag("team", "risk")
          .lineage(Lineage.of("train.csv", "sha256:abc", 150))
          .build());
      assertThat(v.signature()).isEqualTo(model.signature());
    }
    ModelVersion read = store.get("m:1");
    assertThat(read).isEqualTo(v);
    assertThat(read.description()).isEqualTo("first try");
    assertThat(read.metrics()).containsEntry("rmse", 0.125);
    assertThat(read.parameters()).containsEntry("ridge", "0.5");
    assertThat(read.tags()).containsEntry("team", "risk");
    assertThat(read.lineage().dataSource()).isEqualTo("train.csv");
    assertThat(read.lineage().rowCount()).isEqualTo(150);
    assertThat(read.lineage().libraryVersion()).isEqualTo(MaasVersion.VERSION)
        .as("the POM's version, filtered in at build time").matches("[0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)?");
    assertThat(read.createdAt()).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
    assertThat(read.files()).isNotEmpty().allSatisfy((file, sha) -> assertThat(sha).matches("[0-9a-f]{64}"));
  }

  @Test
  void open_publishedVersion_predictsLikeTheOriginal() {
    Map<String, Tensor> expected;
    try (Model model = newModel(7)) {
      expected = model.predictor().predict(sampleInputs());
      store.publish("m", model);
    }
    try (Model reopened = store.open("m:1")) {
      Map<String, Tensor> actual = reopened.predictor().predict(sampleInputs());
      assertThat(actual.keySet()).isEqualTo(expected.keySet());
      for (String name : expected.keySet()) {
        Tensor e = expected.get(name);
        Tensor a = actual.get(name);
        assertThat(a.shape()).isEqualTo(e.shape());
        if (tolerance() == 0 || !e.dataType().isFloatingPoint()) {
          assertThat(a).isEqualTo(e);
        } else {
          for (int i = 0; i < e.size(); i++) {
            assertThat(a.getDouble(i)).isCloseTo(e.getDouble(i),
                org.assertj.core.data.Offset.offset(tolerance() * Math.max(1, Math.abs(e.getDouble(i)))));
          }
        }
      }
    }
  }

  @Test
  void readBundle_throughBytes_opensFromMemoryAndPredictsLikeTheStore() {
    ModelVersion published = publish("m", 7);
    ModelBundle bundle = store.readBundle("m");
    ModelBundle copy = ModelBundle.fromBytes(bundle.toBytes());

    assertThat(copy.version()).isEqualTo(published);
    assertThat(copy.fileNames()).isEqualTo(published.files().keySet());
    assertThat(copy).isEqualTo(bundle);
    assertThat(copy.digest()).isEqualTo(bundle.digest()).hasSize(64);
    try (Model fromStore = store.open("m:1"); StoredModel fromBytes = copy.open()) {
      assertThat(fromBytes.version()).isEqualTo(published);
      Map<String, Tensor> expected = fromStore.predictor().predict(sampleInputs());
      Map<String, Tensor> actual = fromBytes.predictor().predict(sampleInputs());
      assertThat(actual).isEqualTo(expected);
    }
  }

  @Test
  void readBundle_alteredBytes_areRefusedNamingTheFile() {
    publish("m", 7);
    ModelBundle bundle = store.readBundle("m:1");
    String file = bundle.fileNames().iterator().next();
    byte[] bytes = bundle.toBytes();
    byte[] content = bundle.file(file);
    int at = indexOf(bytes, content);
    bytes[at + content.length / 2] ^= 1;

    assertThatThrownBy(() -> ModelBundle.fromBytes(bytes))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("'" + file + "'")
        .hasMessageContaining("SHA-256");
    assertThatThrownBy(() -> ModelBundle.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("damaged");
    assertThatThrownBy(() -> ModelBundle.fromBytes(new byte[] {1, 2, 3}))
        .isInstanceOf(IntegrityException.class);
  }

  @Test
  void readBundle_unknownReference_throwsNotFound() {
    publish("m", 7);
    assertThatThrownBy(() -> store.readBundle("m:9")).isInstanceOf(ModelNotFoundException.class);
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int at = 0; at + part.length <= bytes.length; at++) {
      if (java.util.Arrays.equals(bytes, at, at + part.length, part, 0, part.length)) {
        return at;
      }
    }
    throw new AssertionError("part not found");
  }

  @Test
  void get_references_resolveLatestNumberedAndAliased() {
    publish("m", 1);
    publish("m", 2);
    publish("m", 3);
    store.setAlias("m", "production", 2);
    assertThat(store.get("m").version()).isEqualTo(3);
    assertThat(store.get("m:1").version()).isEqualTo(1);
    assertThat(store.get("m@production").version()).isEqualTo(2);
    assertThat(store.find(ModelReference.parse("m:9"))).isEmpty();
    assertThat(store.find(ModelReference.parse("m@staging"))).isEmpty();
    assertThat(store.find(ModelReference.parse("nothing"))).isEmpty();
  }

  @Test
  void open_differentVersions_predictDifferently() {
    publish("m", 1);
    publish("m", 2);
    try (Model one = store.open("m:1"); Model two = store.open("m:2")) {
      assertThat(one.predictor().predict(sampleInputs())).isNotEqualTo(two.predictor().predict(sampleInputs()));
    }
  }

  @Test
  void setAlias_moveAndRemove_updatesTable() {
    publish("m", 1);
    publish("m", 2);
    store.setAlias("m", "production", 1);
    store.setAlias("m", "staging", 2);
    store.setAlias("m", "production", 2);
    assertThat(store.aliases("m")).containsExactlyInAnyOrderEntriesOf(Map.of("production", 2, "staging", 2));
    assertThat(store.removeAlias("m", "staging")).isTrue();
    assertThat(store.removeAlias("m", "staging")).isFalse();
    assertThat(store.aliases("m")).containsExactlyEntriesOf(Map.of("production", 2));
  }

  @Test
  void setAlias_missingVersion_throwsNotFoundAndChangesNothing() {
    publish("m", 1);
    assertThatThrownBy(() -> store.setAlias("m", "production", 5)).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("5");
    assertThat(store.aliases("m")).isEmpty();
  }

  @Test
  void delete_aliasedVersion_refusesAndKeepsIt() {
    publish("m", 1);
    store.setAlias("m", "production", 1);
    assertThatThrownBy(() -> store.delete("m", 1)).isInstanceOf(StoreException.class)
        .hasMessageContaining("production");
    assertThat(store.versions("m")).hasSize(1);
  }

  @Test
  void forceDelete_aliasedVersion_removesVersionAndAliases() {
    publish("m", 1);
    publish("m", 2);
    store.setAlias("m", "production", 1);
    store.setAlias("m", "staging", 2);
    store.forceDelete("m", 1);
    assertThat(store.versions("m")).extracting(ModelVersion::version).containsExactly(2);
    assertThat(store.aliases("m")).containsExactlyEntriesOf(Map.of("staging", 2));
  }

  @Test
  void setAlias_splitWithShadow_readsBackWholeAndResolvesToPrimary() {
    publish("m", 1);
    publish("m", 2);
    publish("m", 3);
    AliasTarget split = AliasTarget.split(Map.of(1, 90, 2, 10)).withShadow(3);
    store.setAlias("m", "production", split);
    store.setAlias("m", "staging", 3);
    assertThat(store.aliasTargets("m")).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of("production", split, "staging", AliasTarget.of(3))));
    assertThat(store.aliases("m")).containsExactlyInAnyOrderEntriesOf(Map.of("production", 1, "staging", 3));
    assertThat(store.get("m@production").version()).isEqualTo(1);
    store.setAlias("m", "production", AliasTarget.split(Map.of(1, 10, 2, 90)));
    assertThat(store.aliasTargets("m").get("production").weights()).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of(1, 10, 2, 90)));
    assertThat(store.aliasTargets("m").get("production").shadow()).isEmpty();
    assertThat(store.aliases("m")).containsEntry("production", 2);
  }

  @Test
  void setAlias_splitToMissingVersion_throwsNotFoundAndChangesNothing() {
    publish("m", 1);
    store.setAlias("m", "production", 1);
    assertThatThrownBy(() -> store.setAlias("m", "production", AliasTarget.split(Map.of(1, 50, 7, 50))))
        .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("7");
    assertThatThrownBy(() -> store.setAlias("m", "production", AliasTarget.of(1).withShadow(8)))
        .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("8");
    assertThat(store.aliasTargets("m")).containsExactlyEntriesOf(Map.of("production", AliasTarget.of(1)));
  }

  @Test
  void delete_versionInSplitOrShadow_refusesUnlessForced() {
    publish("m", 1);
    publish("m", 2);
    publish("m", 3);
    store.setAlias("m", "production", AliasTarget.split(Map.of(1, 50, 2, 50)).withShadow(3));
    assertThatThrownBy(() -> store.delete("m", 2)).isInstanceOf(StoreException.class)
        .hasMessageContaining("production");
    assertThatThrownBy(() -> store.delete("m", 3)).isInstanceOf(StoreException.class)
        .hasMessageContaining("production");
    store.forceDelete("m", 3);
    assertThat(store.aliasTargets("m")).isEmpty();
    assertThat(store.versions("m")).extracting(ModelVersion::version).containsExactly(1, 2);
  }

  @Test
  void delete_latestVersion_numberIsNeverReused() {
    publish("m", 1);
    publish("m", 2);
    store.delete("m", 2);
    assertThat(publish("m", 3).version()).isEqualTo(3);
    assertThat(store.versions("m")).extracting(ModelVersion::version).containsExactly(1, 3);
  }

  @Test
  void delete_lastRemainingVersion_modelDisappears() {
    publish("m", 1);
    store.delete("m", 1);
    assertThat(store.models()).isEmpty();
    assertThatThrownBy(() -> store.versions("m")).isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void lookups_unknownModel_throwNotFound() {
    assertThatThrownBy(() -> store.versions("ghost")).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("ghost");
    assertThatThrownBy(() -> store.get("ghost:1")).isInstanceOf(ModelNotFoundException.class)
        .hasMessageContaining("ghost:1");
    assertThatThrownBy(() -> store.open("ghost")).isInstanceOf(ModelNotFoundException.class);
    assertThatThrownBy(() -> store.delete("ghost", 1)).isInstanceOf(ModelNotFoundException.class);
    assertThatThrownBy(() -> store.aliases("ghost")).isInstanceOf(ModelNotFoundException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", ".", "../escape", "a/b", "a\\b", "/abs", "C:", "con", "NUL.txt", "com1",
      ".hidden", "-dash", "trailing.", "tab\tname", "nul\u0000byte", "é", "a b",
      "waaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay"})
  void publish_hostileName_throwsInvalidInputAndChangesNothing(String name) {
    publish("kept", 1);
    try (Model model = newModel(2)) {
      assertThatThrownBy(() -> store.publish(name, model)).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> store.setAlias("kept", name, 1)).isInstanceOf(InvalidInputException.class);
    assertThat(store.models()).containsExactly("kept");
    assertThat(store.aliases("kept")).isEmpty();
  }

  @Test
  void listeners_defaultExecutor_deliversOnAnotherThreadThatMayCallTheStore() throws Exception {
    Thread caller = Thread.currentThread();
    java.util.concurrent.BlockingQueue<String> seen = new java.util.concurrent.LinkedBlockingQueue<>();
    store.addListener(e -> seen.add((Thread.currentThread() != caller) + " " + e.type() + " " + e.version() + " "
        + store.models().contains(e.model())));
    publish("m", 1);
    store.setAlias("m", "production", 1);
    assertThat(seen.poll(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("true VERSION_PUBLISHED 1 true");
    assertThat(seen.poll(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("true ALIAS_SET 1 true");
  }

  @Test
  void listeners_oneThrows_othersAndItselfKeepReceiving() {
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger thrown = new java.util.concurrent.atomic.AtomicInteger();
    store.addListener(e -> {
      thrown.incrementAndGet();
      throw new IllegalStateException("listener bug");
    }, Runnable::run);
    store.addListener(events::add, Runnable::run);
    publish("m", 1);
    store.setAlias("m", "production", 1);
    store.removeAlias("m", "production");
    assertThat(thrown.get()).isEqualTo(3);
    assertThat(events).extracting(StoreEvent::type).containsExactly(
        StoreEvent.Type.VERSION_PUBLISHED, StoreEvent.Type.ALIAS_SET, StoreEvent.Type.ALIAS_REMOVED);
  }

  @Test
  void watch_nonPositiveInterval_refused() {
    assertThatThrownBy(() -> store.watch(java.time.Duration.ZERO)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void listeners_receiveEveryChangeInOrder() {
    List<StoreEvent> events = new CopyOnWriteArrayList<>();
    StoreListener listener = events::add;
    store.addListener(listener, Runnable::run);
    publish("m", 1);
    publish("m", 2);
    store.setAlias("m", "production", 1);
    store.setAlias("m", "production", 2);
    store.forceDelete("m", 2);
    store.removeListener(listener);
    publish("m", 3);
    List<String> seen = new ArrayList<>();
    for (StoreEvent e : events) {
      seen.add(e.type() + " " + e.model() + ":" + e.version() + e.alias().map(a -> "@" + a).orElse(""));
    }
    assertThat(seen).containsExactly(
        "VERSION_PUBLISHED m:1",
        "VERSION_PUBLISHED m:2",
        "ALIAS_SET m:1@production",
        "ALIAS_SET m:2@production",
        "ALIAS_REMOVED m:2@production",
        "VERSION_DELETED m:2");
  }

  @Test
  void close_thenUse_throwsIllegalState() {
    publish("m", 1);
    store.close();
    store.close();
    assertThatThrownBy(() -> store.models()).isInstanceOf(StoreException.class);
  }
}
