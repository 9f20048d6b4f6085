package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AliasTargetTest {
  @Test
  void primary_largestWeight_lowestVersionOnTie() {
    assertThat(AliasTarget.split(Map.of(3, 90, 4, 10)).primary()).isEqualTo(3);
    assertThat(AliasTarget.split(Map.of(3, 10, 4, 90)).primary()).isEqualTo(4);
    assertThat(AliasTarget.split(Map.of(5, 50, 4, 50)).primary()).isEqualTo(4);
  }

  @Test
  void split_oneVersion_equalsPlainAlias() {
    assertThat(AliasTarget.split(Map.of(3, 100))).isEqualTo(AliasTarget.of(3));
    assertThat(AliasTarget.of(3).isPlain()).isTrue();
    assertThat(AliasTarget.of(3).withShadow(4).isPlain()).isFalse();
  }

  @Test
  void new_invalidWeightsOrShadow_throwsInvalidInputNamingIt() {
    assertThatThrownBy(() -> AliasTarget.split(Map.of(3, 0, 4, 10))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("weight of version 3");
    assertThatThrownBy(() -> AliasTarget.split(Map.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> AliasTarget.split(Map.of(0, 10))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("version 0");
    assertThatThrownBy(() -> AliasTarget.split(Map.of(3, 90, 4, 10)).withShadow(4))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("shadow version 4");
  }

  @Test
  void toString_readsAsTheCommandLineWritesIt() {
    assertThat(AliasTarget.of(3)).hasToString("3");
    assertThat(AliasTarget.split(Map.of(4, 10, 3, 90)).withShadow(5)).hasToString("3=90,4=10 shadow 5");
    assertThat(AliasTarget.split(Map.of(4, 10, 3, 90)).totalWeight()).isEqualTo(100);
  }
}
