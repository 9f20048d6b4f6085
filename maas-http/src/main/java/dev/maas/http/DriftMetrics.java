package dev.maas.http;

import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.monitor.DriftMonitor;
import dev.maas.monitor.DriftReport;
import dev.maas.monitor.FeatureDrift;
import dev.maas.monitor.MonitorOptions;
import dev.maas.monitor.ReferenceStatistics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The drift monitors of the served versions that have reference statistics, one per model version
 * however many times it is loaded (kept while any load holds it), and their Prometheus metrics,
 * computed from the monitors' reports at scrape time so that requests touch no metric object.
 * Thread-safe.
 */
final class DriftMetrics implements MultiCollector {
  private static final String[] INPUT_LABELS = {"model", "version", "input", "feature"};
  private static final String[] OUTPUT_LABELS = {"model", "version", "output", "feature"};

  private final MonitorOptions options;
  /** "model\0version" to its monitor and how many loads hold it, sorted for a stable exposition. */
  private final Map<String, Held> monitors = new TreeMap<>();

  private static final class Held {
    final String model;
    final String version;
    final DriftMonitor monitor;
    int holders;

    Held(String model, String version, DriftMonitor monitor) {
      this.model = model;
      this.version = version;
      this.monitor = monitor;
    }
  }

  DriftMetrics(MonitorOptions options) {
    this.options = options;
  }

  /**
   * The monitor of stored version {@code version} of {@code model}, held until {@link #release}; empty
   * if the version has no reference statistics, or (logged) statistics that do not fit its signature.
   *
   * @throws dev.maas.IntegrityException if the stored statistics were altered or cannot be read
   */
  Optional<DriftMonitor> monitorFor(ModelStore store, String model, int version, ModelSignature signature) {
    ModelVersion v = store.get(model + ":" + version);
    Optional<ReferenceStatistics> reference = ReferenceStatistics.stored(store, v);
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    try {
      reference.get().checkFits(signature);
    } catch (InvalidInputException e) {
      System.getLogger("dev.maas.http").log(System.Logger.Level.WARNING, "model '" + model + "' version " + version
          + ": reference statistics not used, no drift metrics: " + e.getMessage());
      return Optional.empty();
    }
    return Optional.of(acquire(model, Integer.toString(version), reference.get()));
  }

  /** The monitor of {@code model} version {@code version}, made from {@code reference} on first use. */
  synchronized DriftMonitor acquire(String model, String version, ReferenceStatistics reference) {
    Held held = monitors.computeIfAbsent(model + "\u0000" + version,
        k -> new Held(model, version, DriftMonitor.create(reference, options)));
    held.holders++;
    return held.monitor;
  }

  /** Gives up one hold of the monitor of {@code model} version {@code version}; the last drops it. */
  synchronized void release(String model, String version) {
    String key = model + "\u0000" + version;
    Held held = monitors.get(key);
    if (held != null && --held.holders == 0) {
      monitors.remove(key);
    }
  }

  private synchronized List<Held> held() {
    return new ArrayList<>(monitors.values());
  }

  @Override
  public MetricSnapshots collect() {
    Families in = new Families("maas_drift", "input", INPUT_LABELS);
    Families out = new Families("maas_prediction_drift", "output", OUTPUT_LABELS);
    GaugeSnapshot.Builder untracked = GaugeSnapshot.builder().name("maas_drift_untracked_features")
        .help("Features of the version's reference not tracked, beyond the cap on features per version");
    for (Held h : held()) {
      DriftReport report = h.monitor.report();
      for (FeatureDrift f : report.features()) {
        (f.side() == FeatureDrift.Side.INPUT ? in : out).add(h.model, h.version, f);
      }
      untracked.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("model", h.model, "version", h.version))
          .value(report.untrackedFeatures()).build());
    }
    List<MetricSnapshot> all = new ArrayList<>();
    in.addTo(all);
    out.addTo(all);
    all.add(untracked.build());
    return new MetricSnapshots(all);
  }

  /** The metric families of one side (inputs or outputs). */
  private static final class Families {
    private final String[] labelNames;
    private final GaugeSnapshot.Builder psi;
    private final GaugeSnapshot.Builder js;
    private final GaugeSnapshot.Builder ks;
    private final GaugeSnapshot.Builder windowValues;
    private final GaugeSnapshot.Builder missingRatio;
    private final CounterSnapshot.Builder values;
    private final CounterSnapshot.Builder missing;
    private final CounterSnapshot.Builder outOfRange;

    Families(String prefix, String side, String[] labelNames) {
      this.labelNames = labelNames;
      String of = "the " + side + " feature's ";
      psi = GaugeSnapshot.builder().name(prefix + "_psi")
          .help("Population stability index of " + of + "window against the version's reference");
      js = GaugeSnapshot.builder().name(prefix + "_js_distance")
          .help("Jensen-Shannon distance (base 2) of " + of + "window from the version's reference");
      ks = GaugeSnapshot.builder().name(prefix + "_ks_statistic")
          .help("Kolmogorov-Smirnov statistic of " + of + "window against the reference, at the reference bin edges"
              + " (numeric features only)");
      windowValues = GaugeSnapshot.builder().name(prefix + "_window_values")
          .help("Values of " + of + "window the distances are computed from");
      missingRatio = GaugeSnapshot.builder().name(prefix + "_window_missing_ratio")
          .help("Share of missing (NaN or empty) values in " + of + "window");
      values = CounterSnapshot.builder().name(prefix + "_values").help("Values of the " + side + " feature observed");
      missing = CounterSnapshot.builder().name(prefix + "_missing_values")
          .help("Missing (NaN or empty) values of the " + side + " feature observed");
      outOfRange = CounterSnapshot.builder().name(prefix + "_out_of_range_values")
          .help("Values of the " + side + " feature outside the reference range, or not among its categories");
    }

    void add(String model, String version, FeatureDrift f) {
      Labels labels = Labels.of(labelNames, new String[] {model, version, f.tensor(), f.feature()});
      windowValues.dataPoint(gauge(labels, f.windowCount()));
      if (f.hasData()) {
        psi.dataPoint(gauge(labels, f.psi()));
        js.dataPoint(gauge(labels, f.jensenShannon()));
        if (!Double.isNaN(f.kolmogorovSmirnov())) {
          ks.dataPoint(gauge(labels, f.kolmogorovSmirnov()));
        }
        missingRatio.dataPoint(gauge(labels, f.missingRate()));
      }
      values.dataPoint(counter(labels, f.observedTotal()));
      missing.dataPoint(counter(labels, f.missingTotal()));
      outOfRange.dataPoint(counter(labels, f.outOfRangeTotal()));
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
      return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, long value) {
      return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    void addTo(List<MetricSnapshot> all) {
      all.add(psi.build());
      all.add(js.build());
      all.add(ks.build());
      all.add(windowValues.build());
      all.add(missingRatio.build());
      all.add(values.build());
      all.add(missing.build());
      all.add(outOfRange.build());
    }
  }
}
