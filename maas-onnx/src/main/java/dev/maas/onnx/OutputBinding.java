package dev.maas.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.maas.DataType;
import dev.maas.Tensor;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How one ONNX Runtime output tensor becomes a MaaS {@link Tensor}: ONNX Runtime copies the native
 * elements into a heap buffer once, and that buffer's array becomes the tensor without another
 * copy. Unsigned 16-, 32- and 64-bit outputs arrive as their signed bits, which is how MaaS holds
 * them too.
 *
 * <p>Immutable and thread-safe.
 */
final class OutputBinding {
  private final String name;
  private final DataType dataType;

  OutputBinding(String name, DataType dataType) {
    this.name = name;
    this.dataType = dataType;
  }

  String name() {
    return name;
  }

  /** The MaaS tensor holding {@code value}'s elements; {@code value} stays owned by the caller. */
  Tensor fromOrt(OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor tensor)) {
      throw new IllegalStateException("output '" + name + "' is not a tensor but " + value.getType());
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
      throw new IllegalStateException("string output held " + next[0] + " elements, expected " + n);
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
