package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.explain.Background;
import dev.maas.explain.Explainer;
import dev.maas.explain.Explanation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the Java example of docs/explain.md, as written there. */
class ExplainDocsExampleTest {
  @TempDir Path dir;

  @Test
  void docsExample_explainStoredModel_runs() {
    LinearRegressionModel trained = LinearRegressionModel.of(20, new double[] {1.5, 12, -0.8},
        List.of("area", "rooms", "age"));
    double[][] someRows = {{100, 3, 20}, {150, 5, 5}, {80, 2, 40}};
    double[][] rows = {{140, 5, 31}};
    Background.Sampler sampler = Background.sampler(trained.featureNames(), 100, 0);
    for (double[] row : someRows) {
      sampler.add(row);
    }
    try (ModelStore publishing = ModelStore.open(dir.resolve("models"))) {
      publishing.publish("house", trained, PublishOptions.builder().extraFile(Background.FILE_NAME, sampler.build().toJson()).build());
    }
    String models = dir.resolve("models").toString();

    // the example, with Path.of("models") pointing into the test's directory
    try (ModelStore store = ModelStore.open(Path.of(models));
         Model model = store.open("house")) {
      ModelVersion version = store.get("house");
      Background background = Background.stored(store, version)
          .orElseGet(() -> Background.of(List.of("area", "rooms", "age"), someRows));
      Explainer explainer = Explainer.of(model, background);   // once; computes the base value
      Explanation e = explainer.explain(rows);                  // double[][] or a Tensor [n, p]
      double base = e.baseValue();
      double[] why = e.attributions(0);                         // row 0, feature order
      double[] errors = e.standardErrors(0, 0);                 // 0 unless Kernel SHAP

      assertThat(base).isCloseTo(20 + 1.5 * 110 + 12 * 10 / 3.0 - 0.8 * 65 / 3.0, within(1e-9));
      assertThat(why[0]).isCloseTo(1.5 * (140 - 110), within(1e-9));
      assertThat(errors).containsOnly(0.0);
    }
  }
}
