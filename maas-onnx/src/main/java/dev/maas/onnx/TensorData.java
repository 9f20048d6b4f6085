package dev.maas.onnx;

import com.google.protobuf.ByteString;
import dev.maas.InvalidInputException;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Reads and writes the element data of ONNX {@code TensorProto}s: FP32 from {@code raw_data}
 * (little-endian) or {@code float_data}, and new INT8, INT32, FP16 and FP32 tensors written as
 * little-endian {@code raw_data}.
 *
 * <p>Stateless and thread-safe.
 */
final class TensorData {
  private TensorData() {}

  /** The number of elements the tensor's dimensions describe. */
  static long elementCount(TensorProto t) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    return n;
  }

  /** Whether the tensor keeps its data in an external file. */
  static boolean isExternal(TensorProto t) {
    return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0;
  }

  /** The FP32 elements of {@code t}, which must be of type FLOAT with inline data. */
  static float[] floats(TensorProto t) {
    long count = elementCount(t);
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || count > Integer.MAX_VALUE || isExternal(t)) {
      throw new IllegalArgumentException("tensor '" + t.getName() + "' is not an inline FP32 tensor");
    }
    float[] out = new float[(int) count];
    if (t.hasRawData()) {
      if (t.getRawData().size() != count * 4) {
        throw new InvalidInputException("tensor '" + t.getName() + "' holds " + t.getRawData().size()
            + " bytes of raw data for " + count + " FP32 elements");
      }
      FloatBuffer data = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      data.get(out);
    } else {
      if (t.getFloatDataCount() != count) {
        throw new InvalidInputException("tensor '" + t.getName() + "' holds " + t.getFloatDataCount()
            + " FP32 values for " + count + " elements");
      }
      for (int i = 0; i < out.length; i++) {
        out[i] = t.getFloatData(i);
      }
    }
    return out;
  }

  static TensorProto floats(String name, float[] data, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return tensor(name, TensorProto.DataType.FLOAT, b.array(), dims);
  }

  static TensorProto int8(String name, byte[] data, long... dims) {
    return tensor(name, TensorProto.DataType.INT8, data, dims);
  }

  static TensorProto uint8(String name, byte[] data, long... dims) {
    return tensor(name, TensorProto.DataType.UINT8, data, dims);
  }

  static TensorProto int32(String name, int[] data, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(data);
    return tensor(name, TensorProto.DataType.INT32, b.array(), dims);
  }

  static TensorProto fp16(String name, short[] bits, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.asShortBuffer().put(bits);
    return tensor(name, TensorProto.DataType.FLOAT16, b.array(), dims);
  }

  private static TensorProto tensor(String name, TensorProto.DataType type, byte[] raw, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
        .setRawData(ByteString.copyFrom(raw));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }
}
