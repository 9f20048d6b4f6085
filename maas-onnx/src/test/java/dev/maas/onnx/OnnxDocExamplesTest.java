package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.DataType;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code examples of docs/onnx.md, run as written (paths made relative to a temporary directory). */
class OnnxDocExamplesTest {
  @TempDir Path dir;

  private Path classifier() throws Exception {
    Path file = dir.resolve("classifier.onnx");
    OnnxGraph.builder("classifier").input("input", DataType.FP32, "batch", "4")
        .initializer("w", Tensor.ofFloats(new float[] {1, -1, 0.5f, 0, 0, 1, -0.5f, 2}, 4, 2))
        .node("MatMul", List.of("input", "w"), List.of("logits"))
        .node("Softmax", List.of("logits"), List.of("probabilities"), Map.of("axis", -1L))
        .output("probabilities", DataType.FP32, "batch", "2").build().writeTo(file);
    return file;
  }

  @Test
  void runningAModel_example_predicts() throws Exception {
    Path path = classifier();
    float score;
    try (OnnxModel model = OnnxModel.open(path)) {
      Tensor x = Tensor.ofFloats(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, 1, 4);
      Map<String, Tensor> out = model.predictor().predict(Map.of("input", x));
      score = out.get("probabilities").getFloat(1);
    }
    assertThat(score).isBetween(0f, 1f);
  }

  @Test
  void storing_example_publishesVersionOne() throws Exception {
    Path path = classifier();
    try (ModelStore store = ModelStore.open(dir.resolve("models"));
        OnnxModel model = OnnxModel.open(path)) {
      ModelVersion v = store.publish("classifier", model);
      assertThat(v.reference().toString()).isEqualTo("classifier:1");
      assertThat(v.format()).isEqualTo("onnx");
    }
  }

  @Test
  void export_example_writesRunnableFile() throws Exception {
    TestAffineModel linearModel = new TestAffineModel(new double[] {2, 3}, 1, false);
    OnnxGraph graph = OnnxExporter.export(linearModel, OnnxExporter.Precision.FP64);
    graph.writeTo(dir.resolve("linear.onnx"));
    assertThat(Files.size(dir.resolve("linear.onnx"))).isEqualTo(graph.size());
    try (OnnxModel model = OnnxModel.open(dir.resolve("linear.onnx"))) {
      assertThat(model.predictor().predictRow(new double[] {1, 1})).isEqualTo(6.0);
    }
  }

  @Test
  void quantisation_example_writesAnInt8Model() throws Exception {
    QuantizationGraphs.mlp(17, 1).build().writeTo(dir.resolve("mlp.onnx"));
    Path mlp = dir.resolve("mlp.onnx");
    Path out = dir.resolve("mlp-int8.onnx");
    OnnxQuantizer quantizer = OnnxQuantizer.builder().granularity(OnnxQuantizer.Granularity.PER_CHANNEL).build();
    QuantizedModel int8 = quantizer.int8Dynamic(Files.readAllBytes(mlp));
    int8.graph().writeTo(out);
    try (OnnxModel model = OnnxModel.open(out)) {
      assertThat(model.signature().inputs()).hasSize(1);
    }
    assertThat(Files.size(out)).isLessThan(Files.size(mlp) / 3);
  }
}
