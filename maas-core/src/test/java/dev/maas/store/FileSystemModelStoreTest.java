package dev.maas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.Lineage;
import dev.maas.MaasException;
import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import dev.maas.StoreCheck;
import dev.maas.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the file-system store: its layout, integrity checks and damaged files. */
class FileSystemModelStoreTest {
  @TempDir Path root;
  private ModelStore store;

  @BeforeEach
  void open() {
    store = ModelStore.open(root, List.of(new ScaleFormat()));
  }

  private ModelVersion publish(double factor) {
    try (Model model = new ScaleModel(factor)) {
      return store.publish("m", model);
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void publish_writesDocumentedLayout() throws IOException {
    publish(2);
    store.setAlias("m", "production", 1);
    assertThat(listing(root.resolve("m"))).contains("1", "1/maas-version.json", "1/model.scale", "aliases.json");
    String metadata = Files.readString(root.resolve("m/1/maas-version.json"));
    assertThat(metadata).contains("\"format\" : \"scale\"", "\"model.scale\" : \"");
  }

  @Test
  void open_alteredArtifact_throwsIntegrityNamingFile() throws IOException {
    publish(2);
    Files.writeString(root.resolve("m/1/model.scale"), Double.toHexString(3.0));
    assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("model.scale").hasMessageContaining("altered");
  }

  @Test
  void open_alteredArtifact_carriesContextAndPublicMessageHasNoServerPath() throws IOException {
    publish(2);
    Files.writeString(root.resolve("m/1/model.scale"), Double.toHexString(3.0));
    IntegrityException e = catchThrowableOfType(IntegrityException.class, () -> store.open("m:1"));
    assertThat(e.getMessage()).contains(root.toString());
    assertThat(e.context().model()).contains("m:1");
    assertThat(e.context().file()).contains(root.resolve("m/1/model.scale"));
    assertThat(e.publicMessage()).contains("model.scale").contains("altered").doesNotContain(root.toString());
  }

  @Test
  void open_unknownReference_throwsNotFoundWithModelContext() {
    ModelNotFoundException e = catchThrowableOfType(ModelNotFoundException.class, () -> store.open("absent@production"));
    assertThat(e.context().model()).contains("absent@production");
    assertThat(e.publicMessage()).isEqualTo(e.getMessage());
  }

  @Test
  void storeErrors_publicMessage_neverShowTheRoot() throws IOException {
    publish(2);
    Files.writeString(root.resolve("m/aliases.json"), "{\"a\": 1, \"a\": 1}");
    StoreException e = catchThrowableOfType(StoreException.class, () -> store.aliases("m"));
    assertThat(e.getMessage()).containsIgnoringCase("duplicate").contains(root.toString());
    assertThat(e.publicMessage()).contains("aliases.json").doesNotContain(root.toString());
  }

  @Test
  void open_missingArtifact_throwsIntegrityNamingFile() throws IOException {
    publish(2);
    Files.delete(root.resolve("m/1/model.scale"));
    assertThatThrownBy(() -> store.open("m")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("model.scale").hasMessageContaining("missing");
  }

  @Test
  void read_truncatedMetadata_throwsIntegrityNamingFile() throws IOException {
    publish(2);
    Path file = root.resolve("m/1/maas-version.json");
    byte[] json = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(json, json.length / 2));
    assertThatThrownBy(() -> store.get("m:1")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("maas-version.json").hasMessageContaining("malformed");
    assertThat(store.versions("m")).isEmpty();
    assertThat(store.check().damage()).extracting(StoreCheck.Damage::reason).singleElement().asString()
        .contains("malformed");
  }

  @Test
  void read_metadataNotJson_throwsIntegrity() throws IOException {
    publish(2);
    Files.writeString(root.resolve("m/1/maas-version.json"), "not json at all");
    assertThatThrownBy(() -> store.get("m")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void read_metadataMissingField_throwsIntegrityNamingField() throws IOException {
    publish(2);
    Path file = root.resolve("m/1/maas-version.json");
    Files.writeString(file, Files.readString(file).replace("\"format\"", "\"formt\""));
    assertThatThrownBy(() -> store.get("m")).isInstanceOf(IntegrityException.class).hasMessageContaining("'format'");
  }

  @Test
  void read_metadataOfOtherVersion_throwsIntegrity() throws IOException {
    publish(2);
    publish(3);
    Files.copy(root.resolve("m/1/maas-version.json"), root.resolve("m/2/maas-version.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> store.get("m:2")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("m:1");
  }

  @Test
  void aliases_plainAndSplit_fileKeepsPlainAliasesAsNumbers() throws IOException {
    publish(1);
    publish(2);
    publish(3);
    Files.writeString(root.resolve("m/aliases.json"), "{\"staging\": 2}");
    assertThat(store.aliases("m")).containsExactlyEntriesOf(java.util.Map.of("staging", 2));
    store.setAlias("m", "production", dev.maas.AliasTarget.split(java.util.Map.of(1, 90, 2, 10)).withShadow(3));
    String written = Files.readString(root.resolve("m/aliases.json")).replaceAll("\\s", "");
    assertThat(written).isEqualTo("{\"production\":{\"split\":{\"1\":90,\"2\":10},\"shadow\":3},\"staging\":2}");
    try (dev.maas.ModelStore reopened = dev.maas.ModelStore.open(root)) {
      assertThat(reopened.aliasTargets("m").get("production"))
          .isEqualTo(dev.maas.AliasTarget.split(java.util.Map.of(1, 90, 2, 10)).withShadow(3));
    }
  }

  @Test
  void read_malformedSplit_throwsIntegrityNamingAlias() throws IOException {
    publish(2);
    Files.writeString(root.resolve("m/aliases.json"), "{\"production\": {\"split\": {\"1\": 0}}}");
    assertThatThrownBy(() -> store.aliases("m")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("aliases.json").hasMessageContaining("production");
  }

  @Test
  void read_malformedAliases_throwsIntegrity() throws IOException {
    publish(2);
    Files.writeString(root.resolve("m/aliases.json"), "{\"production\": \"one\"}");
    assertThatThrownBy(() -> store.aliases("m")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("aliases.json");
  }

  @Test
  void open_storeWithOneDamagedModel_otherModelsStillWork() throws IOException {
    publish(2);
    try (Model model = new ScaleModel(3)) {
      store.publish("healthy", model);
    }
    Files.writeString(root.resolve("m/aliases.json"), "{");
    try (ModelStore reopened = ModelStore.open(root, List.of(new ScaleFormat()));
        Model model = reopened.open("healthy")) {
      assertThat(model.signature()).isEqualTo(ScaleModel.SIGNATURE);
      assertThat(reopened.models()).containsExactly("healthy", "m");
      assertThatThrownBy(() -> reopened.aliases("m")).isInstanceOf(IntegrityException.class);
    }
  }

  @Test
  void versions_oneGarbageRecord_listsTheOthersAndDamageNamesIt() throws IOException {
    publish(2);
    publish(3);
    publish(4);
    try (Model model = new ScaleModel(5)) {
      store.publish("n", model);
    }
    Files.writeString(root.resolve("m/2/maas-version.json"), "garbage");
    assertThat(store.versions("m")).extracting(ModelVersion::version).containsExactly(1, 3);
    assertThat(store.models()).containsExactly("m", "n");
    assertThat(store.versions("n")).hasSize(1);
    assertThatThrownBy(() -> store.open("m:2")).isInstanceOf(IntegrityException.class)
        .hasMessageContaining("maas-version.json");
    try (Model model = store.open("m:3")) {
      assertThat(model.signature()).isEqualTo(ScaleModel.SIGNATURE);
    }
    assertThat(store.check().damage()).singleElement().satisfies(d -> {
      assertThat(d.model()).isEqualTo("m");
      assertThat(d.version()).hasValue(2);
      assertThat(d.reason()).contains("maas-version.json");
    });
  }

  @Test
  void damage_corruptAliasTable_reportedWithoutVersion() throws IOException {
    publish(2);
    Files.writeString(root.resolve("m/aliases.json"), "{");
    assertThat(store.check().damage()).singleElement().satisfies(d -> {
      assertThat(d.version()).isEmpty();
      assertThat(d.reason()).contains("aliases.json");
    });
  }

  @Test
  void damage_healthyStore_isEmpty() {
    publish(2);
    store.setAlias("m", "production", 1);
    assertThat(store.check().damage()).isEmpty();
  }

  @Test
  void setAlias_unknownModel_leavesNoDirectoryBehind() {
    assertThatThrownBy(() -> store.setAlias("ghost", "production", 1)).isInstanceOf(ModelNotFoundException.class);
    assertThat(root.resolve("ghost")).doesNotExist();
  }

  @Test
  void open_unknownFormat_throwsModelLoadNamingFormat() throws IOException {
    publish(2);
    try (ModelStore bare = ModelStore.open(root, List.of())) {
      assertThatThrownBy(() -> bare.open("m")).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("'scale'");
    }
  }

  @Test
  void publish_noFormatCanWrite_throwsAndLeavesStoreUnchanged() throws IOException {
    try (ModelStore bare = ModelStore.open(root, List.of()); Model model = new ScaleModel(1)) {
      assertThatThrownBy(() -> bare.publish("m", model)).isInstanceOf(StoreException.class)
          .hasMessageContaining("no model format");
    }
    assertThat(store.models()).isEmpty();
  }

  @Test
  void publish_formatFailsMidWrite_leavesStoreAsItWas() throws IOException {
    publish(2);
    List<String> before = listing(root);
    ScaleFormat failing = new ScaleFormat() {
      @Override
      public void write(Model model, dev.maas.spi.ArtifactWriter out) throws IOException {
        try (var stream = out.create("model.scale")) {
          stream.write(1);
        }
        throw new IOException("disk full");
      }
    };
    try (ModelStore broken = ModelStore.open(root, List.of(failing));
        Model model = new ScaleModel(5)) {
      assertThatThrownBy(() -> broken.publish("m", model)).isInstanceOf(StoreException.class)
          .hasMessageContaining("disk full");
    }
    assertThat(listing(root)).isEqualTo(before);
    assertThat(publish(4).version()).isEqualTo(2);
  }

  @Test
  void artifactWriter_hostileFileName_isRefused() {
    ScaleFormat hostile = new ScaleFormat() {
      @Override
      public void write(Model model, dev.maas.spi.ArtifactWriter out) throws IOException {
        out.create("../escape").close();
      }
    };
    try (ModelStore s = ModelStore.open(root, List.of(hostile)); Model model = new ScaleModel(5)) {
      assertThatThrownBy(() -> s.publish("m", model)).isInstanceOf(StoreException.class)
          .hasMessageContaining("../escape").hasMessageContaining(dev.maas.spi.ArtifactWriter.FILE_NAME_RULE);
    }
    assertThat(Files.exists(root.resolve("escape"))).isFalse();
    assertThat(store.models()).isEmpty();
  }

  @Test
  void listing_ignoresDebrisAndForeignEntries() throws IOException {
    publish(2);
    Files.createDirectories(root.resolve("m/.staging-dead"));
    Files.createDirectories(root.resolve("m/notaversion"));
    Files.createDirectories(root.resolve("m/0"));
    Files.createDirectories(root.resolve(".hidden/1"));
    Files.writeString(root.resolve("README"), "hello");
    assertThat(store.models()).containsExactly("m");
    assertThat(store.versions("m")).extracting(ModelVersion::version).containsExactly(1);
  }

  @Test
  void refresh_changesByAnotherStoreInstance_reachListeners() {
    publish(1);
    List<String> events = new ArrayList<>();
    store.addListener(e -> events.add(e.type() + " " + e.model() + ":" + e.version()), Runnable::run);
    try (ModelStore other = ModelStore.open(root, List.of(new ScaleFormat()));
        Model model = new ScaleModel(9)) {
      other.publish("m", model);
      other.setAlias("m", "production", 2);
      other.delete("m", 1);
    }
    assertThat(events).isEmpty();
    store.refresh();
    assertThat(events).containsExactly("VERSION_PUBLISHED m:2", "ALIAS_SET m:2", "VERSION_DELETED m:1")
        .doesNotContain("VERSION_PUBLISHED m:1");
    store.refresh();
    assertThat(events).hasSize(3);
  }

  @Test
  void open_rootIsAFile_throwsStoreException() throws IOException {
    Path file = Files.writeString(root.resolve("file"), "x");
    assertThatThrownBy(() -> ModelStore.open(file)).isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void lineageOfFile_namesFileAndFingerprintsContent() throws IOException {
    Path data = Files.writeString(root.resolve("train.csv"), "abc");
    Lineage lineage = Lineage.ofFile(data, 7);
    assertThat(lineage.dataSource()).isEqualTo("train.csv");
    assertThat(lineage.dataFingerprint())
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(lineage.rowCount()).isEqualTo(7);
    assertThatThrownBy(() -> Lineage.ofFile(root.resolve("absent.csv"), 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("absent.csv")
        .satisfies(e -> assertThat(((MaasException) e).context().file()).contains(root.resolve("absent.csv")));
  }

  @Test
  void metadata_roundTrip_keepsEveryField() {
    ModelVersion v;
    try (Model model = new ScaleModel(2)) {
      v = store.publish("m", model, PublishOptions.builder().description("d \"quoted\" \u00e9")
          .metric("r2", 0.1 + 0.2).parameter("p", "v").tag("t", "").lineage(Lineage.of("s", "f", 3)).build());
    }
    ModelVersion read = MetadataJson.readVersion(MetadataJson.writeVersion(v), "test");
    assertThat(read).isEqualTo(v);
    assertThat(read.metrics().get("r2")).isEqualTo(0.1 + 0.2);
    byte[] aliases = MetadataJson.writeAliases(Map.of("b", dev.maas.AliasTarget.of(2), "a", dev.maas.AliasTarget.of(1)));
    assertThat(new String(aliases, StandardCharsets.UTF_8))
        .contains("\"a\" : 1");
  }
}
