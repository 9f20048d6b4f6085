/**
 * The ONNX Runtime adapter: opens any ONNX model as a MaaS {@link dev.maas.Model} (the {@code onnx}
 * model format) and writes ONNX for models that describe themselves as a graph.
 */
module dev.maas.onnx {
  requires transitive dev.maas.core;
  requires com.microsoft.onnxruntime;
  requires com.google.protobuf;

  exports dev.maas.onnx;

  provides dev.maas.spi.ModelFormat with
      dev.maas.onnx.OnnxModelFormat;
}
