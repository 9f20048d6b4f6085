package dev.maas.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Background}: sampling, reordering, and storage with a version. */
class BackgroundTest {
  @TempDir Path root;

  private static Background.Sampler sampler(long seed, int rows) {
    Background.Sampler s = Background.sampler(List.of("a", "b"), 10, seed);
    for (int i = 0; i < rows; i++) {
      s.add(new double[] {i, 0.1 * i});
    }
    return s;
  }

  @Test
  void sampler_keepsSeededSampleAndMeansOfEveryRow() {
    Background first = sampler(7, 1000).build();
    Background again = sampler(7, 1000).build();
    Background other = sampler(8, 1000).build();
    assertThat(first.rowCount()).isEqualTo(10);
    assertThat(first.sourceRows()).isEqualTo(1000);
    assertThat(first.seed()).contains(7L);
    assertThat(first.rows()).isDeepEqualTo(again.rows());
    assertThat(first.rows()).isNotEqualTo(other.rows());
    assertThat(first.means()[0]).isCloseTo(499.5, within(1e-12));
    assertThat(first.means()[1]).isCloseTo(49.95, within(1e-12));
    for (double[] row : first.rows()) {
      assertThat(row[1]).isCloseTo(0.1 * row[0], within(1e-12));
    }
    assertThat(sampler(7, 4).build().rowCount()).as("fewer rows than the sample size").isEqualTo(4);
  }

  @Test
  void sampler_badRows_throwClearErrors() {
    Background.Sampler s = Background.sampler(List.of("a", "b"), 10, 1);
    assertThatThrownBy(s::build).isInstanceOf(InvalidInputException.class).hasMessageContaining("no rows");
    assertThatThrownBy(() -> s.add(new double[] {1})).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expected 2");
    assertThatThrownBy(() -> s.add(new double[] {1, Double.NaN})).isInstanceOf(InvalidInputException.class)
        .hasMessage("background: row 0, feature 'b' is NaN; values must be finite");
    assertThatThrownBy(() -> Background.of(List.of("a", "a"), new double[][] {{1, 2}}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("repeat");
  }

  @Test
  void reorder_followsNames() {
    Background b = Background.of(List.of("a", "b"), new double[][] {{1, 2}, {3, 4}});
    Background r = b.reorder(List.of("b", "a"));
    assertThat(r.featureNames()).containsExactly("b", "a");
    assertThat(r.rows()).isDeepEqualTo(new double[][] {{2, 1}, {4, 3}});
    assertThat(r.means()).containsExactly(3, 2);
  }

  @Test
  void json_roundTripsExactly() {
    Background b = sampler(3, 57).build();
    Background back = Background.fromJson(b.toJson());
    assertThat(back.rows()).isDeepEqualTo(b.rows());
    assertThat(back.means()).isEqualTo(b.means());
    assertThat(back.featureNames()).isEqualTo(b.featureNames());
    assertThat(back.sourceRows()).isEqualTo(57);
    assertThat(back.seed()).contains(3L);
  }

  @Test
  void stored_publishedWithVersion_readsBackAndIsChecksummed() throws IOException {
    Background b = Background.of(List.of("u", "v"), new double[][] {{1, 2}, {3, 5}});
    try (ModelStore store = ModelStore.open(root, List.of(new ScaleFormat()));
        ScaleModel model = new ScaleModel(2)) {
      ModelVersion with = store.publish("m", model, PublishOptions.builder().extraFile(Background.FILE_NAME, b.toJson()).build());
      ModelVersion without = store.publish("m", model);
      assertThat(with.files()).containsKey(Background.FILE_NAME);
      assertThat(Background.stored(store, with).orElseThrow().rows()).isDeepEqualTo(b.rows());
      assertThat(Background.stored(store, without)).isEmpty();
      try (Model opened = store.open("m:1")) {
        assertThat(opened.signature()).isEqualTo(model.signature());
      }
      Path file = root.resolve("m").resolve("1").resolve(Background.FILE_NAME);
      Files.writeString(file, Files.readString(file).replace("5.0", "6.0"));
      assertThatThrownBy(() -> Background.stored(store, with)).isInstanceOf(IntegrityException.class)
          .hasMessageContaining("was altered");
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(IntegrityException.class);
    }
  }
}
