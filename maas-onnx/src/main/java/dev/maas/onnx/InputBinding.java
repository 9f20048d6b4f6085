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
 * a per-thread scratch buffer or a new direct buffer), strings as a {@code String[]}.
 *
 * <p>Thread-safe: the scratch buffers are per thread.
 */
final class InputBinding {
  /** Above this size an array-backed input gets a fresh direct buffer instead of the thread's scratch buffer. */
  static final int MAX_SCRATCH_BYTES = 1 << 20;

  private final String name;
  private final DataType dataType;
  private final OnnxJavaType javaType;
  private final long[] dims;
  /** Per-thread direct buffer for array-backed inputs: allocating one per call costs more than the run. */
  private final ThreadLocal<ByteBuffer[]> scratch = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

  InputBinding(String name, DataType dataType, long[] declaredDims) {
    this.name = name;
    this.dataType = dataType;
    this.javaType = OnnxModel.javaType(dataType);
    this.dims = declaredDims.clone();
  }

  /** Whether {@code tensor} has the declared type, rank and fixed dimensions. */
  boolean accepts(Tensor tensor) {
    if (tensor.dataType() != dataType || tensor.rank() != dims.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] >= 0 && dims[i] != tensor.dim(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether dimension 0 is dynamic, which makes it the batch shared by all such inputs. */
  boolean hasDynamicBatch() {
    return dims.length > 0 && dims[0] < 0;
  }

  String name() {
    return name;
  }

  /**
   * A new ONNX Runtime tensor over {@code tensor}'s elements; the caller closes it before this
   * thread calls again (array-backed FP32, FP64, INT32 and INT64 inputs up to {@value
   * #MAX_SCRATCH_BYTES} bytes are copied into a per-thread direct buffer that the next call reuses).
   */
  OnnxTensor toOrt(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    if (dataType == DataType.BYTES) {
      return OnnxTensor.createTensor(env, tensor.toStringArray(), shape);
    }
    int bytes = tensor.size() * dataType.byteSize();
    boolean bulk = dataType == DataType.FP32 || dataType == DataType.FP64 || dataType == DataType.INT32
        || dataType == DataType.INT64;
    if (tensor.isBufferBacked() || !bulk || bytes > MAX_SCRATCH_BYTES) {
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
    switch (dataType) {
      case FP32 -> view.asFloatBuffer().put(tensor.toFloatArray());
      case FP64 -> view.asDoubleBuffer().put(tensor.toDoubleArray());
      case INT32 -> view.asIntBuffer().put(tensor.toIntArray());
      default -> view.asLongBuffer().put(tensor.toLongArray());
    }
    return OnnxTensor.createTensor(env, view, shape, javaType);
  }
}
