package dev.maas.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Measures the ranges of a model's intermediate FP32 values on calibration inputs: the model gets
 * the values as extra graph outputs, ONNX Runtime runs it on each request, and each value's smallest
 * and largest element (MinMax) or its percentile and mirror percentile (from a fixed-seed reservoir
 * sample of {@value #SAMPLE} elements) are kept.
 *
 * <p>Stateless and thread-safe; each call owns its session and closes it.
 */
final class Calibrator {
  static final int SAMPLE = 1 << 16;

  private Calibrator() {}

  /** A value's range. */
  record Range(double low, double high) {}

  static Map<String, Range> ranges(ModelProto model, Set<String> values, List<Map<String, Tensor>> data,
      OnnxQuantizer.Calibration calibration, double percentile) {
    GraphEdit edit = new GraphEdit(model.getGraph());
    Set<String> outputs = new HashSet<>();
    for (ValueInfoProto o : model.getGraph().getOutputList()) {
      outputs.add(o.getName());
    }
    for (String v : values) {
      if (!outputs.contains(v)) {
        edit.addFloatOutput(v);
      }
    }
    byte[] augmented = model.toBuilder().setGraph(edit.build()).build().toByteArray();
    Map<String, Stats> stats = new LinkedHashMap<>();
    for (String v : values) {
      stats.put(v, new Stats(v.hashCode()));
    }
    OrtEnvironment env = OrtRuntime.environment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = env.createSession(augmented, options)) {
        Set<String> inputs = session.getInputNames();
        int request = 0;
        for (Map<String, Tensor> sample : data) {
          request++;
          if (!sample.keySet().equals(inputs)) {
            throw new InvalidInputException("calibration request " + request + " has inputs " + sample.keySet()
                + "; the model takes " + inputs);
          }
          run(env, session, sample, values, stats, request);
        }
      }
    } catch (OrtException e) {
      throw new InvalidInputException("ONNX Runtime could not run the model on the calibration data: "
          + e.getMessage());
    }
    Map<String, Range> out = new HashMap<>();
    stats.forEach((k, s) -> out.put(k, s.range(calibration, percentile)));
    return out;
  }

  private static void run(OrtEnvironment env, OrtSession session, Map<String, Tensor> sample, Set<String> values,
      Map<String, Stats> stats, int request) throws OrtException {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    ScratchBuffers scratch = new ScratchBuffers();
    ByteBuffer[] borrowed = new ByteBuffer[1];
    try {
      for (Map.Entry<String, Tensor> e : sample.entrySet()) {
        inputs.put(e.getKey(), new InputBinding(e.getKey(), e.getValue().dataType())
            .toOrt(env, e.getValue(), scratch, borrowed, 0));
        borrowed[0] = null;
      }
      try (OrtSession.Result result = session.run(inputs, values)) {
        for (String v : values) {
          OnnxValue value = result.get(v).orElseThrow();
          if (!(value instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new InvalidInputException("value '" + v + "' is not an FP32 tensor; it cannot be quantised");
          }
          stats.get(v).add(t.getFloatBuffer());
        }
      }
    } catch (OrtException e) {
      throw new InvalidInputException("calibration request " + request + ": ONNX Runtime failed: " + e.getMessage());
    } finally {
      inputs.values().forEach(OnnxTensor::close);
      scratch.clear();
    }
  }

  /** The running minimum, maximum and a reservoir sample of one value's elements. */
  private static final class Stats {
    private final Random random;
    private final float[] sample = new float[SAMPLE];
    private long seen;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    Stats(long seed) {
      random = new Random(seed);
    }

    void add(FloatBuffer data) {
      while (data.hasRemaining()) {
        float v = data.get();
        if (!Float.isFinite(v)) {
          continue;
        }
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (seen < SAMPLE) {
          sample[(int) seen] = v;
        } else {
          long j = (long) (random.nextDouble() * (seen + 1));
          if (j < SAMPLE) {
            sample[(int) j] = v;
          }
        }
        seen++;
      }
    }

    Range range(OnnxQuantizer.Calibration calibration, double percentile) {
      if (seen == 0) {
        return new Range(0, 0);
      }
      if (calibration == OnnxQuantizer.Calibration.MIN_MAX) {
        return new Range(min, max);
      }
      int n = (int) Math.min(seen, SAMPLE);
      float[] sorted = Arrays.copyOf(sample, n);
      Arrays.sort(sorted);
      int hi = (int) Math.round(percentile / 100.0 * (n - 1));
      int lo = (int) Math.round((100.0 - percentile) / 100.0 * (n - 1));
      return new Range(sorted[lo], sorted[hi]);
    }
  }
}
