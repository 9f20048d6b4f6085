package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelLoadException;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnnxModelTest {
  @TempDir Path dir;

  static Tensor sample(DataType type, int rows) {
    int n = rows * 3;
    long[] shape = {rows, 3};
    return switch (type) {
      case BOOL -> {
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
          b[i] = i % 3 == 0;
        }
        yield Tensor.ofBooleans(b, shape);
      }
      case INT8, UINT8 -> {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
          b[i] = (byte) (i * 37 - 100);
        }
        yield Tensor.wrap(type, b, shape);
      }
      case INT16, FP16 -> {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
          s[i] = (short) (type == DataType.FP16 ? 0x3C00 + i : i * 1000 - 5000);
        }
        yield Tensor.wrap(type, s, shape);
      }
      case INT32 -> Tensor.ofInts(new int[] {Integer.MIN_VALUE, -1, 0, 1, 2, Integer.MAX_VALUE}, shape);
      case INT64 -> Tensor.ofLongs(new long[] {Long.MIN_VALUE, -1, 0, 1, 2, Long.MAX_VALUE}, shape);
      case FP32 -> Tensor.ofFloats(new float[] {1.5f, -2.25f, Float.MAX_VALUE, Float.MIN_VALUE, 0f, -0f}, shape);
      case FP64 -> Tensor.ofDoubles(new double[] {1e300, -1e-300, Math.PI, 0.1, -0.0, 42}, shape);
      case BYTES -> Tensor.ofStrings(new String[] {"a", "", "héllo", "onnx::Flatten_0", "z", "ü😀"}, shape);
      default -> throw new IllegalArgumentException(type.name());
    };
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"BOOL", "INT8", "UINT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"})
  void predict_identityOfEachType_returnsInputUnchanged(DataType type) {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.identity(type))) {
      assertThat(model.signature().inputs()).containsExactly(TensorSpec.of("x", type, -1, 3));
      assertThat(model.signature().outputs()).containsExactly(TensorSpec.of("y", type, -1, 3));
      Tensor x = sample(type, 2);
      assertThat(model.predictor().predict(Map.of("x", x))).containsExactly(Map.entry("y", x));
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"BOOL", "INT8", "UINT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64"})
  void predict_bufferBackedInput_returnsSameAsArrayBacked(DataType type) {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.identity(type))) {
      Tensor x = sample(type, 2);
      Tensor direct = Tensor.wrap(type, x.asDirectBuffer(), 2, 3);
      assertThat(direct.isBufferBacked()).isTrue();
      assertThat(model.predictor().predict(Map.of("x", direct)).get("y")).isEqualTo(x);
    }
  }

  @Test
  void predict_arrayInputsOfChangingSize_reuseScratchCorrectly() {
    TestGraphs.Mlp mlp = new TestGraphs.Mlp(8);
    try (OnnxModel model = OnnxModel.fromBytes(mlp.graph())) {
      for (int rows : new int[] {64, 2, 64, 1, 300, 3}) {
        float[] x = TestGraphs.randomFloats(rows * TestGraphs.MLP_IN, rows);
        Tensor array = Tensor.ofFloats(x, rows, TestGraphs.MLP_IN);
        Tensor buffer = Tensor.wrap(DataType.FP32, array.asDirectBuffer(), rows, TestGraphs.MLP_IN);
        assertThat(model.predictor().predict(Map.of("x", array)))
            .as("%d rows", rows).isEqualTo(model.predictor().predict(Map.of("x", buffer)));
      }
    }
  }

  @Test
  void toOrt_bufferBackedTensor_wrapsBufferWithoutCopy() throws Exception {
    ByteBuffer buffer = ByteBuffer.allocateDirect(6 * 4).order(ByteOrder.nativeOrder());
    Tensor x = Tensor.wrap(DataType.FP32, buffer, 2, 3);
    InputBinding binding = new InputBinding("x", DataType.FP32);
    ByteBuffer[] borrowed = new ByteBuffer[1];
    try (OnnxTensor ort = binding.toOrt(OrtRuntime.environment(), x, new ScratchBuffers(), borrowed, 0)) {
      assertThat(ort.ownsBuffer()).isFalse();
      assertThat(ort.getBufferRef()).isPresent();
    }
    assertThat(borrowed[0]).as("no scratch buffer borrowed").isNull();
  }

  @Test
  void toOrt_arrayBackedTensor_borrowsScratchThatReleaseDrops() throws Exception {
    Tensor x = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    InputBinding binding = new InputBinding("x", DataType.FP32);
    ScratchBuffers scratch = new ScratchBuffers();
    ByteBuffer[] borrowed = new ByteBuffer[1];
    try (OnnxTensor ort = binding.toOrt(OrtRuntime.environment(), x, scratch, borrowed, 0)) {
      assertThat(ort.getFloatBuffer().array()).containsExactly(1, 2, 3, 4, 5, 6);
    }
    assertThat(borrowed[0]).isNotNull();
    scratch.give(borrowed[0]);
    assertThat(scratch.pooledCount()).isEqualTo(1);
    assertThat(scratch.take(24)).as("the pooled buffer is reused").isSameAs(borrowed[0]);
    scratch.give(borrowed[0]);
    scratch.clear();
    assertThat(scratch.pooledCount()).isZero();
    scratch.give(ByteBuffer.allocateDirect(8));
    assertThat(scratch.pooledCount()).as("a cleared pool keeps nothing").isZero();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"UINT16", "UINT32", "UINT64"})
  void predict_unsignedWideOutput_readsUnsignedValues(DataType type) {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.castFromInt32(type))) {
      assertThat(model.signature().outputs().get(0).dataType()).isEqualTo(type);
      Tensor y = model.predictor().predict(Map.of("x", Tensor.ofInts(new int[] {7, 65535, 0}, 3))).get("y");
      assertThat(y.dataType()).isEqualTo(type);
      assertThat(y.toLongArray()).containsExactly(7, 65535, 0);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"UINT16", "UINT32", "UINT64"})
  void open_unsignedWideInput_throwsModelLoadSayingWhy(DataType type) {
    assertThatThrownBy(() -> OnnxModel.fromBytes(TestGraphs.identity(type)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("input 'x'").hasMessageContaining(type.name()).hasMessageContaining("cannot create");
  }

  @Test
  void signature_symbolicDimensions_areDynamicAndNamedInMetadata() {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.identity(DataType.FP32))) {
      assertThat(model.signature().inputs().get(0).shape()).containsExactly(-1L, 3L);
      assertThat(model.metadata()).containsEntry("onnx.input.x.dims", "batch,3")
          .containsEntry("onnx.opset.ai.onnx", "17").containsEntry("onnx.producer", "maas")
          .containsEntry("onnx.graph", "identity_FP32").containsKey("onnx.runtime");
    }
  }

  @Test
  void signature_namesWithOnnxPunctuation_areKept() {
    byte[] bytes = OnnxGraph.builder("punct").input("onnx::Flatten_0", DataType.FP32, "?", "2")
        .node("Relu", java.util.List.of("onnx::Flatten_0"), java.util.List.of("out/0:y"))
        .output("out/0:y", DataType.FP32, "?", "2").build().toByteArray();
    try (OnnxModel model = OnnxModel.fromBytes(bytes)) {
      assertThat(model.signature().inputs().get(0).name()).isEqualTo("onnx::Flatten_0");
      Tensor y = model.predictor().predict(Map.of("onnx::Flatten_0", Tensor.ofFloats(new float[] {-1, 2}, 1, 2)))
          .get("out/0:y");
      assertThat(y.toFloatArray()).containsExactly(0f, 2f);
      assertThat(model.metadata()).doesNotContainKey("onnx.input.onnx::Flatten_0.dims");
    }
  }

  @Test
  void predict_scalarInputAndOutput_work() {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.scaleByScalar())) {
      assertThat(model.signature().input("s").orElseThrow().shape()).isEmpty();
      Tensor y = model.predictor().predict(Map.of("x", Tensor.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2),
          "s", Tensor.ofDoubles(new double[] {0.5}))).get("y");
      assertThat(y.toDoubleArray()).containsExactly(0.5, 1, 1.5, 2);
    }
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.multiInputMultiOutput())) {
      Tensor total = model.predictor().predict(Map.of("a", Tensor.ofFloats(new float[] {1, 2}, 1, 2),
          "b", Tensor.ofFloats(new float[] {3, 4}, 1, 2))).get("total");
      assertThat(total.shape()).isEmpty();
      assertThat(total.getFloat(0)).isEqualTo(10f);
    }
  }

  @Test
  void predict_multipleInputsAndOutputs_returnsAllInSignatureOrder() {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.multiInputMultiOutput())) {
      Map<String, Tensor> out = model.predictor().predict(Map.of("a", Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2),
          "b", Tensor.ofFloats(new float[] {5, 6, 7, 8}, 2, 2)));
      assertThat(out.keySet()).containsExactly("sum", "product", "total");
      assertThat(out.get("sum").toFloatArray()).containsExactly(6, 8, 10, 12);
      assertThat(out.get("product").toFloatArray()).containsExactly(5, 12, 21, 32);
      assertThat(out.get("total").getFloat(0)).isEqualTo(36f);
    }
  }

  @Test
  void predict_outputSubset_returnsOnlyThose() {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.multiInputMultiOutput())) {
      Map<String, Tensor> out = model.predictor().predict(Map.of("a", Tensor.ofFloats(new float[] {1, 2}, 1, 2),
          "b", Tensor.ofFloats(new float[] {5, 6}, 1, 2)), Set.of("product"));
      assertThat(out.keySet()).containsExactly("product");
      assertThat(out.get("product").toFloatArray()).containsExactly(5, 12);
    }
  }

  @Test
  void predict_mlp_matchesJavaComputation() {
    TestGraphs.Mlp mlp = new TestGraphs.Mlp(42);
    try (OnnxModel model = OnnxModel.fromBytes(mlp.graph())) {
      float[] x = TestGraphs.randomFloats(64 * TestGraphs.MLP_IN, 7);
      Tensor y = model.predictor().predict(Map.of("x", Tensor.ofFloats(x, 64, TestGraphs.MLP_IN))).get("y");
      double[] expected = mlp.predict(x, 64);
      assertThat(y.shape()).containsExactly(64, 1);
      for (int i = 0; i < 64; i++) {
        // FP32 arithmetic in ONNX Runtime against FP64 in Java: 1e-4 absolute on values of order 1
        assertThat(y.getDouble(i)).isCloseTo(expected[i], within(1e-4));
      }
    }
  }

  @Test
  void predict_wrongShape_throwsInvalidInputNamingInput() {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.identity(DataType.FP32))) {
      assertThatThrownBy(() -> model.predictor().predict(Map.of("x", Tensor.ofFloats(new float[4], 2, 2))))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x'")
          .hasMessageContaining("FP32 [-1, 3]").hasMessageContaining("[2, 2]");
    }
  }

  @Test
  void predict_wrongType_throwsInvalidInputNamingInput() {
    try (OnnxModel model = OnnxModel.fromBytes(TestGraphs.identity(DataType.FP32))) {
      assertThatThrownBy(() -> model.predictor().predict(Map.of("x", Tensor.ofDoubles(new double[3], 1, 3))))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x'").hasMessageContaining("FP64");
    }
  }

  @Test
  void predict_afterClose_throwsModelClosedWithoutPath() {
    OnnxModel model = OnnxModel.fromBytes(TestGraphs.identity(DataType.FP32));
    Predictor predictor = model.predictor();
    model.close();
    model.close();
    assertThat(model.isClosed()).isTrue();
    assertThatThrownBy(() -> predictor.predict(Map.of("x", Tensor.ofFloats(new float[3], 1, 3))))
        .isInstanceOf(dev.maas.ModelClosedException.class).hasMessageContaining("closed");
    assertThatThrownBy(model::predictor).isInstanceOf(dev.maas.ModelClosedException.class);
  }

  @Test
  void open_fromFile_readsSameModelAsFromBytes() throws Exception {
    Path file = dir.resolve("mlp.onnx");
    TestGraphs.Mlp mlp = new TestGraphs.Mlp(1);
    Files.write(file, mlp.graph());
    Tensor x = Tensor.ofFloats(TestGraphs.randomFloats(TestGraphs.MLP_IN * 3, 3), 3, TestGraphs.MLP_IN);
    try (OnnxModel a = OnnxModel.open(file); OnnxModel b = OnnxModel.fromBytes(mlp.graph())) {
      assertThat(a.signature()).isEqualTo(b.signature());
      assertThat(a.predictor().predict(Map.of("x", x))).isEqualTo(b.predictor().predict(Map.of("x", x)));
    }
  }
}
