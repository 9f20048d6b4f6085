package dev.maas.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.maas.DataType;
import dev.maas.Tensor;
import java.nio.ByteBuffer;

/**
 * How one model input becomes an ONNX Runtime tensor: fixed-size types from the tensor's direct,
 * native-order buffer (no copy when the tensor is buffer-backed), strings as a {@code String[]}.
 *
 * <p>Immutable and thread-safe.
 */
final class InputBinding {
  private final String name;
  private final DataType dataType;
  private final OnnxJavaType javaType;
  private final long[] dims;

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

  /** A new ONNX Runtime tensor over {@code tensor}'s elements; the caller closes it. */
  OnnxTensor toOrt(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    if (dataType == DataType.BYTES) {
      return OnnxTensor.createTensor(env, tensor.toStringArray(), shape);
    }
    ByteBuffer buffer = tensor.asDirectBuffer();
    return OnnxTensor.createTensor(env, buffer, shape, javaType);
  }
}
