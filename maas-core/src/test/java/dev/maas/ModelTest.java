package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
  @TempDir Path dir;

  @Test
  void open_recognizedFile_usesServiceLoaderFormat() throws IOException {
    Path file = Files.writeString(dir.resolve("double.scale"), Double.toHexString(2));
    try (Model model = Model.open(file)) {
      assertThat(model.predictor().predict(ScaleModel.inputs(1, 1)).get("y").getDouble(0))
          .isEqualTo(2 * ScaleModel.inputs(1, 1).get("x").getDouble(0));
    }
  }

  @Test
  void open_unrecognizedFile_throwsModelLoadNamingFormats() throws IOException {
    Path file = Files.writeString(dir.resolve("model.unknown"), "?");
    assertThatThrownBy(() -> Model.open(file)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no model format recognizes").hasMessageContaining("scale");
  }

  @Test
  void open_missingFile_throwsModelLoad() {
    assertThatThrownBy(() -> Model.open(dir.resolve("absent.scale"))).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no such file");
  }

  @Test
  void open_corruptFile_throwsModelLoadNamingFile() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.scale"), "not a number");
    assertThatThrownBy(() -> Model.open(file)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("bad.scale");
  }
}
