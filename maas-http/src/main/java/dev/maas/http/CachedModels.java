package dev.maas.http;

import dev.maas.Model;
import dev.maas.ModelCache;
import dev.maas.ModelClosedException;
import dev.maas.ModelLoadException;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelReference;
import dev.maas.ModelSignature;
import dev.maas.ModelVersion;
import dev.maas.OverloadedException;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * The server's side of a {@link ModelCache}: model versions loaded on demand under a memory
 * budget instead of all at start. Each request holds a cache lease for as long as it holds the
 * {@link ServedModel} this hands out; the decorated predictor of a version (counting, batching) is
 * made once per load and closed when the cache evicts that version. Thread-safe.
 */
final class CachedModels implements ModelCache.Listener {
  private final BiFunction<String, Predictor, Predictor> decorator;
  private final ServerMetrics metrics;
  private final Executor closer;
  private final Map<String, Decorated> predictors = new ConcurrentHashMap<>();
  private volatile ModelCache cache;
  private volatile boolean owned;
  private volatile CacheMetrics cacheMetrics;

  /** The predictor made for one loaded model instance. */
  private record Decorated(Model model, Predictor predictor) {}

  CachedModels(BiFunction<String, Predictor, Predictor> decorator, ServerMetrics metrics, Executor closer) {
    this.decorator = decorator;
    this.metrics = metrics;
    this.closer = closer;
  }

  /** Serves from {@code cache}; closed with the server when {@code owned}. */
  void use(ModelCache cache, boolean owned, CacheMetrics cacheMetrics) {
    this.cache = cache;
    this.owned = owned;
    this.cacheMetrics = cacheMetrics;
  }

  /**
   * A lease on {@code name} version {@code version}, loading it if needed; released through
   * {@link ServedModel#release()}.
   *
   * @throws HttpError 404 for an unknown version, 503 (with Retry-After) when it cannot be loaded
   *     in time or failed to load, 507 when it weighs more than the whole budget
   */
  ServedModel acquire(String name, int version) {
    ModelCache.Lease lease;
    try {
      lease = cache.acquire(ModelReference.ofVersion(name, version));
    } catch (ModelNotFoundException e) {
      throw HttpError.notFound("model '" + name + "' has no version " + version);
    } catch (OverloadedException e) {
      metrics.notLoaded(name);
      throw new HttpError(503, e.publicMessage(), OptionalInt.of((int) Math.max(1, e.retryAfter().toSeconds())));
    } catch (ModelClosedException e) {
      throw HttpError.overloaded(503, "the server is stopping");
    } catch (ModelLoadException e) {
      metrics.notLoaded(name);
      if (e.getMessage().contains("more than the whole memory budget")) {
        throw new HttpError(507, ModelRegistry.withoutPaths(e.publicMessage()), OptionalInt.empty());
      }
      throw new HttpError(503, "version " + version + " of model '" + name + "' failed to load: "
          + ModelRegistry.withoutPaths(e.publicMessage()), OptionalInt.of(30));
    } catch (RuntimeException e) {
      metrics.notLoaded(name);
      throw new HttpError(503, "version " + version + " of model '" + name + "' failed to load",
          OptionalInt.of(30));
    }
    try {
      Predictor predictor = new Borrowed(predictor(lease));
      return new ServedModel(name, OptionalInt.of(version), lease.model(), predictor, false, closer, lease::close);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private Predictor predictor(ModelCache.Lease lease) {
    String key = key(lease.version());
    Decorated d = predictors.compute(key, (k, old) -> {
      if (old != null && old.model() == lease.model()) {
        return old;
      }
      if (old != null) {
        closeQuietly(old.predictor());
      }
      String versionText = Integer.toString(lease.version().version());
      Predictor counted = new CountingPredictor(lease.model().predictor(), metrics, lease.version().name(),
          versionText);
      return new Decorated(lease.model(), decorator.apply(lease.version().name(), counted));
    });
    return d.predictor();
  }

  private static String key(ModelVersion v) {
    return v.name() + ":" + v.version();
  }

  private static void closeQuietly(Predictor p) {
    if (p instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        System.getLogger("dev.maas.http").log(System.Logger.Level.WARNING,
            "closing a batcher failed: " + e.getMessage());
      }
    }
  }

  /** Loads {@code name} version {@code version} now (it stays until evicted). */
  void preload(String name, int version) {
    acquire(name, version).release();
  }

  boolean isLoaded(String name, int version) {
    return cache.loaded().contains(name + ":" + version);
  }

  void close() {
    if (owned) {
      cache.close();
    } else {
      cache.removeListener(this);
    }
    for (String key : Set.copyOf(predictors.keySet())) {
      Decorated d = predictors.remove(key);
      if (d != null) {
        closeQuietly(d.predictor());
      }
    }
  }

  // ---- ModelCache.Listener: metrics, and batchers closed with their model ----

  @Override
  public void hit(ModelVersion version) {
    CacheMetrics m = cacheMetrics;
    if (m != null) {
      m.hit(version);
    }
  }

  @Override
  public void miss(ModelVersion version) {
    CacheMetrics m = cacheMetrics;
    if (m != null) {
      m.miss(version);
    }
  }

  @Override
  public void loaded(ModelVersion version, long bytes, java.time.Duration took) {
    CacheMetrics m = cacheMetrics;
    if (m != null) {
      m.loaded(version, bytes, took);
    }
  }

  @Override
  public void evicted(ModelVersion version, long bytes) {
    // called once the evicted model is closed; a newer load of the same version keeps its predictor
    predictors.computeIfPresent(key(version), (k, d) -> {
      if (d.model() instanceof dev.maas.spi.AbstractModel a && a.isClosed()) {
        closeQuietly(d.predictor());
        return null;
      }
      return d;
    });
    CacheMetrics m = cacheMetrics;
    if (m != null) {
      m.evicted(version, bytes);
    }
  }

  /**
   * A shared predictor handed to one request: not {@link AutoCloseable}, so the request's
   * {@link ServedModel} never closes the batcher it shares with other requests.
   */
  private record Borrowed(Predictor delegate) implements Predictor {
    @Override
    public ModelSignature signature() {
      return delegate.signature();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      return delegate.predict(inputs, outputs);
    }
  }
}
