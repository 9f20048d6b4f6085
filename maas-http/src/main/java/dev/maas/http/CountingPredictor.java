package dev.maas.http;

import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.util.Map;
import java.util.Set;

/**
 * The model's own predictor, counting each backend execution and its rows in the server's metrics;
 * with batching on it sits under the batcher, so it sees merged calls. Thread-safe when the wrapped
 * predictor is.
 */
final class CountingPredictor implements Predictor {
  private final Predictor inner;
  private final ServerMetrics metrics;
  private final String name;
  private final String version;

  CountingPredictor(Predictor inner, ServerMetrics metrics, String name, String version) {
    this.inner = inner;
    this.metrics = metrics;
    this.name = name;
    this.version = version;
  }

  @Override
  public ModelSignature signature() {
    return inner.signature();
  }

  @Override
  public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
    Map<String, Tensor> result = inner.predict(inputs, outputs);
    long rows = 1;
    for (Tensor t : inputs.values()) {
      rows = t.rank() == 0 ? 1 : t.dim(0);
      break;
    }
    metrics.execution(name, version, rows);
    return result;
  }
}
