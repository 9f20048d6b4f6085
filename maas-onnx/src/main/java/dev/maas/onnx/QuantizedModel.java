package dev.maas.onnx;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link OnnxQuantizer} made: the quantised model, the method, and the settings it was made
 * with (the method, the granularity, calibration details, how many nodes were quantised or left
 * alone, and the opset move when there was one), ready to be recorded with a stored version.
 *
 * <p>Immutable and thread-safe.
 *
 * @param graph the quantised model
 * @param method how it was quantised
 * @param settings the settings, in a stable order
 */
public record QuantizedModel(OnnxGraph graph, OnnxQuantizer.Method method, Map<String, String> settings) {
  /** Checks and copies the components. */
  public QuantizedModel {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(method, "method");
    settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
  }
}
