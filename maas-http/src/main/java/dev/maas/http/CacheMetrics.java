package dev.maas.http;

import dev.maas.ModelCache;
import dev.maas.ModelVersion;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.time.Duration;

/**
 * Prometheus metrics of the server's model cache: versions loaded, bytes used and the budget
 * (gauges read from the cache when scraped), loads, evictions, hits and misses (counters), and
 * load times (a histogram). Thread-safe.
 */
final class CacheMetrics implements ModelCache.Listener {
  private static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      30, 60};

  private final Counter loads;
  private final Counter evictions;
  private final Counter hits;
  private final Counter misses;
  private final Histogram loadSeconds;

  CacheMetrics(PrometheusRegistry registry, ModelCache cache) {
    loads = Counter.builder().name("maas_cache_loads").help("Model versions loaded by the model cache")
        .register(registry);
    evictions = Counter.builder().name("maas_cache_evictions")
        .help("Idle model versions unloaded to make room in the memory budget").register(registry);
    hits = Counter.builder().name("maas_cache_hits").help("Requests served by a model version already loaded")
        .register(registry);
    misses = Counter.builder().name("maas_cache_misses").help("Requests that needed a model version to be loaded")
        .register(registry);
    loadSeconds = Histogram.builder().name("maas_cache_load_duration_seconds")
        .help("Time to open a model version in the model cache").classicUpperBounds(SECONDS).classicOnly()
        .register(registry);
    registry.register(() -> gauge("maas_cache_models_loaded", "Model versions loaded in the model cache",
        cache.stats().modelsLoaded()));
    registry.register(() -> gauge("maas_cache_bytes_used",
        "Weight of the loaded model versions and of loads in progress, in bytes", cache.stats().bytesUsed()));
    registry.register(() -> gauge("maas_cache_budget_bytes", "The model cache's memory budget, in bytes",
        cache.budget()));
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help)
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
  }

  @Override
  public void hit(ModelVersion version) {
    hits.inc();
  }

  @Override
  public void miss(ModelVersion version) {
    misses.inc();
  }

  @Override
  public void loaded(ModelVersion version, long bytes, Duration took) {
    loads.inc();
    loadSeconds.observe(took.toNanos() / 1e9);
  }

  @Override
  public void evicted(ModelVersion version, long bytes) {
    evictions.inc();
  }
}
