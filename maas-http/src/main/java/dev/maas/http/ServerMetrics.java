package dev.maas.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics, in a registry of its own (so that several servers in one JVM
 * do not collide), written in the Prometheus text format by the Prometheus client library.
 * Thread-safe.
 */
final class ServerMetrics {
  private static final double[] SECONDS = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final double[] ROWS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Counter rows;
  private final Counter executions;
  private final Counter loadFailures;
  private final Counter authRefusals;
  private final Counter notLoaded;
  private final Gauge inFlight;
  private final Gauge queued;
  private final Histogram requestSeconds;
  private final Histogram queueSeconds;
  private final Histogram computeSeconds;
  private final Histogram batchRows;

  private final DriftMetrics drift;

  ServerMetrics(IntSupplier openModels, dev.maas.monitor.MonitorOptions monitoring) {
    drift = new DriftMetrics(monitoring);
    registry.register(drift);
    requests = Counter.builder().name("maas_http_requests").help("Inference requests answered, by outcome and status")
        .labelNames("model", "version", "outcome", "status").register(registry);
    rows = Counter.builder().name("maas_http_rows_inferred").help("Rows (batch entries) inferred")
        .labelNames("model", "version").register(registry);
    executions = Counter.builder().name("maas_http_backend_executions")
        .help("Calls into the model's backend (fewer than requests when batching merges them)")
        .labelNames("model", "version").register(registry);
    loadFailures = Counter.builder().name("maas_http_model_load_failures")
        .help("Model versions that failed to load or warm up").labelNames("model").register(registry);
    authRefusals = Counter.builder().name("maas_http_auth_refusals")
        .help("Requests refused by authentication or token scopes, by reason (no_token, bad_token, out_of_scope)")
        .labelNames("reason").register(registry);
    notLoaded = Counter.builder().name("maas_http_not_loaded_answers")
        .help("Requests answered 503 because their model or version was not loaded").labelNames("model")
        .register(registry);
    inFlight = Gauge.builder().name("maas_http_requests_in_flight").help("Inference requests admitted and not yet answered")
        .labelNames("model").register(registry);
    queued = Gauge.builder().name("maas_http_requests_queued")
        .help("Admitted inference requests not yet in the model call (reading, decoding)")
        .labelNames("model").register(registry);
    requestSeconds = Histogram.builder().name("maas_http_request_duration_seconds")
        .help("Inference request time in the handler: read, decode, queue, compute, encode, write")
        .labelNames("model", "version").classicUpperBounds(SECONDS).classicOnly().register(registry);
    queueSeconds = Histogram.builder().name("maas_http_queue_duration_seconds")
        .help("Time from admission to the start of the model call (body read and decode)")
        .labelNames("model", "version").classicUpperBounds(SECONDS).classicOnly().register(registry);
    computeSeconds = Histogram.builder().name("maas_http_compute_duration_seconds")
        .help("Time in the model's predict call (batching wait included when batching is on)")
        .labelNames("model", "version").classicUpperBounds(SECONDS).classicOnly().register(registry);
    batchRows = Histogram.builder().name("maas_http_batch_rows").help("Rows per backend execution")
        .labelNames("model", "version").classicUpperBounds(ROWS).classicOnly().register(registry);
    registry.register(() -> io.prometheus.metrics.model.snapshots.GaugeSnapshot.builder()
        .name("maas_http_models_loaded").help("Model versions loaded and not yet closed")
        .dataPoint(io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .value(openModels.getAsInt()).build())
        .build());
    JvmMetrics.builder().register(registry);
  }

  void request(String model, String version, int status, String outcome) {
    requests.labelValues(model, version, outcome, Integer.toString(status)).inc();
  }

  void inFlight(String model, int delta) {
    inFlight.labelValues(model).inc(delta);
  }

  void queued(String model, int delta) {
    queued.labelValues(model).inc(delta);
  }

  void requestTime(String model, String version, long nanos) {
    requestSeconds.labelValues(model, version).observe(nanos / 1e9);
  }

  void queueTime(String model, String version, long nanos) {
    queueSeconds.labelValues(model, version).observe(nanos / 1e9);
  }

  void computed(String model, String version, long nanos, long rowCount) {
    computeSeconds.labelValues(model, version).observe(nanos / 1e9);
    rows.labelValues(model, version).inc(rowCount);
  }

  /** One call into the backend over {@code rowCount} rows (one per request without batching). */
  void execution(String model, String version, long rowCount) {
    executions.labelValues(model, version).inc();
    batchRows.labelValues(model, version).observe(rowCount);
  }

  /** The drift monitors of the served versions, whose metrics this registry writes. */
  DriftMetrics drift() {
    return drift;
  }

  void notLoaded(String model) {
    notLoaded.labelValues(model).inc();
  }

  void loadFailed(String model) {
    loadFailures.labelValues(model).inc();
  }

  void authRefused(String reason) {
    authRefusals.labelValues(reason).inc();
  }

  /** The registry, for the metrics of parts the server adds (the model cache). */
  PrometheusRegistry registry() {
    return registry;
  }

  String contentType() {
    return writer.getContentType();
  }

  void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }
}
