package dev.maas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelStore;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks {@link ModelBench} makes in its own JVM before any fork, on real models. */
class ModelBenchTest {
  @TempDir Path store;

  @BeforeEach
  void publish() {
    SplittableRandom random = new SplittableRandom(3);
    double[][] x = new double[50][2];
    double[] y = new double[50];
    for (int i = 0; i < x.length; i++) {
      x[i][0] = random.nextGaussian();
      x[i][1] = random.nextGaussian();
      y[i] = 1 + 2 * x[i][0] - x[i][1] + 0.1 * random.nextGaussian();
    }
    try (ModelStore s = ModelStore.open(store)) {
      s.publish("fit", LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y));
      byte[] fixed = OnnxGraph.builder("fixed").input("x", DataType.FP32, "2")
          .node("Relu", List.of("x"), List.of("y")).output("y", DataType.FP32, "2").build().toByteArray();
      try (OnnxModel m = OnnxModel.fromBytes(fixed)) {
        s.publish("fixed", m);
      }
    }
  }

  @Test
  void plan_onnxExportOfModelWithIntervals_asksEveryVariantForThePredictionAlone() {
    ModelBench.Plan all = ModelBench.plan(BenchOptions.builder(store, "fit").build());
    ModelBench.Plan compared = ModelBench.plan(BenchOptions.builder(store, "fit")
        .variants(java.util.Set.of(BenchOptions.Variant.ONNX_EXPORT)).build());
    ModelBench.Plan chosen = ModelBench.plan(BenchOptions.builder(store, "fit").outputs(List.of("upper", "lower"))
        .build());

    assertThat(all.outputs()).isEmpty();
    assertThat(compared.outputs()).containsExactly("prediction");
    assertThat(chosen.outputs()).containsExactly("upper", "lower");
  }

  @Test
  void plan_outputTheExportLacks_refusesNamingTheVariant() {
    assertThatThrownBy(() -> ModelBench.plan(BenchOptions.builder(store, "fit").outputs(List.of("lower"))
        .variants(java.util.Set.of(BenchOptions.Variant.ONNX_EXPORT)).build()))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("onnx-export: ")
        .hasMessageContaining("lower");
  }

  @Test
  void plan_everyBatchingModeAndTransport_checksEachOnceBeforeForking() {
    ModelBench.Plan plan = ModelBench.plan(BenchOptions.builder(store, "fit")
        .batchingModes(List.of(BenchOptions.BatchingMode.OFF, BenchOptions.BatchingMode.ON))
        .transports(List.of(BenchOptions.Transport.IN_PROCESS, BenchOptions.Transport.HTTP,
            BenchOptions.Transport.HTTP_BINARY)).build());

    assertThat(plan.variants()).extracting(ModelBench.Variant::label).containsExactly("stored");
  }

  @Test
  void plan_batchingOnWithoutBatchAxis_refuses() {
    assertThatThrownBy(() -> ModelBench.plan(BenchOptions.builder(store, "fixed")
        .batchingModes(List.of(BenchOptions.BatchingMode.ON)).build()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("--batching on: the signature of fixed:1 has no batch axis (dimension 0 of every input and"
            + " output), so a batcher could not merge calls");
  }

  @Test
  void options_badCombinations_refuseWithOneLine() {
    assertThatThrownBy(() -> BenchOptions.builder(store, "fit")
        .batchingOptions(dev.maas.BatchingOptions.builder().maxBatchRows(8).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--batching on");
    assertThatThrownBy(() -> BenchOptions.builder(store, "fit").transports(List.of(BenchOptions.Transport.HTTP,
        BenchOptions.Transport.HTTP))).hasMessage("transports repeat: [HTTP, HTTP]");
    assertThatThrownBy(() -> BenchOptions.builder(store, "fit").outputs(List.of(" ")))
        .hasMessage("an output name is empty");
    assertThatThrownBy(() -> BenchOptions.builder(store, "fit").outputs(List.of("a,b")))
        .hasMessage("output 'a,b': names with a comma cannot be benchmarked");
  }
}
