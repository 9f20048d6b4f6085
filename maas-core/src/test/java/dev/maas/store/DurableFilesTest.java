package dev.maas.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  @Test
  void createDirectoryDurably_missingWithParents_createsThem_existing_keepsItsContent() throws IOException {
    Path model = dir.resolve("root").resolve("model");
    DurableFiles.createDirectoryDurably(model);
    assertThat(model).isDirectory();
    Files.writeString(model.resolve("f"), "x");
    DurableFiles.createDirectoryDurably(model);
    assertThat(model.resolve("f")).hasContent("x");
  }

  @Test
  void publish_newModel_createsItsDirectoryUnderTheRoot() throws IOException {
    try (ModelStore store = ModelStore.open(dir, List.of(new ScaleFormat())); Model model = new ScaleModel(2)) {
      store.publish("fresh", model);
    }
    assertThat(dir.resolve("fresh").resolve("1")).isDirectory();
  }
}
