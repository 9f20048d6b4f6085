package dev.maas.onnx;

import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Dynamic INT8 quantisation of a main graph's {@code MatMul} and {@code Gemm} nodes with constant
 * FP32 weights. Each becomes
 * {@code DynamicQuantizeLinear(A) -> MatMulInteger(Aq, Wq, Azp, Wzp) -> Cast(FLOAT) -> Mul(.., Mul(As, Ws))}
 * (plus {@code Add} of Gemm's bias), the pattern ONNX Runtime fuses into {@code
 * DynamicQuantizeMatMul}. Weights are quantised symmetrically to INT8 (zero point 0, range ±127),
 * with one scale or one per output column.
 *
 * <p>Stateless and thread-safe.
 */
final class DynamicInt8 {
  private DynamicInt8() {}

  /** The nodes that would be quantised and why the others are not. */
  record Plan(List<Integer> targets, int tooSmall, int notConstant, int otherShape) {
    String describeSkipped(int minimum) {
      if (tooSmall + notConstant + otherShape == 0) {
        return "the model has no MatMul or Gemm node";
      }
      List<String> parts = new ArrayList<>();
      if (tooSmall > 0) {
        parts.add(tooSmall + " with fewer than " + minimum + " weights");
      }
      if (notConstant > 0) {
        parts.add(notConstant + " without constant FP32 weights");
      }
      if (otherShape > 0) {
        parts.add(otherShape + " with weights that are not a 2-D matrix or a transposed input");
      }
      return "of the model's MatMul and Gemm nodes, " + String.join(", ", parts) + " are left alone";
    }
  }

  record Result(GraphProto graph, int quantized, int skipped) {}

  static Plan plan(GraphProto graph, int minimum) {
    GraphEdit edit = new GraphEdit(graph);
    List<Integer> targets = new ArrayList<>();
    int tooSmall = 0;
    int notConstant = 0;
    int otherShape = 0;
    for (int i = 0; i < edit.nodes().size(); i++) {
      NodeProto n = edit.nodes().get(i);
      if (!n.getDomain().isEmpty() || !(n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm"))) {
        continue;
      }
      switch (check(edit, n, minimum)) {
        case OK -> targets.add(i);
        case TOO_SMALL -> tooSmall++;
        case NOT_CONSTANT -> notConstant++;
        case OTHER_SHAPE -> otherShape++;
      }
    }
    return new Plan(targets, tooSmall, notConstant, otherShape);
  }

  private enum Verdict { OK, TOO_SMALL, NOT_CONSTANT, OTHER_SHAPE }

  private static Verdict check(GraphEdit edit, NodeProto n, int minimum) {
    if (n.getInputCount() < 2 || edit.constant(n.getInput(0)).isPresent()) {
      return Verdict.NOT_CONSTANT;
    }
    Optional<TensorProto> w = edit.constant(n.getInput(1));
    if (w.isEmpty() || w.get().getDataType() != TensorProto.DataType.FLOAT_VALUE || TensorData.isExternal(w.get())) {
      return Verdict.NOT_CONSTANT;
    }
    if (w.get().getDimsCount() != 2) {
      return Verdict.OTHER_SHAPE;
    }
    if (n.getOpType().equals("Gemm")) {
      if (intAttribute(n, "transA", 0) != 0) {
        return Verdict.OTHER_SHAPE;
      }
      if (n.getInputCount() > 2 && !n.getInput(2).isEmpty() && floatAttribute(n, "beta", 1f) != 1f
          && edit.constant(n.getInput(2)).filter(c -> c.getDataType() == TensorProto.DataType.FLOAT_VALUE).isEmpty()) {
        return Verdict.NOT_CONSTANT;
      }
    }
    return TensorData.elementCount(w.get()) < minimum ? Verdict.TOO_SMALL : Verdict.OK;
  }

  static Result apply(GraphProto graph, int minimum, OnnxQuantizer.Granularity granularity) {
    GraphEdit edit = new GraphEdit(graph);
    int quantized = 0;
    int skipped = 0;
    for (int i = 0; i < edit.nodes().size(); i++) {
      NodeProto n = edit.nodes().get(i);
      if (!n.getDomain().isEmpty() || !(n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm"))) {
        continue;
      }
      if (check(edit, n, minimum) != Verdict.OK) {
        skipped++;
        continue;
      }
      edit.replace(i, rewrite(edit, n, granularity));
      quantized++;
    }
    return new Result(edit.build(), quantized, skipped);
  }

  private static List<NodeProto> rewrite(GraphEdit edit, NodeProto n, OnnxQuantizer.Granularity granularity) {
    TensorProto weights = edit.constant(n.getInput(1)).orElseThrow();
    float[] w = TensorData.floats(weights);
    int rows = (int) weights.getDims(0);
    int cols = (int) weights.getDims(1);
    boolean gemm = n.getOpType().equals("Gemm");
    if (gemm) {
      if (intAttribute(n, "transB", 0) != 0) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            t[c * rows + r] = w[r * cols + c];
          }
        }
        w = t;
        int swap = rows;
        rows = cols;
        cols = swap;
      }
      float alpha = floatAttribute(n, "alpha", 1f);
      if (alpha != 1f) {
        for (int k = 0; k < w.length; k++) {
          w[k] *= alpha;
        }
      }
    }
    SymmetricInt8 q = SymmetricInt8.quantize(w, rows, cols, granularity == OnnxQuantizer.Granularity.PER_CHANNEL);
    String base = n.getInput(1);
    String wq = edit.fresh(base + "_quantized");
    String ws = edit.fresh(base + "_scale");
    String wzp = edit.fresh(base + "_zero_point");
    edit.addInitializer(TensorData.int8(wq, q.values(), rows, cols));
    if (q.scales().length == 1) {
      edit.addInitializer(TensorData.floats(ws, q.scales()));
      edit.addInitializer(TensorData.int8(wzp, new byte[1]));
    } else {
      edit.addInitializer(TensorData.floats(ws, q.scales(), cols));
      edit.addInitializer(TensorData.int8(wzp, new byte[cols], cols));
    }
    String a = n.getInput(0);
    String y = n.getOutput(0);
    String aq = edit.fresh(a + "_quantized");
    String as = edit.fresh(a + "_scale");
    String azp = edit.fresh(a + "_zero_point");
    String product = edit.fresh(y + "_int32");
    String asFloat = edit.fresh(y + "_int32_float");
    String scale = edit.fresh(y + "_scale");
    List<NodeProto> out = new ArrayList<>();
    out.add(edit.node("DynamicQuantizeLinear", List.of(a), List.of(aq, as, azp)));
    out.add(edit.node("MatMulInteger", List.of(aq, wq, azp, wzp), List.of(product)));
    out.add(edit.node("Cast", List.of(product), List.of(asFloat),
        GraphEdit.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
    out.add(edit.node("Mul", List.of(as, ws), List.of(scale)));
    boolean bias = gemm && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    String scaled = bias ? edit.fresh(y + "_unbiased") : y;
    out.add(edit.node("Mul", List.of(asFloat, scale), List.of(scaled)));
    if (bias) {
      String c = n.getInput(2);
      float beta = floatAttribute(n, "beta", 1f);
      if (beta != 1f) {
        TensorProto cValue = edit.constant(c).orElseThrow();
        float[] cv = TensorData.floats(cValue);
        for (int k = 0; k < cv.length; k++) {
          cv[k] *= beta;
        }
        c = edit.fresh(c + "_beta");
        edit.addInitializer(TensorData.floats(c, cv, cValue.getDimsList().stream().mapToLong(Long::longValue).toArray()));
      }
      out.add(edit.node("Add", List.of(scaled, c), List.of(y)));
    }
    return out;
  }

  static long intAttribute(NodeProto n, String name, long otherwise) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return otherwise;
  }

  static float floatAttribute(NodeProto n, String name, float otherwise) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return otherwise;
  }
}
