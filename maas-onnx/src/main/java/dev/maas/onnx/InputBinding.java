package dev.maas.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.maas.DataType;
import dev.maas.Tensor;
import java.nio.ByteBuffer;

/**
 * How one model input becomes an ONNX Runtime tensor: fixed-size types from a direct,
 * native-order buffer (the tensor's own when it is buffer-backed, so no copy; otherwise one copy into
 * a scratch buffer borrowed from the model's {@link ScratchBuffers} or, for large inputs, a new
 * direct buffer), strings as a {@code String[]}.
 *
 * <p>Immutable and thread-safe.
 */
final class InputBinding {
  /** Above this size an array-backed input gets a fresh direct buffer instead of a scratch buffer. */
  static final int MAX_SCRATCH_BYTES = 1 << 20;

  private final String name;
  private final DataType dataType;
  private final OnnxJavaType javaType;

  InputBinding(String name, DataType dataType) {
    this.name = name;
    this.dataType = dataType;
    this.javaType = OnnxTypes.javaType(dataType);
  }

  String name() {
    return name;
  }

  /**
   * A new ONNX Runtime tensor over {@code tensor}'s elements. Array-backed inputs up to {@value
   * #MAX_SCRATCH_BYTES} bytes are copied into a buffer borrowed from {@code scratch} and stored in
   * {@code borrowed[slot]}; the caller closes the tensor and then gives the buffer back.
   */
  OnnxTensor toOrt(OrtEnvironment env, Tensor tensor, ScratchBuffers scratch, ByteBuffer[] borrowed, int slot)
      throws OrtException {
    long[] shape = tensor.shape();
    if (dataType == DataType.BYTES) {
      return OnnxTensor.createTensor(env, tensor.toStringArray(), shape);
    }
    int bytes = tensor.size() * dataType.byteSize();
    if (tensor.isBufferBacked() || bytes > MAX_SCRATCH_BYTES) {
      return OnnxTensor.createTensor(env, tensor.asDirectBuffer(), shape, javaType);
    }
    // the borrowed buffer is this call's alone until given back: fill it in place, with no views
    ByteBuffer buffer = scratch.take(bytes);
    borrowed[slot] = buffer;
    buffer.limit(bytes);
    tensor.copyTo(buffer);
    buffer.flip();
    return OnnxTensor.createTensor(env, buffer, shape, javaType);
  }
}
