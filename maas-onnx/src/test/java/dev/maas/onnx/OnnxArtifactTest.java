package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.maas.DataType;
import dev.maas.ModelLoadException;
import dev.maas.Tensor;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxArtifactTest {
  @TempDir Path dir;

  /** y = x + w, with w (FP32 [3]) stored in external file {@code location}. */
  static byte[] externalDataModel(String location) {
    byte[] inline = OnnxGraph.builder("ext").input("x", DataType.FP32, "3")
        .initializer("w", Tensor.ofFloats(new float[] {1, 2, 3}, 3))
        .node("Add", List.of("x", "w"), List.of("y")).output("y", DataType.FP32, "3").build().toByteArray();
    try {
      ModelProto model = ModelProto.parseFrom(inline);
      TensorProto w = model.getGraph().getInitializer(0).toBuilder().clearRawData()
          .setDataLocation(TensorProto.DataLocation.EXTERNAL)
          .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
          .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
          .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("12")).build();
      return model.toBuilder().setGraph(model.getGraph().toBuilder().setInitializer(0, w)).build().toByteArray();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] weights() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(1).putFloat(2).putFloat(3);
    return b.array();
  }

  @Test
  void open_externalDataInsideDirectory_runs() throws Exception {
    Files.write(dir.resolve("weights.bin"), weights());
    Path file = dir.resolve("model.onnx");
    Files.write(file, externalDataModel("weights.bin"));
    try (OnnxModel model = OnnxModel.open(file)) {
      assertThat(model.externalFiles()).containsExactly("weights.bin");
      assertThat(model.predictor().predict(Map.of("x", Tensor.ofFloats(new float[] {1, 1, 1}, 3))).get("y")
          .toFloatArray()).containsExactly(2, 3, 4);
    }
  }

  @Test
  void open_externalDataEscapingDirectory_throwsModelLoad() throws Exception {
    Path inner = Files.createDirectories(dir.resolve("models"));
    Files.write(dir.resolve("secret.bin"), weights());
    for (String location : List.of("../secret.bin", dir.resolve("secret.bin").toString(), "sub/../../secret.bin")) {
      Path file = inner.resolve("model.onnx");
      Files.write(file, externalDataModel(location));
      assertThatThrownBy(() -> OnnxModel.open(file)).as(location)
          .isInstanceOf(ModelLoadException.class).hasMessageContaining("outside the model's directory");
    }
  }

  @Test
  void open_externalDataSymlinkOutside_throwsModelLoad() throws Exception {
    Path inner = Files.createDirectories(dir.resolve("models"));
    Files.write(dir.resolve("secret.bin"), weights());
    Files.createSymbolicLink(inner.resolve("link.bin"), dir.resolve("secret.bin"));
    Path file = inner.resolve("model.onnx");
    Files.write(file, externalDataModel("link.bin"));
    assertThatThrownBy(() -> OnnxModel.open(file)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("outside the model's directory");
  }

  @Test
  void open_externalDataMissing_throwsModelLoad() throws Exception {
    Path file = dir.resolve("model.onnx");
    Files.write(file, externalDataModel("absent.bin"));
    assertThatThrownBy(() -> OnnxModel.open(file)).isInstanceOf(ModelLoadException.class).hasMessageContaining("missing");
  }

  @Test
  void fromBytes_externalData_throwsModelLoad() {
    assertThatThrownBy(() -> OnnxModel.fromBytes(externalDataModel("weights.bin")))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("external");
  }

  @Test
  void fromBytes_truncatedModel_throwsModelLoadAtEveryCut() {
    byte[] good = new TestGraphs.Mlp(3).graph();
    for (int cut : new int[] {1, 7, good.length / 3, good.length / 2, good.length - 5, good.length - 1}) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> OnnxModel.fromBytes(truncated)).as("cut at %d", cut)
          .isInstanceOf(ModelLoadException.class);
    }
  }

  @Test
  void fromBytes_notOnnx_throwsModelLoad() {
    for (byte[] junk : List.of(new byte[0], "{\"not\": \"onnx\"}".getBytes(StandardCharsets.UTF_8),
        "PK\u0003\u0004 a zip file".getBytes(StandardCharsets.ISO_8859_1), new java.util.Random(5).ints(4096).mapToObj(Integer::toString)
            .reduce("", String::concat).getBytes(StandardCharsets.UTF_8))) {
      assertThatThrownBy(() -> OnnxModel.fromBytes(junk)).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("not an ONNX model");
    }
  }

  @Test
  void fromBytes_validProtobufWithUnknownOperator_throwsModelLoadFromRuntime() throws Exception {
    ModelProto model = ModelProto.parseFrom(TestGraphs.identity(DataType.FP32));
    ModelProto broken = model.toBuilder().setGraph(model.getGraph().toBuilder()
        .setNode(0, model.getGraph().getNode(0).toBuilder().setOpType("NoSuchOperator"))).build();
    assertThatThrownBy(() -> OnnxModel.fromBytes(broken.toByteArray())).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("ONNX Runtime cannot load the model");
  }

  @Test
  void open_missingFile_throwsModelLoad() {
    assertThatThrownBy(() -> OnnxModel.open(dir.resolve("absent.onnx"))).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("absent.onnx");
  }

  private static byte[] zipMap(String labelsAttribute, Object labels, DataType keyType) {
    return OnnxGraph.builder("zipmap").opset("ai.onnx.ml", 1).input("p", DataType.FP32, "batch", "3")
        .node("ai.onnx.ml", "ZipMap", List.of("p"), List.of("probabilities"), Map.of(labelsAttribute, labels))
        .sequenceOfMapsOutput("probabilities", keyType, DataType.FP32).build().toByteArray();
  }

  @Test
  void predict_zipMapInt64Labels_returnsRowsByColumnsInLabelOrder() {
    try (OnnxModel model = OnnxModel.fromBytes(zipMap("classlabels_int64s", new long[] {10, 20, 30}, DataType.INT64))) {
      assertThat(model.signature().outputs()).containsExactly(dev.maas.TensorSpec.of("probabilities", DataType.FP32, -1, -1));
      assertThat(model.metadata()).containsKey("onnx.output.probabilities.converted");
      Tensor p = Tensor.ofFloats(new float[] {0.1f, 0.2f, 0.7f, 0.5f, 0.25f, 0.25f}, 2, 3);
      assertThat(model.predictor().predict(Map.of("p", p)).get("probabilities")).isEqualTo(p);
    }
  }

  @Test
  void predict_zipMapStringLabels_ordersColumnsByLabel() {
    try (OnnxModel model = OnnxModel.fromBytes(zipMap("classlabels_strings", new String[] {"c", "a", "b"}, DataType.BYTES))) {
      Tensor p = Tensor.ofFloats(new float[] {0.1f, 0.2f, 0.7f}, 1, 3);
      assertThat(model.predictor().predict(Map.of("p", p)).get("probabilities").toFloatArray())
          .containsExactly(0.2f, 0.7f, 0.1f);
    }
  }

  @Test
  void open_sequenceOfTensorsOutput_throwsModelLoadNamingOutput() {
    byte[] bytes = OnnxGraph.builder("seq").opset("", 17).input("a", DataType.FP32, "2")
        .node("SequenceConstruct", List.of("a", "a"), List.of("pair")).sequenceOutput("pair", DataType.FP32)
        .build().toByteArray();
    assertThatThrownBy(() -> OnnxModel.fromBytes(bytes)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("output 'pair'").hasMessageContaining("sequence of");
  }

  @Test
  void graphWriter_stringInitializer_roundTripsThroughRuntime() {
    byte[] bytes = OnnxGraph.builder("strings").input("x", DataType.BYTES, "2")
        .initializer("suffix", Tensor.ofStrings(new String[] {"!", "?"}, 2))
        .node("Identity", List.of("suffix"), List.of("s")).output("s", DataType.BYTES, "2")
        .node("Identity", List.of("x"), List.of("y")).output("y", DataType.BYTES, "2").build().toByteArray();
    try (OnnxModel model = OnnxModel.fromBytes(bytes)) {
      Map<String, Tensor> out = model.predictor().predict(Map.of("x", Tensor.ofStrings(new String[] {"a", "b"}, 2)));
      assertThat(out.get("s").toStringArray()).containsExactly("!", "?");
      assertThat(out.get("y").toStringArray()).containsExactly("a", "b");
    }
    assertThat(ByteString.copyFrom(bytes).size()).isPositive();
  }
}
