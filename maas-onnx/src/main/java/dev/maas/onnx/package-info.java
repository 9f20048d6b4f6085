/**
 * ONNX models in MaaS: {@link dev.maas.onnx.OnnxModel} runs any ONNX model in-process through ONNX
 * Runtime, configured by {@link dev.maas.onnx.OnnxOptions}; {@link dev.maas.onnx.OnnxModelFormat}
 * stores it; {@link dev.maas.onnx.OnnxExporter} writes ONNX for models MaaS trains itself.
 */
package dev.maas.onnx;
