package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PublishOptionsTest {
  @Test
  void builder_scalarSettingTwice_isRefusedNamingIt() {
    assertThatThrownBy(() -> PublishOptions.builder().description("a").description("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("description");
    assertThatThrownBy(() -> PublishOptions.builder().format("onnx").format("linear"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("format");
    assertThatThrownBy(() -> PublishOptions.builder().lineage(Lineage.UNKNOWN).lineage(Lineage.UNKNOWN))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("lineage");
  }

  @Test
  void options_sameSettings_areEqualWithEqualHashAndReadableText() {
    PublishOptions a = PublishOptions.builder().description("d").metric("rmse", 0.5).tag("team", "risk")
        .parameter("ridge", "0.1").lineage(Lineage.of("x.csv", "sha256:00", 3)).format("linear").build();
    PublishOptions b = PublishOptions.builder().format("linear").parameter("ridge", "0.1").tag("team", "risk")
        .metric("rmse", 0.5).lineage(Lineage.of("x.csv", "sha256:00", 3)).description("d").build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(PublishOptions.defaults());
    assertThat(a.toString()).contains("description=d", "rmse=0.5", "team=risk", "ridge=0.1", "format=linear");
  }

  @Test
  void sample_storedAsItsExtraFile_emptyOrTwiceRefused() {
    byte[] body = "{\"inputs\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    PublishOptions options = PublishOptions.builder().sample(body).build();
    assertThat(options.extraFiles()).containsOnlyKeys(PublishOptions.SAMPLE_FILE_NAME);
    assertThat(options.sample()).hasValueSatisfying(s -> assertThat(s).isEqualTo(body));
    assertThat(PublishOptions.defaults().sample()).isEmpty();
    assertThatThrownBy(() -> PublishOptions.builder().sample(new byte[0])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> PublishOptions.builder().sample(body).sample(body))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
  }
}
