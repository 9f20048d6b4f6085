/**
 * ONNX models in MaaS: {@link dev.maas.onnx.OnnxModel} runs any ONNX model in-process through ONNX
 * Runtime, configured by {@link dev.maas.onnx.OnnxOptions}; {@link dev.maas.onnx.OnnxModelFormat}
 * stores it; {@link dev.maas.onnx.OnnxExporter} writes ONNX for models MaaS trains itself;
 * {@link dev.maas.onnx.OnnxQuantizer} makes INT8 and FP16 versions of ONNX models and {@link
 * dev.maas.onnx.AccuracyReport} measures what that costs against the original.
 */
package dev.maas.onnx;
