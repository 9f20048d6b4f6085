package dev.maas.onnx;

import dev.maas.InvalidInputException;
import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Moves a model's {@code ai.onnx} operator set up to {@value #TARGET}, the version the quantised
 * operators need (QuantizeLinear with {@code axis}, DynamicQuantizeLinear), converting every node
 * whose operator's definition changed on the way: attributes that became inputs (Clip, Slice, Pad,
 * Squeeze, Unsqueeze, ReduceSum, Split, TopK), Softmax-style operators whose axis semantics changed
 * (rewritten as Flatten, the operator on two dimensions, and a Reshape back), and attributes that were
 * removed (Dropout's ratio, BatchNormalization's spatial). Operators whose definitions only widened
 * in between keep their nodes. Any other operator, or a model older than opset {@value #OLDEST}, is
 * refused with a message that names the operator and the opset.
 *
 * <p>Stateless and thread-safe.
 */
final class OpsetUpgrade {
  /** The opset models are moved to. */
  static final int TARGET = 13;
  /** The oldest opset converted (the one where broadcasting became implicit). */
  static final int OLDEST = 7;

  /** Operators whose definitions between opset 7 and 13 only gained types, optional parts or negative axes. */
  private static final Set<String> COMPATIBLE = Set.of(
      "Abs", "Acos", "Acosh", "Add", "And", "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atanh", "AveragePool",
      "Cast", "Ceil", "Concat", "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Cos", "Cosh", "CumSum",
      "DepthToSpace", "Div", "Einsum", "Elu", "Equal", "Erf", "Exp", "Expand", "EyeLike", "Flatten", "Floor",
      "GRU", "Gather", "GatherElements", "GatherND", "Gemm", "GlobalAveragePool", "GlobalLpPool", "GlobalMaxPool",
      "Greater", "GreaterOrEqual", "HardSigmoid", "Identity", "If", "InstanceNormalization", "IsInf", "IsNaN", "LRN",
      "LSTM", "LeakyRelu", "Less", "LessOrEqual", "Log", "Loop", "LpNormalization", "LpPool", "MatMul", "Max",
      "MaxPool", "MaxRoiPool", "Mean", "MeanVarianceNormalization", "Min", "Mod", "Mul", "Neg", "NonZero", "Not",
      "OneHot", "Or", "PRelu", "Pow", "RNN", "Range", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum",
      "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare", "Relu", "Reshape",
      "Round", "ScatterElements", "ScatterND", "Selu", "Shape", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Size",
      "Softplus", "Softsign", "SpaceToDepth", "Sqrt", "Sub", "Sum", "Tan", "Tanh", "ThresholdedRelu", "Tile",
      "Transpose", "Where", "Xor");

  /** Operators that before opset 13 flattened their input to two dimensions around {@code axis}. */
  private static final Set<String> COERCED_2D = Set.of("Softmax", "LogSoftmax", "Hardmax");

  private OpsetUpgrade() {}

  /** The model's {@code ai.onnx} opset version. */
  static long opset(ModelProto model) {
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return o.getVersion();
      }
    }
    throw new InvalidInputException("the model imports no ai.onnx opset");
  }

  /**
   * {@code model} if its opset is at least {@code needed}, otherwise the model converted to opset
   * {@value #TARGET}.
   *
   * @param purpose what needs the opset, for the message ("dynamic INT8 quantisation")
   * @throws InvalidInputException if the model is older than opset {@value #OLDEST} or uses an
   *     operator this class cannot convert; the message names the opset and the operator
   */
  static ModelProto atLeast(ModelProto model, int needed, String purpose) {
    long from = opset(model);
    if (from >= needed) {
      return model;
    }
    if (from < OLDEST) {
      throw new InvalidInputException("the model uses ai.onnx opset " + from + "; " + purpose + " needs opset "
          + needed + " and MaaS converts models from opset " + OLDEST + " up; convert it with the ONNX version "
          + "converter first");
    }
    ModelProto.Builder b = model.toBuilder().setGraph(convert(model.getGraph(), from, purpose, needed));
    for (int i = 0; i < b.getOpsetImportCount(); i++) {
      OperatorSetIdProto o = b.getOpsetImport(i);
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        b.setOpsetImport(i, o.toBuilder().setVersion(TARGET));
      }
    }
    b.setIrVersion(Math.max(b.getIrVersion(), 7));
    return b.build();
  }

  private static GraphProto convert(GraphProto graph, long from, String purpose, int needed) {
    Set<String> taken = new HashSet<>();
    collectNames(graph, taken);
    Names names = new Names(taken);
    List<NodeProto> out = new ArrayList<>();
    for (NodeProto node : graph.getNodeList()) {
      NodeProto n = withConvertedSubgraphs(node, from, purpose, needed);
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        out.add(n);
      } else {
        out.addAll(convert(n, from, names, purpose, needed));
      }
    }
    return graph.toBuilder().clearNode().addAllNode(out).build();
  }

  private static NodeProto withConvertedSubgraphs(NodeProto node, long from, String purpose, int needed) {
    NodeProto.Builder b = node.toBuilder();
    for (int i = 0; i < b.getAttributeCount(); i++) {
      AttributeProto a = b.getAttribute(i);
      if (a.hasG() || a.getGraphsCount() > 0) {
        AttributeProto.Builder ab = a.toBuilder();
        if (a.hasG()) {
          ab.setG(convert(a.getG(), from, purpose, needed));
        }
        for (int g = 0; g < a.getGraphsCount(); g++) {
          ab.setGraphs(g, convert(a.getGraphs(g), from, purpose, needed));
        }
        b.setAttribute(i, ab);
      }
    }
    return b.build();
  }

  private static List<NodeProto> convert(NodeProto node, long from, Names names, String purpose, int needed) {
    String op = node.getOpType();
    if (COMPATIBLE.contains(op)) {
      return List.of(node);
    }
    switch (op) {
      case "Clip":
        if (from >= 11) {
          return List.of(node);
        }
        return attributesToInputs(node, names, List.of("min", "max"), a -> floatScalar(a.getF()));
      case "Slice":
        if (from >= 10) {
          return List.of(node);
        }
        return attributesToInputs(node, names, List.of("starts", "ends", "axes"), a -> ints(a.getIntsList()));
      case "Pad":
        if (from >= 11) {
          return List.of(node);
        }
        Optional<AttributeProto> value = attribute(node, "value");
        if (value.isPresent() && value.get().getF() != 0f) {
          throw refuse(op, from, purpose, needed, "its constant value would need the input's element type");
        }
        NodeProto withoutValue = node.toBuilder().clearAttribute().addAllAttribute(node.getAttributeList().stream()
            .filter(a -> !a.getName().equals("value")).toList()).build();
        return attributesToInputs(withoutValue, names, List.of("pads"), a -> ints(a.getIntsList()));
      case "Squeeze", "Unsqueeze", "ReduceSum":
        return attributesToInputs(node, names, List.of("axes"), a -> ints(a.getIntsList()));
      case "Split":
        return attributesToInputs(node, names, List.of("split"), a -> ints(a.getIntsList()));
      case "TopK":
        if (from >= 10) {
          return List.of(node);
        }
        return attributesToInputs(node, names, List.of("k"), a -> ints(List.of(a.getI())));
      case "Dropout":
        return List.of(without(node, "ratio"));
      case "BatchNormalization":
        Optional<AttributeProto> spatial = attribute(node, "spatial");
        if (spatial.isPresent() && spatial.get().getI() != 1) {
          throw refuse(op, from, purpose, needed, "spatial=0 has no counterpart in later opsets");
        }
        return List.of(without(node, "spatial"));
      case "Softmax", "LogSoftmax", "Hardmax":
        return coerced2d(node, names);
      default:
        throw refuse(op, from, purpose, needed, "MaaS does not convert it");
    }
  }

  private static InvalidInputException refuse(String op, long from, String purpose, int needed, String why) {
    return new InvalidInputException("the model uses ai.onnx opset " + from + "; " + purpose + " needs opset "
        + needed + ", and operator " + op + " cannot be moved to opset " + TARGET + " (" + why
        + "); convert the model with the ONNX version converter first");
  }

  /** Old Softmax: flatten around axis to 2-D, apply on the last axis, and reshape back. */
  private static List<NodeProto> coerced2d(NodeProto node, Names names) {
    if (!COERCED_2D.contains(node.getOpType())) {
      throw new IllegalStateException(node.getOpType());
    }
    long axis = attribute(node, "axis").map(AttributeProto::getI).orElse(1L);
    String in = node.getInput(0);
    String flat = names.fresh(in + "_2d");
    String shape = names.fresh(in + "_shape");
    String applied = names.fresh(node.getOutput(0) + "_2d");
    List<NodeProto> out = new ArrayList<>();
    out.add(NodeProto.newBuilder().setOpType("Shape").setName(names.fresh(node.getName() + "_shape"))
        .addInput(in).addOutput(shape).build());
    out.add(NodeProto.newBuilder().setOpType("Flatten").setName(names.fresh(node.getName() + "_flatten"))
        .addInput(in).addOutput(flat).addAttribute(GraphEdit.intAttribute("axis", axis)).build());
    out.add(node.toBuilder().clearInput().addInput(flat).clearOutput().addOutput(applied).clearAttribute()
        .addAttribute(GraphEdit.intAttribute("axis", -1)).build());
    out.add(NodeProto.newBuilder().setOpType("Reshape").setName(names.fresh(node.getName() + "_reshape"))
        .addInput(applied).addInput(shape).addOutput(node.getOutput(0)).build());
    return out;
  }

  /**
   * The node with attributes {@code inputs} (in input order after the existing inputs) given as
   * {@code Constant} inputs instead; an absent attribute becomes an empty (omitted) input, trailing
   * ones are left off.
   */
  private static List<NodeProto> attributesToInputs(NodeProto node, Names names, List<String> inputs,
      Function<AttributeProto, TensorProto> value) {
    List<NodeProto> out = new ArrayList<>();
    NodeProto.Builder b = node.toBuilder().clearAttribute();
    for (AttributeProto a : node.getAttributeList()) {
      if (!inputs.contains(a.getName())) {
        b.addAttribute(a);
      }
    }
    List<String> added = new ArrayList<>();
    for (String name : inputs) {
      Optional<AttributeProto> a = attribute(node, name);
      if (a.isPresent()) {
        String constant = names.fresh(node.getName().isEmpty() ? node.getOpType() + "_" + name
            : node.getName() + "_" + name);
        out.add(NodeProto.newBuilder().setOpType("Constant").setName(constant).addOutput(constant)
            .addAttribute(GraphEdit.tensorAttribute("value", value.apply(a.get()))).build());
        added.add(constant);
      } else {
        added.add("");
      }
    }
    while (!added.isEmpty() && added.get(added.size() - 1).isEmpty()) {
      added.remove(added.size() - 1);
    }
    b.addAllInput(added);
    out.add(b.build());
    return out;
  }

  private static NodeProto without(NodeProto node, String attribute) {
    return node.toBuilder().clearAttribute().addAllAttribute(node.getAttributeList().stream()
        .filter(a -> !a.getName().equals(attribute)).toList()).build();
  }

  private static Optional<AttributeProto> attribute(NodeProto node, String name) {
    return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
  }

  private static TensorProto floatScalar(float v) {
    return TensorData.floats("", new float[] {v});
  }

  private static TensorProto ints(List<Long> values) {
    ByteBuffer b = ByteBuffer.allocate(values.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(b::putLong);
    return TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.size())
        .setRawData(com.google.protobuf.ByteString.copyFrom(b.array())).build();
  }

  private static void collectNames(GraphProto g, Set<String> out) {
    g.getInputList().forEach(v -> out.add(v.getName()));
    g.getInitializerList().forEach(t -> out.add(t.getName()));
    for (NodeProto n : g.getNodeList()) {
      out.add(n.getName());
      out.addAll(n.getOutputList());
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collectNames(a.getG(), out);
        }
        a.getGraphsList().forEach(s -> collectNames(s, out));
      }
    }
  }

  /** Fresh value names within one graph. */
  private record Names(Set<String> taken) {
    String fresh(String base) {
      String name = base;
      for (int i = 1; taken.contains(name); i++) {
        name = base + "_" + i;
      }
      taken.add(name);
      return name;
    }
  }

  /** Opsets by domain, for messages. */
  static Map<String, Long> opsets(ModelProto model) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    model.getOpsetImportList().forEach(o -> out.put(o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain(), o.getVersion()));
    return out;
  }
}
