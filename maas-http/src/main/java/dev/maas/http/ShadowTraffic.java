package dev.maas.http;

import dev.maas.DataType;
import dev.maas.Tensor;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Copies of live requests sent to an alias's shadow version off the request path: a request
 * thread only offers a copy to a bounded queue (a full queue drops it, counted), one worker
 * thread runs the shadow and compares its outputs with the live ones (the largest absolute
 * difference over every element of every output the live version answered; a difference beyond
 * the tolerance is a disagreement), and the shadow's answer is thrown away. Thread-safe.
 */
final class ShadowTraffic implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.maas.http");
  private static final double[] DIFFERENCES = {1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000};

  /** Where the worker leases the shadow version; empty when it is not (or no longer) served. */
  interface Source {
    Optional<ServedModel> leaseShadow(String name, int version);
  }

  /** One request's copy: the inputs, the outputs asked for, and what the live version answered. */
  record Copy(String name, int shadowVersion, String liveVersion, Map<String, Tensor> inputs, Set<String> outputs,
      Map<String, Tensor> live) {}

  private final Source source;
  private final double tolerance;
  private final BlockingQueue<Copy> queue;
  private final Thread worker;
  private final Object idle = new Object();
  private long pending;
  private volatile boolean closed;

  private final Counter copies;
  private final Counter dropped;
  private final Counter compared;
  private final Counter disagreements;
  private final Counter failures;
  private final Histogram differences;

  ShadowTraffic(Source source, int capacity, double tolerance, PrometheusRegistry registry) {
    this.source = source;
    this.tolerance = tolerance;
    this.queue = new ArrayBlockingQueue<>(capacity);
    copies = Counter.builder().name("maas_shadow_requests")
        .help("Copies of live requests offered to the alias's shadow version").labelNames("model", "version")
        .register(registry);
    dropped = Counter.builder().name("maas_shadow_dropped")
        .help("Shadow copies dropped: queue_full (the shadow falls behind) or not_loaded")
        .labelNames("model", "version", "reason").register(registry);
    compared = Counter.builder().name("maas_shadow_compared")
        .help("Shadow answers compared with the live answer").labelNames("model", "version", "live_version")
        .register(registry);
    disagreements = Counter.builder().name("maas_shadow_disagreements")
        .help("Shadow answers whose largest absolute difference from the live answer exceeds the tolerance")
        .labelNames("model", "version", "live_version").register(registry);
    failures = Counter.builder().name("maas_shadow_failures")
        .help("Shadow copies on which the shadow version failed").labelNames("model", "version").register(registry);
    differences = Histogram.builder().name("maas_shadow_max_abs_difference")
        .help("Largest absolute difference between a shadow answer and the live answer")
        .labelNames("model", "version", "live_version").classicUpperBounds(DIFFERENCES).classicOnly()
        .register(registry);
    registry.register(() -> GaugeSnapshot.builder().name("maas_shadow_queue_depth")
        .help("Shadow copies waiting for the shadow worker")
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(queue.size()).build()).build());
    worker = new Thread(this::work, "maas-http-shadow");
    worker.setDaemon(true);
    worker.start();
  }

  /** Offers {@code copy} without blocking; a full queue (or a closed server) drops it. */
  void offer(Copy copy) {
    String version = Integer.toString(copy.shadowVersion());
    copies.labelValues(copy.name(), version).inc();
    synchronized (idle) {
      if (!closed && queue.offer(copy)) {
        pending++;
        return;
      }
    }
    dropped.labelValues(copy.name(), version, "queue_full").inc();
  }

  private void work() {
    while (!closed) {
      Copy copy;
      try {
        copy = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (copy == null) {
        continue;
      }
      try {
        run(copy);
      } catch (RuntimeException | Error e) {
        LOG.log(Level.WARNING, "shadow copy for " + copy.name() + " version " + copy.shadowVersion() + " failed: "
            + e);
      } finally {
        synchronized (idle) {
          pending--;
          idle.notifyAll();
        }
      }
    }
  }

  private void run(Copy copy) {
    String version = Integer.toString(copy.shadowVersion());
    Optional<ServedModel> lease = source.leaseShadow(copy.name(), copy.shadowVersion());
    if (lease.isEmpty()) {
      dropped.labelValues(copy.name(), version, "not_loaded").inc();
      return;
    }
    ServedModel shadow = lease.get();
    Map<String, Tensor> answered;
    try {
      answered = shadow.predictor().predict(copy.inputs(), copy.outputs());
      shadow.observe(copy.inputs(), answered);
    } catch (RuntimeException e) {
      failures.labelValues(copy.name(), version).inc();
      return;
    } finally {
      shadow.release();
    }
    double difference = maxAbsDifference(copy.live(), answered);
    compared.labelValues(copy.name(), version, copy.liveVersion()).inc();
    differences.labelValues(copy.name(), version, copy.liveVersion()).observe(difference);
    if (!(difference <= tolerance)) {
      disagreements.labelValues(copy.name(), version, copy.liveVersion()).inc();
    }
  }

  /**
   * The largest absolute difference between the elements of each output of {@code live} and the
   * same output of {@code shadow}: infinite when the shadow lacks an output, its shape or kind
   * differs, exactly one of two elements is NaN, or two strings differ; 0 when everything is equal.
   */
  static double maxAbsDifference(Map<String, Tensor> live, Map<String, Tensor> shadow) {
    double max = 0;
    for (Map.Entry<String, Tensor> e : live.entrySet()) {
      Tensor a = e.getValue();
      Tensor b = shadow.get(e.getKey());
      if (b == null || !Arrays.equals(a.shape(), b.shape())
          || (a.dataType() == DataType.BYTES) != (b.dataType() == DataType.BYTES)) {
        return Double.POSITIVE_INFINITY;
      }
      int n = a.size();
      for (int i = 0; i < n; i++) {
        double d;
        if (a.dataType() == DataType.BYTES) {
          d = Arrays.equals(a.getByteString(i), b.getByteString(i)) ? 0 : Double.POSITIVE_INFINITY;
        } else {
          double x = a.getDouble(i);
          double y = b.getDouble(i);
          d = Double.isNaN(x) || Double.isNaN(y) ? (Double.isNaN(x) && Double.isNaN(y) ? 0 : Double.POSITIVE_INFINITY)
              : Math.abs(x - y);
        }
        if (d > max) {
          max = d;
        }
      }
    }
    return max;
  }

  /** Waits until every copy offered so far has been run or dropped; false if {@code nanos} passed first. */
  boolean awaitIdle(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    synchronized (idle) {
      while (pending > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  /** Stops the worker; copies still queued are dropped (they hold no lease). Idempotent. */
  @Override
  public void close() {
    synchronized (idle) {
      closed = true;
      pending -= queue.size();
      queue.clear();
      idle.notifyAll();
    }
    worker.interrupt();
  }
}
