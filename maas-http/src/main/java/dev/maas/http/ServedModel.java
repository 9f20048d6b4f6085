package dev.maas.http;

import dev.maas.Model;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.monitor.DriftMonitor;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model version the server can answer with, and its leases: every request holds a lease while
 * it runs, the registry holds one while the version is installed. {@link #retire()} gives up the
 * registry's lease; the model is closed (on {@code closer}, never on a request thread's critical
 * path) when the last lease goes. Thread-safe.
 */
final class ServedModel {
  private final String name;
  private final OptionalInt version;
  private final Model model;
  private final Predictor predictor;
  private final boolean owned;
  private final Executor closer;
  private final Runnable onClosed;
  private final AtomicInteger leases = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();
  private final AtomicLong lastUsedNanos = new AtomicLong(System.nanoTime());
  private final Optional<DriftMonitor> drift;

  ServedModel(String name, OptionalInt version, Model model, Predictor predictor, boolean owned, Executor closer,
      Runnable onClosed) {
    this(name, version, model, predictor, owned, closer, onClosed, Optional.empty());
  }

  ServedModel(String name, OptionalInt version, Model model, Predictor predictor, boolean owned, Executor closer,
      Runnable onClosed, Optional<DriftMonitor> drift) {
    this.drift = drift;
    this.name = name;
    this.version = version;
    this.model = model;
    this.predictor = predictor;
    this.owned = owned;
    this.closer = closer;
    this.onClosed = onClosed;
  }

  String name() {
    return name;
  }

  OptionalInt version() {
    return version;
  }

  /** The version as the protocol writes it; empty for a model without versions. */
  String versionText() {
    return version.isPresent() ? Integer.toString(version.getAsInt()) : "";
  }

  Model model() {
    return model;
  }

  Predictor predictor() {
    return predictor;
  }

  /**
   * Counts a request's inputs and outputs in this version's drift monitor, if it has one; a request
   * that does not fit the reference is left uncounted, never failed.
   */
  void observe(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
    if (drift.isPresent()) {
      try {
        drift.get().observe(inputs, outputs);
      } catch (dev.maas.InvalidInputException e) {
        // the signature admitted it, so only a reference made for other data refuses it: not the caller's fault
      }
    }
  }

  ModelSignature signature() {
    return predictor.signature();
  }

  long lastUsedNanos() {
    return lastUsedNanos.get();
  }

  boolean isRetired() {
    return retired.get();
  }

  /** Takes a lease; false once the version has been retired and drained. */
  boolean acquire() {
    for (;;) {
      int n = leases.get();
      if (n == 0) {
        return false;
      }
      if (leases.compareAndSet(n, n + 1)) {
        lastUsedNanos.set(System.nanoTime());
        return true;
      }
    }
  }

  void release() {
    if (leases.decrementAndGet() == 0) {
      try {
        closer.execute(this::closeNow);
      } catch (RejectedExecutionException e) {
        closeNow(); // the server is shutting down: close here rather than leak the model
      }
    }
  }

  /** Stops installing this version; it closes once its in-flight requests finish. Idempotent. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  /** Closes the batcher (if any) before the model it feeds, then reports. */
  private void closeNow() {
    try {
      if (predictor instanceof AutoCloseable batcher) {
        batcher.close();
      }
    } catch (Exception e) {
      System.getLogger("dev.maas.http").log(System.Logger.Level.WARNING,
          "closing the batcher of " + name + " failed: " + e.getMessage());
    } finally {
      try {
        if (owned) {
          model.close();
        }
      } finally {
        onClosed.run();
      }
    }
  }
}
