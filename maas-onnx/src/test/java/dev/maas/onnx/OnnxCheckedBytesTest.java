package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.IntegrityException;
import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored ONNX version loads from the bytes the store checked against their SHA-256, so files
 * replaced on disk after the check (the model graph, its external data) never reach ONNX Runtime.
 * The replacement happens at the one moment that matters, deterministically: inside the format's
 * {@code open}, after the store has checked the files and before the session is built.
 */
class OnnxCheckedBytesTest {
  private static final Map<String, Tensor> ZEROS = Map.of("x", Tensor.ofFloats(new float[] {0, 0, 0}, 3));

  @TempDir Path dir;

  /** y = x + w with w inline. */
  private static byte[] addModel(float... w) {
    return OnnxGraph.builder("add").input("x", DataType.FP32, "3").initializer("w", Tensor.ofFloats(w, 3))
        .node("Add", List.of("x", "w"), List.of("y")).output("y", DataType.FP32, "3").build().toByteArray();
  }

  private static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** The onnx format, but its open first overwrites the version's files on disk with {@code replacements}. */
  private static ModelFormat swappingFormat(Map<String, byte[]> replacements) {
    OnnxModelFormat onnx = new OnnxModelFormat();
    return new ModelFormat() {
      @Override
      public String name() {
        return onnx.name();
      }

      @Override
      public boolean canWrite(Model model) {
        return onnx.canWrite(model);
      }

      @Override
      public void write(Model model, ArtifactWriter out) throws IOException {
        onnx.write(model, out);
      }

      @Override
      public Model open(ArtifactReader in) throws IOException {
        Path versionDir = in.directory().orElseThrow();
        for (Map.Entry<String, byte[]> file : replacements.entrySet()) {
          Path target = versionDir.resolve(file.getKey());
          assertThat(target).exists();
          Path fresh = versionDir.resolve(file.getKey() + ".new");
          Files.write(fresh, file.getValue());
          Files.move(fresh, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return onnx.open(in);
      }
    };
  }

  @Test
  void storeOpen_modelFileReplacedAfterCheck_servesTheCheckedModel() throws Exception {
    Path root = dir.resolve("store");
    try (ModelStore store = ModelStore.open(root); OnnxModel model = OnnxModel.fromBytes(addModel(1, 2, 3))) {
      store.publish("add", model);
    }
    try (ModelStore store = ModelStore.open(root, List.of(swappingFormat(Map.of("model.onnx", addModel(7, 8, 9)))));
        Model opened = store.open("add")) {
      assertThat(opened.predictor().predict(ZEROS).get("y").toFloatArray()).containsExactly(1, 2, 3);
    }
    // the replaced file is what a later open finds, and the store refuses it
    try (ModelStore store = ModelStore.open(root)) {
      assertThatThrownBy(() -> store.open("add")).isInstanceOf(IntegrityException.class)
          .hasMessageContaining("was altered");
    }
  }

  @Test
  void storeOpen_externalDataReplacedAfterCheck_servesTheCheckedData() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.write(source.resolve("weights.bin"), floats(1, 2, 3));
    Files.write(source.resolve("ext.onnx"), OnnxArtifactTest.externalDataModel("weights.bin"));
    Path root = dir.resolve("store");
    try (ModelStore store = ModelStore.open(root); OnnxModel model = OnnxModel.open(source.resolve("ext.onnx"))) {
      store.publish("ext", model);
    }
    try (ModelStore store = ModelStore.open(root,
        List.of(swappingFormat(Map.of("weights.bin", floats(70, 80, 90)))));
        Model opened = store.open("ext")) {
      assertThat(opened.predictor().predict(ZEROS).get("y").toFloatArray()).containsExactly(1, 2, 3);
      // publishing it again still works from its directory (model.onnx and weights.bin)
      assertThat(((OnnxModel) unwrap(opened)).externalFiles()).containsExactly("weights.bin");
    }
  }

  @Test
  void inMemoryStore_modelWithExternalData_opensFromTheStoredBytes() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.write(source.resolve("weights.bin"), floats(1, 2, 3));
    Files.write(source.resolve("ext.onnx"), OnnxArtifactTest.externalDataModel("weights.bin"));
    try (ModelStore store = ModelStore.inMemory(List.of(new OnnxModelFormat()));
        OnnxModel model = OnnxModel.open(source.resolve("ext.onnx"))) {
      store.publish("ext", model);
      Files.delete(source.resolve("weights.bin"));
      try (Model opened = store.open("ext")) {
        assertThat(opened.predictor().predict(ZEROS).get("y").toFloatArray()).containsExactly(1, 2, 3);
        // with no directory, the inlined model is the whole model
        assertThat(((OnnxModel) unwrap(opened)).externalFiles()).isEmpty();
        store.publish("copy", unwrap(opened));
      }
      try (Model copy = store.open("copy")) {
        assertThat(copy.predictor().predict(ZEROS).get("y").toFloatArray()).containsExactly(1, 2, 3);
      }
    }
  }

  @Test
  void encryptedStore_modelWithExternalData_opensFromTheDecryptedBytes() throws Exception {
    Path source = Files.createDirectories(dir.resolve("src"));
    Files.write(source.resolve("weights.bin"), floats(1, 2, 3));
    Files.write(source.resolve("ext.onnx"), OnnxArtifactTest.externalDataModel("weights.bin"));
    Path keyFile = dir.resolve("model.key");
    Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
    dev.maas.StoreSecurity encrypted = dev.maas.StoreSecurity.none()
        .encryptWith(dev.maas.encryption.KeyProvider.fromKeyFile(keyFile));
    Path root = dir.resolve("store");
    try (ModelStore store = ModelStore.open(root, List.of(new OnnxModelFormat()), encrypted);
        OnnxModel model = OnnxModel.open(source.resolve("ext.onnx"))) {
      store.publish("ext", model);
    }
    try (ModelStore store = ModelStore.open(root, List.of(new OnnxModelFormat()), encrypted);
        Model opened = store.open("ext")) {
      assertThat(opened.predictor().predict(ZEROS).get("y").toFloatArray()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void inline_rangeOutsideTheFile_isALoadError() {
    byte[] model = OnnxArtifactTest.externalDataModel("weights.bin");
    assertThatThrownBy(() -> ExternalData.inline(model, Map.of("weights.bin", new byte[8]), "m"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("m: tensor 'w' reads bytes 0 to 12 of 'weights.bin', which has 8");
    assertThatThrownBy(() -> ExternalData.inline(model, Map.of(), "m"))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("is not a file of the model");
  }

  private static Model unwrap(Model m) {
    return m instanceof dev.maas.StoredModel stored ? stored.model() : m;
  }
}
