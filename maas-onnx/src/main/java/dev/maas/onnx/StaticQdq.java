package dev.maas.onnx;

import dev.maas.Tensor;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Static INT8 quantisation in QDQ form (INT8 activations and weights, "S8S8") of a main graph's
 * {@code Conv} and {@code MatMul} nodes with constant FP32 weights: the activation each reads and the
 * one it writes pass through {@code QuantizeLinear} + {@code DequantizeLinear} with a scale and zero
 * point from {@link Calibrator}'s measured ranges; the weights are stored as INT8 behind a {@code
 * DequantizeLinear} (symmetric, per tensor or per output channel); a Conv's constant bias as INT32
 * with scale {@code input scale · weight scale}. ONNX Runtime replaces each
 * {@code DequantizeLinear -> op -> QuantizeLinear} group with its quantised kernel.
 *
 * <p>Stateless and thread-safe.
 */
final class StaticQdq {
  private StaticQdq() {}

  record Plan(List<Integer> targets) {}

  record Result(GraphProto graph, int quantized) {}

  static Plan plan(GraphProto graph) {
    return new Plan(targets(new GraphEdit(graph)));
  }

  private static List<Integer> targets(GraphEdit edit) {
    List<Integer> targets = new ArrayList<>();
    for (int i = 0; i < edit.nodes().size(); i++) {
      NodeProto n = edit.nodes().get(i);
      boolean conv = n.getOpType().equals("Conv");
      if (!n.getDomain().isEmpty() || !(conv || n.getOpType().equals("MatMul")) || n.getInputCount() < 2
          || edit.constant(n.getInput(0)).isPresent()) {
        continue;
      }
      Optional<TensorProto> w = edit.constant(n.getInput(1));
      if (w.isPresent() && w.get().getDataType() == TensorProto.DataType.FLOAT_VALUE
          && (conv ? w.get().getDimsCount() >= 3 : w.get().getDimsCount() == 2)) {
        targets.add(i);
      }
    }
    return targets;
  }

  static Result apply(ModelProto model, List<Map<String, Tensor>> data, OnnxQuantizer.Granularity granularity,
      OnnxQuantizer.Calibration calibration, double percentile) {
    GraphEdit edit = new GraphEdit(model.getGraph());
    List<Integer> targets = targets(edit);
    Set<String> activations = new LinkedHashSet<>();
    for (int i : targets) {
      activations.add(edit.nodes().get(i).getInput(0));
      activations.add(edit.nodes().get(i).getOutput(0));
    }
    Map<String, Calibrator.Range> ranges = Calibrator.ranges(model, activations, data, calibration, percentile);
    Map<String, Params> params = new HashMap<>();
    for (String a : activations) {
      params.put(a, Params.of(ranges.get(a)));
    }
    boolean perChannel = granularity == OnnxQuantizer.Granularity.PER_CHANNEL;
    Map<String, String> dequantizedInputs = new HashMap<>();
    for (String a : activations) {
      Params p = params.get(a);
      String scale = edit.fresh(a + "_scale");
      String zero = edit.fresh(a + "_zero_point");
      edit.addInitializer(TensorData.floats(scale, new float[] {p.scale()}));
      edit.addInitializer(TensorData.int8(zero, new byte[] {p.zeroPoint()}));
      String quantized = edit.fresh(a + "_quantized");
      Optional<Integer> producer = edit.producer(a);
      if (producer.isPresent()) {
        String raw = edit.fresh(a + "_float");
        edit.renameOutput(producer.get(), a, raw);
        edit.insertAfter(producer.get(), List.of(
            edit.node("QuantizeLinear", List.of(raw, scale, zero), List.of(quantized)),
            edit.node("DequantizeLinear", List.of(quantized, scale, zero), List.of(a))));
      } else {
        String dequantized = edit.fresh(a + "_dequantized");
        edit.insertAfter(-1, List.of(
            edit.node("QuantizeLinear", List.of(a, scale, zero), List.of(quantized)),
            edit.node("DequantizeLinear", List.of(quantized, scale, zero), List.of(dequantized))));
        dequantizedInputs.put(a, dequantized);
      }
    }
    for (int i : targets) {
      NodeProto n = edit.nodes().get(i);
      boolean conv = n.getOpType().equals("Conv");
      TensorProto weights = edit.constant(n.getInput(1)).orElseThrow();
      float[] w = TensorData.floats(weights);
      long[] dims = weights.getDimsList().stream().mapToLong(Long::longValue).toArray();
      SymmetricInt8 q = conv ? SymmetricInt8.quantizeLeading(w, (int) dims[0], perChannel)
          : SymmetricInt8.quantize(w, (int) dims[0], (int) dims[1], perChannel);
      int channels = (int) (conv ? dims[0] : dims[1]);
      String base = n.getInput(1);
      String wq = edit.fresh(base + "_quantized");
      String ws = edit.fresh(base + "_scale");
      String wzp = edit.fresh(base + "_zero_point");
      String wdq = edit.fresh(base + "_dequantized");
      edit.addInitializer(TensorData.int8(wq, q.values(), dims));
      List<NodeProto> replacement = new ArrayList<>();
      if (perChannel) {
        edit.addInitializer(TensorData.floats(ws, q.scales(), channels));
        edit.addInitializer(TensorData.int8(wzp, new byte[channels], channels));
        replacement.add(edit.node("DequantizeLinear", List.of(wq, ws, wzp), List.of(wdq),
            GraphEdit.intAttribute("axis", conv ? 0 : 1)));
      } else {
        edit.addInitializer(TensorData.floats(ws, q.scales()));
        edit.addInitializer(TensorData.int8(wzp, new byte[1]));
        replacement.add(edit.node("DequantizeLinear", List.of(wq, ws, wzp), List.of(wdq)));
      }
      List<String> inputs = new ArrayList<>(n.getInputList());
      inputs.set(0, dequantizedInputs.getOrDefault(inputs.get(0), inputs.get(0)));
      inputs.set(1, wdq);
      if (conv && inputs.size() > 2 && !inputs.get(2).isEmpty()) {
        Optional<TensorProto> bias = edit.constant(inputs.get(2));
        if (bias.isPresent() && bias.get().getDataType() == TensorProto.DataType.FLOAT_VALUE
            && TensorData.elementCount(bias.get()) == channels) {
          float inputScale = params.get(n.getInput(0)).scale();
          float[] b = TensorData.floats(bias.get());
          int[] bq = new int[b.length];
          float[] bs = new float[perChannel ? channels : 1];
          for (int c = 0; c < bs.length; c++) {
            bs[c] = inputScale * q.scales()[c];
          }
          for (int c = 0; c < b.length; c++) {
            double v = Math.rint(b[c] / (double) bs[perChannel ? c : 0]);
            bq[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, v));
          }
          String bname = inputs.get(2);
          String bqName = edit.fresh(bname + "_quantized");
          String bsName = edit.fresh(bname + "_scale");
          String bdq = edit.fresh(bname + "_dequantized");
          edit.addInitializer(TensorData.int32(bqName, bq, channels));
          if (perChannel) {
            edit.addInitializer(TensorData.floats(bsName, bs, channels));
            replacement.add(edit.node("DequantizeLinear", List.of(bqName, bsName), List.of(bdq),
                GraphEdit.intAttribute("axis", 0)));
          } else {
            edit.addInitializer(TensorData.floats(bsName, bs));
            replacement.add(edit.node("DequantizeLinear", List.of(bqName, bsName), List.of(bdq)));
          }
          inputs.set(2, bdq);
        }
      }
      replacement.add(n.toBuilder().clearInput().addAllInput(inputs).build());
      edit.replace(i, replacement);
    }
    return new Result(edit.build(), targets.size());
  }

  /** An activation's INT8 scale and zero point. */
  record Params(float scale, byte zeroPoint) {
    static Params of(Calibrator.Range r) {
      double lo = Math.min(r.low(), 0);
      double hi = Math.max(r.high(), 0);
      double scale = (hi - lo) / 255.0;
      if (!(scale > 0) || !Double.isFinite(scale)) {
        return new Params(1f, (byte) 0);
      }
      float s = (float) scale;
      long zp = Math.round(-128 - lo / s);
      return new Params(s, (byte) Math.max(-128, Math.min(127, zp)));
    }
  }
}
