package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.Tensor;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.onnx.OnnxExporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of README.md's "Basic use", run as written (paths under a temporary directory). */
class ReadmeExamplesTest {
  @TempDir Path dir;

  @Test
  void basicUse_trainPublishAliasOpenPredict() throws IOException {
    double[][] x = {{1, 2}, {2, 1}, {3, 5}, {4, 3}, {5, 8}};
    double[] y = {5.1, 4.9, 13.2, 11.1, 21.0};
    LinearRegressionModel trained = LinearRegressionTrainer.builder()
        .featureNames(List.of("ads", "visits"))
        .build()
        .fit(x, y);

    double predicted;
    try (ModelStore store = ModelStore.open(dir.resolve("models"))) {
      ModelVersion v = store.publish("sales", trained,
          PublishOptions.builder().description("first fit").metric("r2", trained.report().orElseThrow().rSquared()).build());
      store.setAlias("sales", "production", v.version());

      try (Model model = store.open("sales@production")) {
        predicted = model.predictor().predictRow(new double[] {6, 4});
      }
    }
    assertThat(predicted).isCloseTo(trained.intercept() + 6 * trained.coefficient(0) + 4 * trained.coefficient(1),
        within(1e-12));

    OnnxExporter.export(trained, OnnxExporter.Precision.FP32).writeTo(dir.resolve("sales.onnx"));
    float score;
    try (Model model = Model.open(dir.resolve("sales.onnx"))) {
      Map<String, Tensor> out = model.predictor().predict(
          Map.of("features", Tensor.ofFloats(new float[] {6, 4}, 1, 2)));
      score = out.get("prediction").getFloat(0);
    }
    assertThat((double) score).isCloseTo(predicted, within(1e-4 * Math.abs(predicted)));
  }
}
