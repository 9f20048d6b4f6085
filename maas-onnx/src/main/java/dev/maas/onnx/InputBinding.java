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

  InputBinding(String name, DataType dataType, long[] declaredDims) {
    this.name = name;
    this.dataType = dataType;
    this.javaType = OnnxModel.javaType(dataType);
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
