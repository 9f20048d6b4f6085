package dev.maas.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import dev.maas.DataType;
import java.util.Optional;
import dev.maas.onnx.proto.OnnxProto.TensorProto;

/**
 * The one mapping between MaaS {@link DataType}s and ONNX's element types: ONNX Runtime's tensor
 * types (read from a session), its Java carrier types (for creating inputs) and the ONNX protobuf
 * element numbers (for writing graphs). Stateless and thread-safe.
 */
final class OnnxTypes {
  private OnnxTypes() {}

  /** One row of the mapping. */
  private record Row(DataType type, OnnxTensorType ort, OnnxJavaType java, TensorProto.DataType proto) {}

  /** Signed before unsigned, so that looking up a Java carrier finds the signed type first. */
  private static final Row[] ROWS = {
      new Row(DataType.BOOL, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, OnnxJavaType.BOOL, TensorProto.DataType.BOOL),
      new Row(DataType.INT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8, OnnxJavaType.INT8, TensorProto.DataType.INT8),
      new Row(DataType.UINT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, OnnxJavaType.UINT8, TensorProto.DataType.UINT8),
      new Row(DataType.INT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, OnnxJavaType.INT16, TensorProto.DataType.INT16),
      new Row(DataType.UINT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, OnnxJavaType.INT16, TensorProto.DataType.UINT16),
      new Row(DataType.INT32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, OnnxJavaType.INT32, TensorProto.DataType.INT32),
      new Row(DataType.UINT32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, OnnxJavaType.INT32, TensorProto.DataType.UINT32),
      new Row(DataType.INT64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, OnnxJavaType.INT64, TensorProto.DataType.INT64),
      new Row(DataType.UINT64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, OnnxJavaType.INT64, TensorProto.DataType.UINT64),
      new Row(DataType.FP16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, OnnxJavaType.FLOAT16, TensorProto.DataType.FLOAT16),
      new Row(DataType.FP32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, OnnxJavaType.FLOAT, TensorProto.DataType.FLOAT),
      new Row(DataType.FP64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, OnnxJavaType.DOUBLE, TensorProto.DataType.DOUBLE),
      new Row(DataType.BYTES, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, OnnxJavaType.STRING, TensorProto.DataType.STRING),
  };

  private static Row row(DataType type) {
    for (Row r : ROWS) {
      if (r.type == type) {
        return r;
      }
    }
    throw new AssertionError(type);
  }

  /** The MaaS type of an ONNX Runtime tensor type; empty for types MaaS tensors cannot hold. */
  static Optional<DataType> fromOrt(OnnxTensorType ort) {
    for (Row r : ROWS) {
      if (r.ort == ort) {
        return Optional.of(r.type);
      }
    }
    return Optional.empty();
  }

  /** The MaaS type of values ONNX Runtime hands out as {@code java} (signed where both fit). */
  static Optional<DataType> fromJava(OnnxJavaType java) {
    for (Row r : ROWS) {
      if (r.java == java) {
        return Optional.of(r.type);
      }
    }
    return Optional.empty();
  }

  /** The Java carrier ONNX Runtime uses for inputs of {@code type}. */
  static OnnxJavaType javaType(DataType type) {
    return row(type).java;
  }

  /** The ONNX protobuf element type number of {@code type}. */
  static int protoType(DataType type) {
    return row(type).proto.getNumber();
  }
}
