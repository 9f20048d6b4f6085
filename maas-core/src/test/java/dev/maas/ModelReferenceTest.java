package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ModelReferenceTest {
  @Test
  void parse_threeForms_roundTripThroughToString() {
    assertThat(ModelReference.parse("iris")).isEqualTo(ModelReference.latest("iris"));
    assertThat(ModelReference.parse("iris:12")).isEqualTo(ModelReference.ofVersion("iris", 12));
    assertThat(ModelReference.parse("iris@production")).isEqualTo(ModelReference.ofAlias("iris", "production"));
    for (String text : new String[] {"iris", "iris:12", "iris@production", "my-model.v2_x"}) {
      assertThat(ModelReference.parse(text).toString()).isEqualTo(text);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"iris:", "iris:0", "iris:-1", "iris:1.5", "iris:99999999999", "iris:1@prod",
      "iris@", "iris@../x", ":3", "@prod", "../iris", "a/b:1", "iris@con"})
  void parse_malformed_throwsInvalidInput(String text) {
    assertThatThrownBy(() -> ModelReference.parse(text)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void requireValidName_controlCharacter_isEscapedInMessage() {
    assertThatThrownBy(() -> ModelReference.requireValidName("a\nb", "model name"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("a\\u000ab");
  }
}
