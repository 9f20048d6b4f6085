package dev.maas.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Makes smaller, faster versions of ONNX models: each method reads a serialized FP32 model and
 * returns a new one that computes the same function with fewer bits, keeping everything it does
 * not change (other nodes and initializers, subgraphs, metadata, inputs and outputs).
 *
 * <ul>
 *   <li>{@link #int8Dynamic}: {@code MatMul} and {@code Gemm} nodes with constant weights (an
 *       initializer or a {@code Constant} node) of at least {@link Builder#minimumWeightElements}
 *       elements become {@code DynamicQuantizeLinear} + {@code MatMulInteger} + a scale, the pattern
 *       ONNX Runtime fuses into one {@code DynamicQuantizeMatMul}; weights are INT8 (symmetric, per
 *       tensor or per output column), activations are quantised to UINT8 at run time.
 *   <li>{@link #int8Static}: {@code Conv} and {@code MatMul} nodes with constant weights get {@code
 *       QuantizeLinear}/{@code DequantizeLinear} pairs (QDQ form, INT8 activations and weights) with
 *       activation ranges calibrated on sample inputs, which ONNX Runtime runs as quantised kernels.
 *   <li>{@link #fp16}: FP32 weights of 16 elements or more are stored as FP16, each behind a {@code
 *       Cast} back to FP32, so inputs, outputs and the arithmetic stay FP32 and the file halves.
 * </ul>
 *
 * A model older than the operators need (opset 11 for dynamic INT8, 10 for QDQ, 13 for per-channel
 * QDQ) is moved to opset 13 with every node whose operator's definition changed converted, or refused
 * with a message that names the opset and the operator. A model with nothing to quantise, one that
 * is already quantised, or one that keeps tensors in external files is refused with an {@link
 * InvalidInputException} that says so.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class OnnxQuantizer {
  /** The operators that mark a model as quantised already. */
  private static final Set<String> QUANTIZED_OPS = Set.of("QuantizeLinear", "DequantizeLinear",
      "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger", "QLinearConv", "QLinearMatMul",
      "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "QGemm", "QLinearAdd", "QLinearMul",
      "DynamicQuantizeLSTM", "QAttention");

  /** How weights are scaled. */
  public enum Granularity {
    /** One scale for a whole weight tensor. */
    PER_TENSOR,
    /** One scale per output channel (a weight column for MatMul and Gemm, a filter for Conv). */
    PER_CHANNEL
  }

  /** How static quantisation picks each activation's range from the calibration data. */
  public enum Calibration {
    /** The smallest and largest value seen. */
    MIN_MAX,
    /** The {@link Builder#percentile} and its mirror of the values seen, ignoring rare outliers. */
    PERCENTILE
  }

  /** The three kinds of quantisation. */
  public enum Method {
    /** INT8 weights, activations quantised at run time. */
    INT8_DYNAMIC,
    /** INT8 weights and activations, ranges calibrated ahead of time, QDQ form. */
    INT8_STATIC,
    /** FP16 weights behind a Cast. */
    FP16;

    /** The name used on the command line and in stored settings: {@code int8-dynamic}, {@code int8-static}, {@code fp16}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The method with {@link #label()} {@code label}. */
    public static Method ofLabel(String label) {
      for (Method m : values()) {
        if (m.label().equals(label)) {
          return m;
        }
      }
      throw new InvalidInputException("unknown quantisation method '" + label
          + "'; expected int8-dynamic, int8-static or fp16");
    }
  }

  private final Granularity granularity;
  private final Calibration calibration;
  private final double percentile;
  private final int minimumWeightElements;

  private OnnxQuantizer(Builder b) {
    this.granularity = b.granularity;
    this.calibration = b.calibration;
    this.percentile = b.percentile;
    this.minimumWeightElements = b.minimumWeightElements;
  }

  /** A quantizer with the defaults: per tensor, MinMax calibration, layers of 4096 weights or more. */
  public static OnnxQuantizer defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The weight granularity. */
  public Granularity granularity() {
    return granularity;
  }

  /** The calibration method of {@link #int8Static}. */
  public Calibration calibration() {
    return calibration;
  }

  /** The percentile {@link Calibration#PERCENTILE} keeps, such as 99.99. */
  public double percentile() {
    return percentile;
  }

  /** The fewest weight elements a MatMul or Gemm needs for {@link #int8Dynamic} to quantise it. */
  public int minimumWeightElements() {
    return minimumWeightElements;
  }

  /**
   * Dynamic INT8 quantisation of {@code model} (serialized ONNX).
   *
   * @throws InvalidInputException if the bytes are not an ONNX model, keep tensors in external files,
   *     are quantised already, have no MatMul or Gemm with large enough constant FP32 weights, or
   *     have an opset that cannot be moved to 11
   */
  public QuantizedModel int8Dynamic(byte[] model) {
    ModelProto proto = parse(model, Method.INT8_DYNAMIC);
    long opset = OpsetUpgrade.opset(proto);
    DynamicInt8.Plan plan = DynamicInt8.plan(proto.getGraph(), minimumWeightElements);
    if (plan.targets().isEmpty()) {
      throw new InvalidInputException("nothing to quantise: " + plan.describeSkipped(minimumWeightElements));
    }
    ModelProto upgraded = OpsetUpgrade.atLeast(proto, 11, "dynamic INT8 quantisation");
    DynamicInt8.Result r = DynamicInt8.apply(upgraded.getGraph(), minimumWeightElements, granularity);
    return result(upgraded.toBuilder().setGraph(r.graph()).build(), Method.INT8_DYNAMIC, opset, r.quantized(),
        r.skipped(), settings(Method.INT8_DYNAMIC));
  }

  /**
   * Static INT8 quantisation in QDQ form of {@code model} (serialized ONNX), with activation ranges
   * measured by running the FP32 model on {@code calibrationData} (one map of named inputs per
   * request).
   *
   * @throws InvalidInputException if the bytes are not an ONNX model, keep tensors in external files,
   *     are quantised already, have no Conv or MatMul with constant FP32 weights, the calibration
   *     data is empty or does not fit the model, or the opset cannot be moved to 10 (13 per channel)
   */
  public QuantizedModel int8Static(byte[] model, List<Map<String, Tensor>> calibrationData) {
    Objects.requireNonNull(calibrationData, "calibrationData");
    ModelProto proto = parse(model, Method.INT8_STATIC);
    if (calibrationData.isEmpty()) {
      throw new InvalidInputException("static INT8 quantisation needs calibration data; none was given");
    }
    long opset = OpsetUpgrade.opset(proto);
    StaticQdq.Plan plan = StaticQdq.plan(proto.getGraph());
    if (plan.targets().isEmpty()) {
      throw new InvalidInputException("nothing to quantise: the model has no Conv or MatMul node with constant "
          + "FP32 weights and a computed input");
    }
    int needed = granularity == Granularity.PER_CHANNEL ? 13 : 10;
    ModelProto upgraded = OpsetUpgrade.atLeast(proto, needed,
        "static INT8 quantisation" + (granularity == Granularity.PER_CHANNEL ? " per channel" : ""));
    StaticQdq.Result r = StaticQdq.apply(upgraded, calibrationData, granularity, calibration, percentile);
    Map<String, String> settings = settings(Method.INT8_STATIC);
    settings.put("calibration", calibration.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    if (calibration == Calibration.PERCENTILE) {
      settings.put("percentile", Double.toString(percentile));
    }
    settings.put("calibration_requests", Integer.toString(calibrationData.size()));
    return result(upgraded.toBuilder().setGraph(r.graph()).build(), Method.INT8_STATIC, opset, r.quantized(), 0,
        settings);
  }

  /**
   * {@code model} (serialized ONNX) with its FP32 weights stored as FP16.
   *
   * @throws InvalidInputException if the bytes are not an ONNX model, keep tensors in external files,
   *     are quantised already, or have no FP32 weight of 16 elements or more that FP16 can hold
   */
  public QuantizedModel fp16(byte[] model) {
    ModelProto proto = parse(model, Method.FP16);
    Fp16Weights.Result r = Fp16Weights.apply(proto.getGraph());
    if (r.converted() == 0) {
      throw new InvalidInputException("nothing to quantise: " + r.describeNothing());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("method", Method.FP16.label());
    return result(proto.toBuilder().setGraph(r.graph()).build(), Method.FP16, OpsetUpgrade.opset(proto),
        r.converted(), r.skipped(), settings);
  }

  private Map<String, String> settings(Method method) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("method", method.label());
    s.put("granularity", granularity.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    if (method == Method.INT8_DYNAMIC) {
      s.put("minimum_weight_elements", Integer.toString(minimumWeightElements));
    }
    return s;
  }

  private static QuantizedModel result(ModelProto model, Method method, long fromOpset, int quantized, int skipped,
      Map<String, String> settings) {
    long toOpset = OpsetUpgrade.opset(model);
    settings.put("quantized_nodes", Integer.toString(quantized));
    settings.put("skipped_nodes", Integer.toString(skipped));
    if (toOpset != fromOpset) {
      settings.put("opset_upgraded", fromOpset + "->" + toOpset);
    }
    return new QuantizedModel(OnnxGraph.ofBytes(model.toByteArray()), method, settings);
  }

  private static ModelProto parse(byte[] bytes, Method method) {
    Objects.requireNonNull(bytes, "model");
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidInputException("the model is not ONNX (not a protobuf ModelProto): " + e.getMessage());
    }
    if (!model.hasGraph() || model.getOpsetImportCount() == 0) {
      throw new InvalidInputException("the model is not ONNX: no graph or opset import");
    }
    refuseQuantizedOrExternal(model.getGraph(), method);
    return model;
  }

  private static void refuseQuantizedOrExternal(GraphProto graph, Method method) {
    for (TensorProto t : graph.getInitializerList()) {
      refuseExternal(t);
      if (method == Method.FP16 && t.getDataType() == TensorProto.DataType.FLOAT16_VALUE) {
        throw new InvalidInputException("the model is already quantised: initializer '" + t.getName() + "' is FP16");
      }
    }
    for (NodeProto n : graph.getNodeList()) {
      if (QUANTIZED_OPS.contains(n.getOpType())) {
        throw new InvalidInputException("the model is already quantised: it has a " + n.getOpType() + " node"
            + (n.getName().isEmpty() ? "" : " '" + n.getName() + "'") + "; quantise its FP32 original instead");
      }
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasT()) {
          refuseExternal(a.getT());
        }
        a.getTensorsList().forEach(OnnxQuantizer::refuseExternal);
        if (a.hasG()) {
          refuseQuantizedOrExternal(a.getG(), method);
        }
        for (GraphProto g : a.getGraphsList()) {
          refuseQuantizedOrExternal(g, method);
        }
      }
    }
  }

  private static void refuseExternal(TensorProto t) {
    if (TensorData.isExternal(t)) {
      throw new InvalidInputException("the model keeps tensor '" + t.getName() + "' in an external data file; "
          + "MaaS quantises models whose weights are stored inside the .onnx file");
    }
  }

  @Override
  public String toString() {
    return "OnnxQuantizer[" + granularity + ", " + calibration
        + (calibration == Calibration.PERCENTILE ? " " + percentile : "") + ", min " + minimumWeightElements + "]";
  }

  /** Collects a quantizer's settings, checking each at once. */
  public static final class Builder {
    private Granularity granularity = Granularity.PER_TENSOR;
    private Calibration calibration = Calibration.MIN_MAX;
    private double percentile = 99.99;
    private int minimumWeightElements = 4096;

    private Builder() {}

    /** How weights are scaled; {@link Granularity#PER_TENSOR} by default. */
    public Builder granularity(Granularity granularity) {
      this.granularity = Objects.requireNonNull(granularity, "granularity");
      return this;
    }

    /** How static quantisation calibrates activations; {@link Calibration#MIN_MAX} by default. */
    public Builder calibration(Calibration calibration) {
      this.calibration = Objects.requireNonNull(calibration, "calibration");
      return this;
    }

    /** The upper percentile {@link Calibration#PERCENTILE} keeps, above 50 and at most 100; 99.99 by default. */
    public Builder percentile(double percentile) {
      if (!(percentile > 50 && percentile <= 100)) {
        throw new IllegalArgumentException("percentile must be above 50 and at most 100, got " + percentile);
      }
      this.percentile = percentile;
      return this;
    }

    /**
     * The fewest weight elements a MatMul or Gemm needs for dynamic quantisation (4096 by default):
     * for smaller layers quantising the activation costs more than the integer product saves.
     */
    public Builder minimumWeightElements(int elements) {
      if (elements < 1) {
        throw new IllegalArgumentException("minimumWeightElements must be at least 1, got " + elements);
      }
      this.minimumWeightElements = elements;
      return this;
    }

    /** The quantizer. */
    public OnnxQuantizer build() {
      return new OnnxQuantizer(this);
    }
  }
}
