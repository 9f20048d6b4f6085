package dev.maas.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.maas.DataType;
import dev.maas.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How one model input becomes an ONNX Runtime tensor: fixed-size types from a direct,
 * native-order buffer (the tensor's own when it is buffer-backed, so no copy; otherwise one copy into
 * a per-thread scratch buffer or, for large inputs, a new direct buffer), strings as a {@code String[]}.
 *
 * <p>Thread-safe: the scratch buffers are per thread.
 */
final class InputBinding {
  /** Above this size an array-backed input gets a fresh direct buffer instead of the thread's scratch buffer. */
  static final int MAX_SCRATCH_BYTES = 1 << 20;

  private final String name;
  private final DataType dataType;
  private final OnnxJavaType javaType;
  /** Per-thread direct buffer for array-backed inputs: allocating one per call costs more than the run. */
  private final ThreadLocal<ByteBuffer[]> scratch = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

  InputBinding(String name, DataType dataType) {
    this.name = name;
    this.dataType = dataType;
    this.javaType = OnnxModel.javaType(dataType);
  }

  String name() {
    return name;
  }

  /**
   * A new ONNX Runtime tensor over {@code tensor}'s elements; the caller closes it before this
   * thread calls again (array-backed inputs up to {@value #MAX_SCRATCH_BYTES} bytes are copied into
   * a per-thread direct buffer that the next call reuses).
   */
  OnnxTensor toOrt(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    if (dataType == DataType.BYTES) {
      return OnnxTensor.createTensor(env, tensor.toStringArray(), shape);
    }
    int bytes = tensor.size() * dataType.byteSize();
    if (tensor.isBufferBacked() || bytes > MAX_SCRATCH_BYTES) {
      return OnnxTensor.createTensor(env, tensor.asDirectBuffer(), shape, javaType);
    }
    ByteBuffer[] holder = scratch.get();
    ByteBuffer buffer = holder[0];
    if (buffer == null || buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect(Math.max(bytes, 256)).order(ByteOrder.nativeOrder());
      holder[0] = buffer;
    }
    ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
    view.clear().limit(bytes);
    view = view.slice().order(ByteOrder.nativeOrder());
    tensor.copyTo(view);
    view.flip();
    return OnnxTensor.createTensor(env, view, shape, javaType);
  }
}
