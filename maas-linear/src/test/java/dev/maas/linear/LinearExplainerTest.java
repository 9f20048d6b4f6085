package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.explain.Background;
import dev.maas.explain.ExplainMethod;
import dev.maas.explain.Explainer;
import dev.maas.explain.Explanation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linear format's own exact explainer, and the generic paths on a linear model, against {@code c × (x − mean)}. */
class LinearExplainerTest {
  @TempDir Path root;

  private static LinearRegressionModel model(int p, long seed) {
    Random random = new Random(seed);
    double[] c = new double[p];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      c[j] = random.nextGaussian() * 3;
      names.add("x" + j);
    }
    return LinearRegressionModel.of(random.nextGaussian(), c, names);
  }

  private static double[][] rows(int n, int p, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[n][p];
    for (double[] row : out) {
      for (int j = 0; j < p; j++) {
        row[j] = 10 + random.nextGaussian() * 4;
      }
    }
    return out;
  }

  private static void assertCoefficientTimesDeviation(Explanation e, LinearRegressionModel model, double[][] rows,
      Background background) {
    double[] mean = new double[model.featureCount()];
    for (double[] b : background.rows()) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += b[j] / background.rowCount();
      }
    }
    for (int i = 0; i < rows.length; i++) {
      double sum = 0;
      for (int j = 0; j < mean.length; j++) {
        assertThat(e.attribution(i, j)).as("%s row %d feature %d", e.method(), i, j)
            .isCloseTo(model.coefficient(j) * (rows[i][j] - mean[j]), within(1e-9));
        sum += e.attribution(i, j);
      }
      assertThat(sum).as("local accuracy").isCloseTo(e.prediction(i) - e.baseValue(), within(1e-9));
    }
  }

  @Test
  void explain_formatExactAndKernel_equalCoefficientTimesDeviationFromMean() {
    LinearRegressionModel model = model(5, 1);
    Background background = Background.of(model.featureNames(), rows(30, 5, 2));
    double[][] rows = rows(8, 5, 3);
    Explanation format = Explainer.of(model, background).explain(rows);
    assertThat(format.method()).isEqualTo(ExplainMethod.FORMAT);
    assertThat(format.coalitionsPerRow()).isZero();
    assertCoefficientTimesDeviation(format, model, rows, background);
    for (ExplainMethod method : List.of(ExplainMethod.EXACT, ExplainMethod.KERNEL)) {
      Explanation e = Explainer.builder(model, background).method(method).build().explain(rows);
      assertThat(e.method()).isEqualTo(method);
      assertCoefficientTimesDeviation(e, model, rows, background);
    }
  }

  @Test
  void explain_kernelBeyondExactLimit_equalsCoefficientTimesDeviation() {
    LinearRegressionModel model = model(16, 4);
    Background background = Background.of(model.featureNames(), rows(12, 16, 5));
    double[][] rows = rows(3, 16, 6);
    Explainer explainer = Explainer.builder(model, background).method(ExplainMethod.AUTO).build();
    assertThat(explainer.method()).isEqualTo(ExplainMethod.FORMAT);
    Explanation kernel = Explainer.builder(model, background).method(ExplainMethod.KERNEL).build().explain(rows);
    assertThat(kernel.coalitionsPerRow()).isEqualTo(2 * 16 + 2048);
    assertCoefficientTimesDeviation(kernel, model, rows, background);
    for (int j = 0; j < 16; j++) {
      assertThat(kernel.standardError(0, 0, j)).as("a linear game has no sampling error").isLessThan(1e-9);
    }
  }

  @Test
  void explain_storedBackground_fromTheStore() {
    LinearRegressionModel model = model(3, 7);
    Background.Sampler sampler = Background.sampler(model.featureNames(), 20, 11);
    for (double[] row : rows(500, 3, 8)) {
      sampler.add(row);
    }
    Background background = sampler.build();
    try (ModelStore store = ModelStore.open(root)) {
      ModelVersion version = store.publish("lin", model, PublishOptions.builder().extraFile(Background.FILE_NAME, background.toJson()).build());
      Background stored = Background.stored(store, version).orElseThrow();
      assertThat(stored.rowCount()).isEqualTo(20);
      assertThat(stored.sourceRows()).isEqualTo(500);
      try (Model opened = store.open("lin")) {
        double[][] rows = rows(2, 3, 9);
        Explanation e = Explainer.of(opened, stored).explain(rows);
        assertThat(e.method()).isEqualTo(ExplainMethod.FORMAT);
        assertCoefficientTimesDeviation(e, model, rows, stored);
      }
    }
  }
}
