package dev.maas.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.IntegrityException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionFilesTest {
  @TempDir Path dir;

  @Test
  void checkedName_escapingOrAbsoluteNames_throwIntegrity() {
    for (String bad : List.of("../model.onnx", "a/../../b", "/etc/passwd", "C:/x", "a\\b", "", "a//b", "./a")) {
      assertThatThrownBy(() -> VersionFiles.checkedName(bad)).as(bad).isInstanceOf(IntegrityException.class)
          .hasMessageContaining("not a relative path inside the version");
    }
    assertThat(VersionFiles.checkedName("model.onnx")).isEqualTo("model.onnx");
    assertThat(VersionFiles.checkedName("weights/part-1.bin")).isEqualTo("weights/part-1.bin");
  }

  @Test
  void read_nameThatEscapesTheVersion_throwsBeforeReading() {
    assertThatThrownBy(() -> VersionFiles.read(dir, List.of("../../outside")))
        .isInstanceOf(IntegrityException.class);
    assertThatThrownBy(() -> new VersionFiles(Map.of("../x", new byte[1]))).isInstanceOf(IntegrityException.class);
  }
}
