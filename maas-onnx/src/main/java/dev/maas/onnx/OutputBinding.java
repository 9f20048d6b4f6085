package dev.maas.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.maas.DataType;
import dev.maas.PredictionException;
import dev.maas.Tensor;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How one ONNX Runtime output tensor becomes a MaaS {@link Tensor}: ONNX Runtime copies the native
 * elements into a heap buffer once, and that buffer's array becomes the tensor without another
 * copy. Unsigned 16-, 32- and 64-bit outputs arrive as their signed bits, which is how MaaS holds
 * them too. A sequence of maps (scikit-learn's ZipMap) becomes a [rows, keys] tensor; every map
 * element ONNX Runtime hands out is closed, since closing the sequence does not close them.
 *
 * <p>Immutable and thread-safe.
 */
final class OutputBinding {
  private final String name;
  private final DataType dataType;
  private final boolean sequenceOfMaps;

  OutputBinding(String name, DataType dataType) {
    this(name, dataType, false);
  }

  private OutputBinding(String name, DataType dataType, boolean sequenceOfMaps) {
    this.name = name;
    this.dataType = dataType;
    this.sequenceOfMaps = sequenceOfMaps;
  }

  /**
   * A binding that turns a sequence of N maps with the same K keys into a [N, K] tensor of the
   * maps' value type, one column per key in ascending key order (the order of scikit-learn's
   * {@code classes_}).
   */
  static OutputBinding ofSequenceOfMaps(String name, DataType valueType) {
    return new OutputBinding(name, valueType, true);
  }

  /** Whether maps with these key and value types have a tensor form. */
  static boolean convertibleMap(OnnxJavaType keyType, OnnxJavaType valueType) {
    return (keyType == OnnxJavaType.INT64 || keyType == OnnxJavaType.STRING)
        && (valueType == OnnxJavaType.FLOAT || valueType == OnnxJavaType.DOUBLE || valueType == OnnxJavaType.INT64);
  }

  /** The MaaS type of map values of {@code valueType}. */
  static DataType mapValueType(OnnxJavaType valueType) {
    return switch (valueType) {
      case FLOAT -> DataType.FP32;
      case DOUBLE -> DataType.FP64;
      default -> DataType.INT64;
    };
  }

  String name() {
    return name;
  }

  /** The MaaS tensor holding {@code value}'s elements; {@code value} stays owned by the caller. */
  Tensor fromOrt(OnnxValue value) throws OrtException {
    if (sequenceOfMaps) {
      return fromSequence((OnnxSequence) value);
    }
    if (!(value instanceof OnnxTensor tensor)) {
      throw new PredictionException("output '" + name + "' is not a tensor but " + value.getType());
    }
    long[] shape = tensor.getInfo().getShape();
    int n = Tensor.elementCount(shape);
    Object data = switch (dataType) {
      case FP32 -> floats(tensor.getFloatBuffer(), n);
      case FP64 -> doubles(tensor.getDoubleBuffer(), n);
      case INT64, UINT64 -> longs(tensor.getLongBuffer(), n);
      case INT32, UINT32 -> ints(tensor.getIntBuffer(), n);
      case INT16, UINT16, FP16 -> shorts(tensor.getShortBuffer(), n);
      case INT8, UINT8 -> bytes(tensor.getByteBuffer(), n);
      case BOOL -> booleans(tensor.getByteBuffer(), n);
      case BYTES -> strings(tensor.getValue(), n);
    };
    return Tensor.wrap(dataType, data, shape);
  }

  private Tensor fromSequence(OnnxSequence sequence) throws OrtException {
    List<? extends OnnxValue> maps = sequence.getValue();
    try {
      List<Object> keys = null;
      int rows = maps.size();
      double[] values = null;
      for (int r = 0; r < rows; r++) {
        Map<? extends Object, ? extends Object> map = ((OnnxMap) maps.get(r)).getValue();
        if (keys == null) {
          keys = new ArrayList<>(map.keySet());
          keys.sort(null);
          values = new double[rows * keys.size()];
        }
        if (map.size() != keys.size()) {
          throw new PredictionException("output '" + name + "': map " + r + " has " + map.size()
              + " keys, map 0 has " + keys.size());
        }
        for (int k = 0; k < keys.size(); k++) {
          Object v = map.get(keys.get(k));
          if (v == null) {
            throw new PredictionException("output '" + name + "': map " + r + " lacks key " + keys.get(k));
          }
          values[r * keys.size() + k] = ((Number) v).doubleValue();
        }
      }
      int columns = keys == null ? 0 : keys.size();
      double[] data = values == null ? new double[0] : values;
      return switch (dataType) {
        case FP64 -> Tensor.wrap(DataType.FP64, data, rows, columns);
        case FP32 -> {
          float[] f = new float[data.length];
          for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
          }
          yield Tensor.wrap(DataType.FP32, f, rows, columns);
        }
        default -> {
          long[] l = new long[data.length];
          for (int i = 0; i < l.length; i++) {
            l[i] = (long) data[i];
          }
          yield Tensor.wrap(DataType.INT64, l, rows, columns);
        }
      };
    } finally {
      for (OnnxValue map : maps) {
        map.close();
      }
    }
  }

  private static float[] floats(FloatBuffer b, int n) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.array().length == n) {
      return b.array();
    }
    float[] out = new float[n];
    b.get(out);
    return out;
  }

  private static double[] doubles(DoubleBuffer b, int n) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.array().length == n) {
      return b.array();
    }
    double[] out = new double[n];
    b.get(out);
    return out;
  }

  private static long[] longs(LongBuffer b, int n) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.array().length == n) {
      return b.array();
    }
    long[] out = new long[n];
    b.get(out);
    return out;
  }

  private static int[] ints(IntBuffer b, int n) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.array().length == n) {
      return b.array();
    }
    int[] out = new int[n];
    b.get(out);
    return out;
  }

  private static short[] shorts(ShortBuffer b, int n) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.array().length == n) {
      return b.array();
    }
    short[] out = new short[n];
    b.get(out);
    return out;
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.array().length == n) {
      return b.array();
    }
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private static boolean[] booleans(ByteBuffer b, int n) {
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = b.get(i) != 0;
    }
    return out;
  }

  private static byte[][] strings(Object value, int n) {
    byte[][] out = new byte[n][];
    int[] next = {0};
    flatten(value, out, next);
    if (next[0] != n) {
      throw new PredictionException("string output held " + next[0] + " elements, expected " + n);
    }
    return out;
  }

  private static void flatten(Object value, byte[][] out, int[] next) {
    if (value instanceof String s) {
      out[next[0]++] = s.getBytes(StandardCharsets.UTF_8);
    } else {
      for (int i = 0, len = Array.getLength(value); i < len; i++) {
        flatten(Array.get(value, i), out, next);
      }
    }
  }
}
