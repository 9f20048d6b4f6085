package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.Lineage;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.PublishOptions;
import dev.maas.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the code examples of docs/linear.md, as written there. */
class LinearDocsExampleTest {
  @TempDir Path dir;

  @Test
  void docsExample_ridgeSearch_runs() {
    double[][] x = LinearRegressionTrainerTest.features(200, 3, 61);
    double[] y = LinearRegressionTrainerTest.targets(x, 62);
    RidgeSelection s = RidgeSearch.builder()
        .grid(RidgeSearch.logGrid(1e-4, 1e4, 33))          // the default grid
        .method(RidgeSearch.Method.LEAVE_ONE_OUT)          // or GENERALIZED (default), or .kFold(10)
        .build()
        .select(LinearRegressionTrainer.builder().standardize(true).build(), x, y);
    LinearRegressionModel model = LinearRegressionTrainer.builder().standardize(true).ridge(s.best()).build().fit(x, y);
    assertThat(model.report().orElseThrow().ridge()).isEqualTo(s.best());
    assertThat(s.curve()).hasSize(33);
  }

  @Test
  void docsExamples_trainEvaluateStore_run() {
    double[][] x = LinearRegressionTrainerTest.features(200, 2, 51);
    double[] y = LinearRegressionTrainerTest.targets(x, 52);
    double[][] rows = {x[0], x[1]};

    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder()
        .featureNames(List.of("area", "rooms"))
        .build();
    LinearRegressionModel model = trainer.fit(x, y);
    FitReport report = model.report().orElseThrow();
    assertThat(report.rSquared()).isGreaterThan(0.9);
    assertThat(report.coefficient("area").orElseThrow().pValue()).isLessThan(1e-6);
    double predicted = model.predictor().predictRow(new double[] {120, 4});
    assertThat(predicted).isCloseTo(model.intercept() + 120 * model.coefficient(0) + 4 * model.coefficient(1),
        org.assertj.core.data.Offset.offset(1e-9));

    DataSplit split = DataSplit.trainTest(x.length, 0.2, 42);
    LinearRegressionModel m = trainer.fit(split.train(x), split.train(y));
    RegressionMetrics heldOut = RegressionMetrics.evaluate(m, split.test(x), split.test(y));
    assertThat(heldOut.count()).isEqualTo(40);
    List<RegressionMetrics> folds = trainer.crossValidate(x, y, 5, 42);
    assertThat(RegressionMetrics.mean(folds).count()).isEqualTo(200);

    LinearRegressionModel ninety = model.withIntervals(Interval.PREDICTION, 0.9);
    Map<String, Tensor> out = ninety.predictor().predict(
        Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(new double[] {120, 4}, 1, 2)),
        Set.of(LinearRegressionModel.OUTPUT, LinearRegressionModel.LOWER, LinearRegressionModel.UPPER));
    double low = out.get(LinearRegressionModel.LOWER).getDouble(0);
    double high = out.get(LinearRegressionModel.UPPER).getDouble(0);
    assertThat(low).isLessThan(predicted);
    assertThat(high).isGreaterThan(predicted);

    try (ModelStore store = ModelStore.open(dir.resolve("models"))) {
      FitReport r = model.report().orElseThrow();
      store.publish("house-prices", model, PublishOptions.builder()
          .metrics(r.metrics()).parameters(r.parameters())
          .lineage(Lineage.of("houses.csv", "sha256:00", r.rowCount())).build());
      try (Model served = store.open("house-prices")) {
        assertThat(served.predictor().predictRows(rows)).containsExactly(model.predictor().predictRows(rows));
      }
    }
  }
}
