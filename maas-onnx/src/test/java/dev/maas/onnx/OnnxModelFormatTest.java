package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.Tensor;
import dev.maas.spi.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelFormatTest {
  @TempDir Path dir;

  @Test
  void serviceLoader_findsOnnxFormat() {
    assertThat(ServiceLoader.load(ModelFormat.class).stream().map(p -> p.get().name())).contains("onnx");
  }

  @Test
  void modelOpen_onnxFile_opensWithThisFormat() throws Exception {
    Path file = dir.resolve("identity.ONNX");
    Files.write(file, TestGraphs.identity(DataType.INT64));
    try (Model model = Model.open(file)) {
      assertThat(model).isInstanceOf(OnnxModel.class);
      assertThat(model.signature().inputs().get(0).dataType()).isEqualTo(DataType.INT64);
    }
    assertThat(new OnnxModelFormat().recognizes(dir.resolve("model.json"))).isFalse();
  }

  @Test
  void publish_onnxModel_recordsSignatureAndReopensEqual() throws Exception {
    Path file = dir.resolve("multi.onnx");
    Files.write(file, TestGraphs.multiInputMultiOutput());
    Map<String, Tensor> inputs = Map.of("a", Tensor.ofFloats(new float[] {1, 2}, 1, 2),
        "b", Tensor.ofFloats(new float[] {3, 4}, 1, 2));
    try (ModelStore store = ModelStore.open(dir.resolve("store")); OnnxModel model = OnnxModel.open(file)) {
      ModelVersion v = store.publish("multi", model);
      assertThat(v.format()).isEqualTo("onnx");
      assertThat(v.signature()).isEqualTo(model.signature());
      try (Model reopened = store.open("multi:1")) {
        assertThat(reopened.predictor().predict(inputs)).isEqualTo(model.predictor().predict(inputs));
      }
    }
  }

  @Test
  void publish_modelWithExternalData_copiesDataFileAndReopens() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.write(source.resolve("weights.bin"), OnnxArtifactTest.weights());
    Files.write(source.resolve("ext.onnx"), OnnxArtifactTest.externalDataModel("weights.bin"));
    try (ModelStore store = ModelStore.open(dir.resolve("store")); OnnxModel model = OnnxModel.open(source.resolve("ext.onnx"))) {
      store.publish("ext", model);
      try (Model reopened = store.open("ext")) {
        assertThat(reopened.predictor().predict(Map.of("x", Tensor.ofFloats(new float[] {0, 0, 0}, 3))).get("y")
            .toFloatArray()).containsExactly(1, 2, 3);
      }
    }
  }

  @Test
  void publish_encryptedModelWithExternalData_opensFromMemory() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.write(source.resolve("weights.bin"), OnnxArtifactTest.weights());
    Files.write(source.resolve("ext.onnx"), OnnxArtifactTest.externalDataModel("weights.bin"));
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Files.write(dir.resolve("model.key"), key);
    dev.maas.StoreSecurity security = dev.maas.StoreSecurity.none()
        .encryptWith(dev.maas.encryption.KeyProvider.fromKeyFile(dir.resolve("model.key")));
    Path storeDir = dir.resolve("encrypted");
    try (ModelStore store = ModelStore.open(storeDir, security);
        OnnxModel model = OnnxModel.open(source.resolve("ext.onnx"))) {
      ModelVersion v = store.publish("ext", model);
      assertThat(v.files()).containsKeys("model.onnx", "weights.bin");
      byte[] stored = Files.readAllBytes(storeDir.resolve("ext/1/weights.bin"));
      assertThat(java.util.Collections.indexOfSubList(toList(stored), toList(OnnxArtifactTest.weights())))
          .as("the weights are stored encrypted").isEqualTo(-1);
      try (Model reopened = store.open("ext")) {
        assertThat(reopened.predictor().predict(Map.of("x", Tensor.ofFloats(new float[] {1, 1, 1}, 3))).get("y")
            .toFloatArray()).containsExactly(2, 3, 4);
      }
    }
    try (ModelStore noKey = ModelStore.open(storeDir)) {
      assertThatThrownBy(() -> noKey.open("ext")).hasMessageContaining("encrypted");
    }
  }

  @Test
  void inlineExternalData_dataOutsideItsFileOrNotAFileOfTheModel_isRefused() {
    byte[] model = OnnxArtifactTest.externalDataModel("weights.bin");
    assertThatThrownBy(() -> ExternalData.inline(model, java.util.Map.of("weights.bin", new byte[8]), "test"))
        .isInstanceOf(dev.maas.ModelLoadException.class)
        .hasMessageContaining("reads bytes 0 to 12 of 'weights.bin', which has 8");
    byte[] escaping = OnnxArtifactTest.externalDataModel("../weights.bin");
    assertThatThrownBy(() -> ExternalData.inline(escaping, java.util.Map.of("weights.bin", new byte[12]), "test"))
        .isInstanceOf(dev.maas.ModelLoadException.class)
        .hasMessageContaining("keeps its data in '../weights.bin', which is not a file of the model");
  }

  private static java.util.List<Byte> toList(byte[] bytes) {
    java.util.List<Byte> out = new java.util.ArrayList<>(bytes.length);
    for (byte b : bytes) {
      out.add(b);
    }
    return out;
  }

  @Test
  void canWrite_otherModels_isFalse() {
    try (Model affine = new TestAffineModel(new double[] {1}, 0, false)) {
      assertThat(new OnnxModelFormat().canWrite(affine)).isFalse();
      assertThatThrownBy(() -> new OnnxModelFormat().write(affine, name -> null))
          .isInstanceOf(InvalidInputException.class);
    }
  }
}
