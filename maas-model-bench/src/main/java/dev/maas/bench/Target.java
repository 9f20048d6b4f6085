package dev.maas.bench;

import dev.maas.BatchingPredictor;
import dev.maas.BatchingOptions;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one benchmark setting calls: a model variant opened from the store, called in process
 * (straight or through a {@link BatchingPredictor} predictor) or through an {@link HttpCaller} (whose server
 * then does the batching, as a deployed server would), with fixed inputs and requested outputs.
 * Owns everything it opened: {@link #close()} stops the batcher or the server, then closes the
 * model and the store.
 *
 * <p>Thread-safe: {@link #call()} may run on any number of threads at once.
 */
final class Target implements AutoCloseable {
  private final ModelBenchmark.Opened opened;
  private final Optional<BatchingPredictor> batcher;
  private final Optional<HttpCaller> http;
  private final Predictor predictor;
  private final Map<String, Tensor> inputs;
  private final Set<String> outputs;

  private Target(ModelBenchmark.Opened opened, Optional<BatchingPredictor> batcher, Optional<HttpCaller> http,
      Map<String, Tensor> inputs, Set<String> outputs) {
    this.opened = opened;
    this.batcher = batcher;
    this.http = http;
    this.predictor = batcher.<Predictor>map(b -> b).orElse(opened.model().predictor());
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /**
   * Takes ownership of {@code opened} and puts the batcher ({@code batching} present) and the
   * transport in front of it; on failure closes everything, {@code opened} included.
   */
  static Target open(ModelBenchmark.Opened opened, Optional<BatchingOptions> batching,
      BenchOptions.Transport transport, Map<String, Tensor> inputs, Set<String> outputs, int maxCallers) {
    try {
      if (transport == BenchOptions.Transport.IN_PROCESS) {
        Optional<BatchingPredictor> batcher = batching.map(o -> BatchingPredictor.of(opened.model().predictor(), o));
        return new Target(opened, batcher, Optional.empty(), inputs, outputs);
      }
      HttpCaller http = new HttpCaller(opened.model(), batching, transport == BenchOptions.Transport.HTTP_BINARY,
          inputs, outputs, maxCallers);
      return new Target(opened, Optional.empty(), Optional.of(http), inputs, outputs);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** The model called (for tests). */
  dev.maas.Model model() {
    return opened.model();
  }

  /** The HTTP server's infer endpoint, when calls go over HTTP (for tests). */
  Optional<java.net.URI> uri() {
    return http.map(HttpCaller::uri);
  }

  /** One call; returns what came back, for JMH to consume. */
  Object call() {
    return http.isPresent() ? http.get().call() : predictor.predict(inputs, outputs);
  }

  /** Stops the batcher (letting queued calls finish) or the HTTP client and server, then closes the model. */
  @Override
  public void close() {
    try {
      batcher.ifPresent(BatchingPredictor::close);
      http.ifPresent(HttpCaller::close);
    } finally {
      opened.close();
    }
  }
}
