package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxQuantizerTest {
  @TempDir Path dir;

  private static final OnnxQuantizer PER_TENSOR = OnnxQuantizer.defaults();
  private static final OnnxQuantizer PER_CHANNEL =
      OnnxQuantizer.builder().granularity(OnnxQuantizer.Granularity.PER_CHANNEL).build();

  // ---- dynamic INT8 ----

  @Test
  void int8Dynamic_mlp_onnxRuntimeFusesDynamicQuantizeMatMul() throws IOException {
    byte[] fp32 = QuantizationGraphs.mlp(17, 1).build().toByteArray();
    QuantizedModel q = PER_TENSOR.int8Dynamic(fp32);

    List<String> ops = ops(q.graph().toByteArray());
    assertThat(ops).as("the Gemm and the Constant-fed MatMul are rewritten, the 2048-weight MatMul is left alone")
        .containsOnlyOnce("MatMul").filteredOn("MatMulInteger"::equals).hasSize(2);
    assertThat(ops).filteredOn("DynamicQuantizeLinear"::equals).hasSize(2);
    assertThat(ops).doesNotContain("Gemm", "Constant");
    List<String> optimized = optimizedOps(q.graph().toByteArray());
    assertThat(optimized).filteredOn("DynamicQuantizeMatMul"::equals).hasSize(2);
    assertThat(optimized).doesNotContain("MatMulInteger", "DynamicQuantizeLinear");
    assertThat(q.settings()).containsEntry("method", "int8-dynamic").containsEntry("granularity", "per-tensor")
        .containsEntry("quantized_nodes", "2").containsEntry("skipped_nodes", "1");
  }

  @Test
  void int8Dynamic_perTensorAndPerChannel_withinThreePercentRelativeL2AndUnderAThirdOfTheSize() {
    byte[] fp32 = QuantizationGraphs.mlp(17, 2).build().toByteArray();
    Tensor x = QuantizationGraphs.batch(3, 64, QuantizationGraphs.IN);
    float[] expected = run(fp32, x);
    for (OnnxQuantizer quantizer : List.of(PER_TENSOR, PER_CHANNEL)) {
      byte[] int8 = quantizer.int8Dynamic(fp32).graph().toByteArray();
      float[] actual = run(int8, x);
      assertThat(relativeL2(expected, actual)).as("relative L2 error, " + quantizer).isLessThan(0.03);
      assertThat(relativeL2(expected, actual)).as("the result differs from FP32").isGreaterThan(0);
      assertThat((double) int8.length / fp32.length).as("size ratio").isLessThan(0.35);
    }
  }

  @Test
  void int8Dynamic_gemmWithPlainBias_keepsTheBiasInitializer() {
    java.util.Random r = new java.util.Random(14);
    byte[] fp32 = OnnxGraph.builder("gemm").input("x", DataType.FP32, "batch", "64")
        .initializer("w", Tensor.ofFloats(QuantizationGraphs.gaussian(r, 64 * 128, 0.2), 64, 128))
        .initializer("b", Tensor.ofFloats(QuantizationGraphs.gaussian(r, 128, 1.0), 128))
        .node("Gemm", List.of("x", "w", "b"), List.of("y")).output("y", DataType.FP32, "batch", "128")
        .build().toByteArray();
    Tensor x = QuantizationGraphs.batch(15, 8, 64);
    byte[] int8 = PER_TENSOR.int8Dynamic(fp32).graph().toByteArray();
    assertThat(ops(int8)).endsWith("Add");
    assertThat(relativeL2(run(fp32, x), run(int8, x))).isLessThan(0.03);
  }

  @Test
  void int8Dynamic_keepsSignatureMetadataAndDescription() throws IOException {
    byte[] fp32 = QuantizationGraphs.mlp(17, 4).build().toByteArray();
    ModelProto q = ModelProto.parseFrom(PER_CHANNEL.int8Dynamic(fp32).graph().toByteArray());
    assertThat(q.getMetadataPropsList()).extracting(StringStringEntryProto::getKey).contains("owner");
    assertThat(q.getDocString()).isEqualTo("a test MLP");
    try (OnnxModel before = OnnxModel.fromBytes(fp32); OnnxModel after = OnnxModel.fromBytes(q.toByteArray())) {
      assertThat(after.signature()).isEqualTo(before.signature());
    }
    TensorProto scale = q.getGraph().getInitializerList().stream().filter(t -> t.getName().startsWith("w3")
        || t.getName().startsWith("w1t_scale")).filter(t -> t.getName().contains("scale")).findFirst().orElseThrow();
    assertThat(scale.getDimsList()).as("one scale per output column of the Gemm").containsExactly(128L);
  }

  @Test
  void int8Dynamic_minimumWeightElements_decidesWhichLayersAreSmall() {
    byte[] fp32 = QuantizationGraphs.mlp(17, 5).build().toByteArray();
    QuantizedModel all = OnnxQuantizer.builder().minimumWeightElements(1).build().int8Dynamic(fp32);
    assertThat(ops(all.graph().toByteArray())).filteredOn("MatMulInteger"::equals).hasSize(3);
    assertThatThrownBy(() -> OnnxQuantizer.builder().minimumWeightElements(1 << 20).build().int8Dynamic(fp32))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("nothing to quantise: of the model's MatMul and Gemm nodes, 3 with fewer than 1048576 weights "
            + "are left alone");
  }

  @Test
  void int8Dynamic_weightsThatAreInputs_refusedAsNothingToQuantise() {
    byte[] model = OnnxGraph.builder("product").input("a", DataType.FP32, "batch", "64")
        .input("b", DataType.FP32, "64", "64").node("MatMul", List.of("a", "b"), List.of("y"))
        .output("y", DataType.FP32, "batch", "64").build().toByteArray();
    assertThatThrownBy(() -> PER_TENSOR.int8Dynamic(model)).isInstanceOf(InvalidInputException.class)
        .hasMessage("nothing to quantise: of the model's MatMul and Gemm nodes, 1 without constant FP32 weights "
            + "are left alone");
    assertThatThrownBy(() -> PER_TENSOR.int8Dynamic(TestGraphs.identity(DataType.FP32)))
        .hasMessage("nothing to quantise: the model has no MatMul or Gemm node");
  }

  /**
   * The MLP with its output routed through an {@code If} node whose branches (graph attributes)
   * read the MLP's result from the outer scope: y = flag ? y0 : -y0.
   */
  private static byte[] mlpBehindIf(long seed) throws IOException {
    ModelProto mlp = ModelProto.parseFrom(QuantizationGraphs.mlp(17, seed).build().toByteArray());
    dev.maas.onnx.proto.OnnxProto.GraphProto.Builder g = mlp.getGraph().toBuilder();
    int last = g.getNodeCount() - 1;
    g.setNode(last, g.getNode(last).toBuilder().setOutput(0, "y0"));
    dev.maas.onnx.proto.OnnxProto.ValueInfoProto y = g.getOutput(0);
    g.addInitializer(TensorProto.newBuilder().setName("flag").setDataType(TensorProto.DataType.BOOL_VALUE)
        .addInt32Data(1));
    NodeProto branchIf = NodeProto.newBuilder().setOpType("If").setName("route").addInput("flag").addOutput("y")
        .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
            .setG(dev.maas.onnx.proto.OnnxProto.GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("y0").addOutput("t"))
                .addOutput(y.toBuilder().setName("t"))))
        .addAttribute(AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
            .setG(dev.maas.onnx.proto.OnnxProto.GraphProto.newBuilder().setName("else")
                .addNode(NodeProto.newBuilder().setOpType("Neg").addInput("y0").addOutput("e"))
                .addOutput(y.toBuilder().setName("e"))))
        .build();
    g.addNode(branchIf);
    return mlp.toBuilder().setGraph(g).build().toByteArray();
  }

  @Test
  void everyMethod_modelWithControlFlow_keepsTheSubgraphsAndRunsClose() throws IOException {
    byte[] fp32 = mlpBehindIf(9);
    NodeProto original = ModelProto.parseFrom(fp32).getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("If")).findFirst().orElseThrow();
    Tensor x = QuantizationGraphs.batch(10, 16, QuantizationGraphs.IN);
    float[] expected = run(fp32, x);
    byte[] int8 = PER_CHANNEL.int8Dynamic(fp32).graph().toByteArray();
    byte[] fp16 = PER_TENSOR.fp16(fp32).graph().toByteArray();
    for (byte[] quantised : List.of(int8, fp16)) {
      NodeProto kept = ModelProto.parseFrom(quantised).getGraph().getNodeList().stream()
          .filter(n -> n.getOpType().equals("If")).findFirst().orElseThrow();
      assertThat(kept).as("the If node and both branches, unchanged").isEqualTo(original);
    }
    assertThat(ops(int8)).filteredOn("MatMulInteger"::equals).hasSize(2);
    assertThat(relativeL2(expected, run(int8, x))).as("INT8 through the If node").isBetween(1e-6, 0.03);
    assertThat(relativeL2(expected, run(fp16, x))).as("FP16 through the If node").isLessThan(0.005);
  }

  @Test
  void everyMethod_alreadyQuantisedModel_refused() {
    byte[] int8 = PER_TENSOR.int8Dynamic(QuantizationGraphs.mlp(17, 6).build().toByteArray()).graph().toByteArray();
    assertThatThrownBy(() -> PER_TENSOR.int8Dynamic(int8)).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("the model is already quantised: it has a DynamicQuantizeLinear node");
    assertThatThrownBy(() -> PER_TENSOR.fp16(int8)).hasMessageStartingWith("the model is already quantised");
    byte[] half = PER_TENSOR.fp16(QuantizationGraphs.mlp(17, 6).build().toByteArray()).graph().toByteArray();
    assertThatThrownBy(() -> PER_TENSOR.fp16(half)).hasMessageEndingWith("is FP16");
  }

  @Test
  void everyMethod_externalData_refused() throws IOException {
    ModelProto model = ModelProto.parseFrom(QuantizationGraphs.mlp(17, 7).build().toByteArray());
    TensorProto w = model.getGraph().getInitializer(0);
    TensorProto external = w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")).build();
    byte[] bytes = model.toBuilder().setGraph(model.getGraph().toBuilder().setInitializer(0, external)).build()
        .toByteArray();
    for (var method : List.<java.util.function.Function<byte[], QuantizedModel>>of(PER_TENSOR::int8Dynamic,
        PER_TENSOR::fp16, b -> PER_TENSOR.int8Static(b, List.of(Map.of("x", Tensor.ofFloats(new float[64], 1, 64)))))) {
      assertThatThrownBy(() -> method.apply(bytes)).isInstanceOf(InvalidInputException.class)
          .hasMessage("the model keeps tensor 'w1t' in an external data file; MaaS quantises models whose weights "
              + "are stored inside the .onnx file");
    }
  }

  @Test
  void anyMethod_notOnnx_refused() {
    assertThatThrownBy(() -> PER_TENSOR.fp16(new byte[] {1, 2, 3})).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("the model is not ONNX");
  }

  // ---- opsets ----

  /** Opset 9: Clip with min/max attributes, Unsqueeze/Squeeze with axes attributes, a Softmax over [b, 1, 128]. */
  private static byte[] opset9Model() {
    java.util.Random r = new java.util.Random(8);
    return OnnxGraph.builder("old").opset("", 9).input("x", DataType.FP32, "batch", "64")
        .initializer("w", Tensor.ofFloats(QuantizationGraphs.gaussian(r, 64 * 128, 0.2), 64, 128))
        .node("MatMul", List.of("x", "w"), List.of("h"))
        .node("Clip", List.of("h"), List.of("c"), Map.of("min", -1.5f, "max", 1.5f))
        .node("Unsqueeze", List.of("c"), List.of("u"), Map.of("axes", new long[] {1}))
        .node("Softmax", List.of("u"), List.of("s"), Map.of("axis", 1L))
        .node("Squeeze", List.of("s"), List.of("y"), Map.of("axes", new long[] {1}))
        .output("y", DataType.FP32, "batch", "128").build().toByteArray();
  }

  @Test
  void int8Dynamic_opset9_movedTo13WithChangedOperatorsConverted() throws IOException {
    byte[] old = opset9Model();
    QuantizedModel q = PER_TENSOR.int8Dynamic(old);
    ModelProto proto = ModelProto.parseFrom(q.graph().toByteArray());
    assertThat(OpsetUpgrade.opset(proto)).isEqualTo(13);
    assertThat(q.settings()).containsEntry("opset_upgraded", "9->13");
    NodeProto clip = proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Clip")).findFirst()
        .orElseThrow();
    assertThat(clip.getInputCount()).as("min and max became inputs").isEqualTo(3);
    assertThat(clip.getAttributeList()).isEmpty();
    Tensor x = QuantizationGraphs.batch(9, 16, 64);
    float[] expected = run(old, x);
    assertThat(relativeL2(expected, run(q.graph().toByteArray(), x))).isLessThan(0.03);
    // Softmax over axis 1 of [b, 1, 128] in opset 9 normalises all 128 values of a row together
    double rowSum = 0;
    for (int i = 0; i < 128; i++) {
      rowSum += run(q.graph().toByteArray(), x)[i];
    }
    assertThat(rowSum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void int8Dynamic_opsetTooOldToConvert_refusedNamingTheOpset() {
    byte[] model = QuantizationGraphs.mlp(6, 10).build().toByteArray();
    assertThatThrownBy(() -> PER_TENSOR.int8Dynamic(model)).isInstanceOf(InvalidInputException.class)
        .hasMessage("the model uses ai.onnx opset 6; dynamic INT8 quantisation needs opset 11 and MaaS converts "
            + "models from opset 7 up; convert it with the ONNX version converter first");
  }

  @Test
  void int8Dynamic_operatorThatCannotBeConverted_refusedNamingOperatorAndOpset() {
    java.util.Random r = new java.util.Random(11);
    byte[] model = OnnxGraph.builder("resize").opset("", 10).input("x", DataType.FP32, "batch", "64")
        .initializer("w", Tensor.ofFloats(QuantizationGraphs.gaussian(r, 64 * 64, 0.2), 64, 64))
        .initializer("scales", Tensor.ofFloats(new float[] {1, 2}, 2))
        .node("MatMul", List.of("x", "w"), List.of("h")).node("Resize", List.of("h", "scales"), List.of("y"))
        .output("y", DataType.FP32, "batch", "128").build().toByteArray();
    assertThatThrownBy(() -> PER_TENSOR.int8Dynamic(model)).isInstanceOf(InvalidInputException.class)
        .hasMessage("the model uses ai.onnx opset 10; dynamic INT8 quantisation needs opset 11, and operator Resize "
            + "cannot be moved to opset 13 (MaaS does not convert it); convert the model with the ONNX version "
            + "converter first");
  }

  // ---- FP16 ----

  @Test
  void fp16_mlp_halvesTheFileKeepsSignatureAndOnnxRuntimeFoldsTheCasts() throws IOException {
    byte[] fp32 = QuantizationGraphs.mlp(17, 12).build().toByteArray();
    QuantizedModel q = PER_TENSOR.fp16(fp32);
    byte[] half = q.graph().toByteArray();
    assertThat((double) half.length / fp32.length).as("size ratio").isLessThan(0.55);
    ModelProto proto = ModelProto.parseFrom(half);
    assertThat(proto.getGraph().getInitializerList()).filteredOn(t -> TensorData.elementCount(t) >= 16)
        .allMatch(t -> t.getDataType() == TensorProto.DataType.FLOAT16_VALUE);
    assertThat(proto.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("Constant"))
        .extracting(n -> n.getAttribute(0).getT().getDataType()).containsExactly(TensorProto.DataType.FLOAT16_VALUE);
    assertThat(q.settings()).containsEntry("quantized_nodes", "4");
    Tensor x = QuantizationGraphs.batch(13, 32, QuantizationGraphs.IN);
    double error = relativeL2(run(fp32, x), run(half, x));
    assertThat(error).isGreaterThan(0).isLessThan(1e-3);
    try (OnnxModel before = OnnxModel.fromBytes(fp32); OnnxModel after = OnnxModel.fromBytes(half)) {
      assertThat(after.signature()).isEqualTo(before.signature());
    }
    assertThat(optimizedOps(half)).doesNotContain("Cast");
  }

  @Test
  void fp16_noFloatWeights_refused() {
    assertThatThrownBy(() -> PER_TENSOR.fp16(TestGraphs.identity(DataType.FP32)))
        .isInstanceOf(InvalidInputException.class).hasMessage("nothing to quantise: the model has no FP32 weights");
    byte[] huge = OnnxGraph.builder("huge").input("x", DataType.FP32, "batch", "16")
        .initializer("w", Tensor.ofFloats(new float[] {1e6f, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 16))
        .node("Mul", List.of("x", "w"), List.of("y")).output("y", DataType.FP32, "batch", "16").build().toByteArray();
    assertThatThrownBy(() -> PER_TENSOR.fp16(huge)).hasMessage("nothing to quantise: the model's FP32 weights are "
        + "all smaller than 16 elements (0) or hold values beyond FP16's range (1)");
  }

  // ---- static INT8 (QDQ) ----

  private static List<Map<String, Tensor>> images(long seed, int requests) {
    List<Map<String, Tensor>> out = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      out.add(Map.of("image", QuantizationGraphs.batch(seed + i, 4, 3, 16, 16)));
    }
    return out;
  }

  @Test
  void int8Static_cnn_onnxRuntimeRunsQuantisedConvolutionsCloseToFp32() throws IOException {
    byte[] fp32 = QuantizationGraphs.cnn(17, 20).build().toByteArray();
    Tensor x = QuantizationGraphs.batch(99, 64, 3, 16, 16);
    float[] expected = run(fp32, x);
    for (OnnxQuantizer quantizer : List.of(PER_TENSOR, OnnxQuantizer.builder()
        .granularity(OnnxQuantizer.Granularity.PER_CHANNEL).calibration(OnnxQuantizer.Calibration.PERCENTILE)
        .percentile(99.9).build())) {
      QuantizedModel q = quantizer.int8Static(fp32, images(30, 8));
      byte[] int8 = q.graph().toByteArray();
      List<String> optimized = optimizedOps(int8);
      assertThat(optimized).as(quantizer.toString()).filteredOn("QLinearConv"::equals).hasSize(2);
      assertThat(optimized).doesNotContain("Conv");
      float[] actual = run(int8, x);
      assertThat(relativeL2(expected, actual)).as("relative L2, " + quantizer).isGreaterThan(0).isLessThan(0.05);
      assertThat(top1Agreement(expected, actual, 10)).as("top-1 agreement").isGreaterThan(0.9);
      assertThat(q.settings()).containsEntry("method", "int8-static").containsEntry("quantized_nodes", "3")
          .containsEntry("calibration_requests", "8");
    }
  }

  @Test
  void int8Static_refusals_sayWhatIsWrong() {
    byte[] cnn = QuantizationGraphs.cnn(17, 21).build().toByteArray();
    assertThatThrownBy(() -> PER_TENSOR.int8Static(cnn, List.of())).isInstanceOf(InvalidInputException.class)
        .hasMessage("static INT8 quantisation needs calibration data; none was given");
    assertThatThrownBy(() -> PER_TENSOR.int8Static(cnn, List.of(Map.of("x", Tensor.ofFloats(new float[3], 1, 3)))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("calibration request 1 has inputs [x]; the model takes [image]");
    assertThatThrownBy(() -> PER_TENSOR.int8Static(TestGraphs.identity(DataType.FP32),
        List.of(Map.of("x", Tensor.ofFloats(new float[3], 1, 3)))))
        .hasMessage("nothing to quantise: the model has no Conv or MatMul node with constant FP32 weights and a "
            + "computed input");
  }

  @Test
  void int8Static_perChannelOnOpset12_movesTo13WithSoftmaxRewritten() throws IOException {
    byte[] old = QuantizationGraphs.cnn(12, 22).build().toByteArray();
    QuantizedModel q = PER_CHANNEL.int8Static(old, images(1, 4));
    assertThat(q.settings()).containsEntry("opset_upgraded", "12->13");
    assertThat(ops(q.graph().toByteArray())).containsSubsequence("Shape", "Flatten", "Softmax", "Reshape");
    Tensor x = QuantizationGraphs.batch(5, 16, 3, 16, 16);
    assertThat(relativeL2(run(old, x), run(q.graph().toByteArray(), x))).isLessThan(0.05);
  }

  @Test
  void int8Static_opset12PerTensor_needsNoUpgrade() throws IOException {
    QuantizedModel q = PER_TENSOR.int8Static(QuantizationGraphs.cnn(12, 23).build().toByteArray(), images(2, 2));
    assertThat(OpsetUpgrade.opset(ModelProto.parseFrom(q.graph().toByteArray()))).isEqualTo(12);
    assertThat(q.settings()).doesNotContainKey("opset_upgraded");
  }

  // ---- helpers ----

  private static List<String> ops(byte[] model) {
    try {
      return ModelProto.parseFrom(model).getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The operators of the graph ONNX Runtime runs, from the file {@code setOptimizedModelFilePath} writes. */
  private List<String> optimizedOps(byte[] model) throws IOException {
    Path file = Files.createTempFile(dir, "optimized", ".onnx");
    Files.delete(file);
    OnnxOptions options = OnnxOptions.builder().optimizationLevel(OnnxOptions.OptimizationLevel.EXTENDED)
        .optimizedModelPath(file).build();
    try (OnnxModel m = OnnxModel.fromBytes(model, options)) {
      assertThat(m.signature().inputs()).isNotEmpty();
    }
    return ops(Files.readAllBytes(file));
  }

  static float[] run(byte[] model, Tensor x) {
    try (OnnxModel m = OnnxModel.fromBytes(model)) {
      String input = m.signature().inputs().get(0).name();
      String output = m.signature().outputs().get(0).name();
      return m.predictor().predict(Map.of(input, x)).get(output).toFloatArray();
    }
  }

  static double relativeL2(float[] expected, float[] actual) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (double) (expected[i] - actual[i]);
      norm += expected[i] * (double) expected[i];
    }
    return Math.sqrt(diff / norm);
  }

  static double top1Agreement(float[] expected, float[] actual, int classes) {
    int agree = 0;
    int rows = expected.length / classes;
    for (int r = 0; r < rows; r++) {
      agree += argmax(expected, r, classes) == argmax(actual, r, classes) ? 1 : 0;
    }
    return agree / (double) rows;
  }

  private static int argmax(float[] v, int row, int classes) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (v[row * classes + c] > v[row * classes + best]) {
        best = c;
      }
    }
    return best;
  }

  @SuppressWarnings("unused")
  private static AttributeProto unused(ByteString s) {
    return AttributeProto.newBuilder().setS(s).build();
  }
}
