package dev.maas.onnx;

import ai.onnxruntime.platform.Fp16Conversions;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.util.ArrayList;
import java.util.List;

/**
 * FP16 storage for a main graph's FP32 weights: each initializer (that is not a graph input) and each
 * {@code Constant} node's FP32 value of at least {@value #MINIMUM_ELEMENTS} elements is stored as
 * FP16 and read through a {@code Cast} to FP32 under its old name, so every node still sees FP32 and
 * ONNX Runtime folds the casts when it loads the model. Weights with a value beyond FP16's range
 * (±65504) stay FP32 rather than be clipped.
 *
 * <p>Stateless and thread-safe.
 */
final class Fp16Weights {
  static final int MINIMUM_ELEMENTS = 16;
  private static final float FP16_MAX = 65504f;

  private Fp16Weights() {}

  record Result(GraphProto graph, int converted, int skipped, int small) {
    String describeNothing() {
      if (skipped == 0 && small == 0) {
        return "the model has no FP32 weights";
      }
      return "the model's FP32 weights are all smaller than " + MINIMUM_ELEMENTS + " elements (" + small
          + ") or hold values beyond FP16's range (" + skipped + ")";
    }
  }

  static Result apply(GraphProto graph) {
    GraphEdit edit = new GraphEdit(graph);
    int converted = 0;
    int skipped = 0;
    int small = 0;
    List<NodeProto> casts = new ArrayList<>();
    for (TensorProto t : graph.getInitializerList()) {
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || edit.isGraphInput(t.getName())) {
        continue;
      }
      if (TensorData.elementCount(t) < MINIMUM_ELEMENTS) {
        small++;
        continue;
      }
      short[] half = toHalf(TensorData.floats(t));
      if (half == null) {
        skipped++;
        continue;
      }
      String stored = edit.fresh(t.getName() + "_fp16");
      edit.addInitializer(TensorData.fp16(stored, half, dims(t)));
      casts.add(edit.node("Cast", List.of(stored), List.of(t.getName()),
          GraphEdit.intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
      converted++;
    }
    for (TensorProto t : graph.getInitializerList()) {
      if (casts.stream().anyMatch(c -> c.getOutput(0).equals(t.getName()))) {
        edit.dropInitializer(t.getName());
      }
    }
    edit.insertAfter(-1, casts);
    for (int i = 0; i < edit.nodes().size(); i++) {
      NodeProto n = edit.nodes().get(i);
      if (!n.getOpType().equals("Constant") || !n.getDomain().isEmpty() || n.getOutputCount() != 1) {
        continue;
      }
      String name = n.getOutput(0);
      var value = edit.constant(name);
      if (value.isEmpty() || value.get().getDataType() != TensorProto.DataType.FLOAT_VALUE) {
        continue;
      }
      if (TensorData.elementCount(value.get()) < MINIMUM_ELEMENTS) {
        small++;
        continue;
      }
      short[] half = toHalf(TensorData.floats(value.get()));
      if (half == null) {
        skipped++;
        continue;
      }
      String stored = edit.fresh(name + "_fp16");
      edit.replaceConstant(name, TensorData.fp16(stored, half, dims(value.get())));
      edit.renameOutput(i, name, stored);
      edit.insertAfter(i, List.of(edit.node("Cast", List.of(stored), List.of(name),
          GraphEdit.intAttribute("to", TensorProto.DataType.FLOAT_VALUE))));
      converted++;
    }
    return new Result(edit.build(), converted, skipped, small);
  }

  private static long[] dims(TensorProto t) {
    return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** The FP16 bits of {@code values}, or null if one lies beyond FP16's finite range. */
  private static short[] toHalf(float[] values) {
    short[] half = new short[values.length];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (Float.isFinite(v) && Math.abs(v) > FP16_MAX) {
        return null;
      }
      half[i] = Fp16Conversions.floatToFp16(v);
    }
    return half;
  }
}
