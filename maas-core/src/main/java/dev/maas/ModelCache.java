package dev.maas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A memory-budgeted cache of models opened from a {@link ModelStore}, shared by every user in the
 * process (an HTTP server and in-process callers alike). A model version is opened on first
 * {@linkplain #acquire(ModelReference) use} and weighed: its artifact size times a per-format
 * factor, refined, on Linux, by the resident memory the process gained while it loaded (taken when
 * no other load ran at the same time). When a load would take the models' total weight above the
 * budget, the least recently used idle versions are closed first. A version is in use while a
 * {@link Lease} on it is open, and is never closed then; versions {@linkplain Builder#keepLoaded
 * kept loaded} are never closed before the cache, and count against the budget like any other.
 * Concurrent first requests for one version share one load. A caller that cannot be served within
 * the {@linkplain Builder#maxWait wait limit} (its version is still loading, or every loaded
 * version is in use and nothing more fits) gets an {@link OverloadedException}; a version heavier
 * than the whole budget is refused with a {@link ModelLoadException}. A version that failed to load
 * is not tried again before the {@linkplain Builder#failureBackoff backoff} has passed.
 *
 * <pre>{@code
 * try (ModelCache cache = ModelCache.builder(store).memoryBudget(2L << 30).build();
 *     ModelCache.Lease lease = cache.acquire(ModelReference.parse("demo@production"))) {
 *   Map<String, Tensor> out = lease.predictor().predict(inputs);
 * }
 * }</pre>
 *
 * <p>Thread-safe. The cache does not own the store; {@link #close()} closes every model it opened
 * once its leases are closed.
 */
public final class ModelCache implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.maas.cache");
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE = 4096;

  /** What the cache reports as it works, for metrics; called without the cache's lock held. */
  public interface Listener {
    /** A lease was served by a version that was loaded already. */
    default void hit(ModelVersion version) {}

    /** A lease needed a version that was not loaded (it is loaded, or its load joined). */
    default void miss(ModelVersion version) {}

    /** A version was loaded, weighing {@code bytes}, in {@code took}. */
    default void loaded(ModelVersion version, long bytes, Duration took) {}

    /** An idle version was closed to make room; it weighed {@code bytes}. */
    default void evicted(ModelVersion version, long bytes) {}
  }

  /**
   * A snapshot of the cache.
   *
   * @param modelsLoaded versions loaded now
   * @param bytesUsed the weight of the loaded versions plus that reserved by loads in progress
   * @param budget the memory budget
   * @param loads versions loaded since the cache was built
   * @param evictions idle versions closed to make room
   * @param hits leases served by a loaded version
   * @param misses leases that needed a load
   */
  public record Stats(int modelsLoaded, long bytesUsed, long budget, long loads, long evictions, long hits,
      long misses) {}

  /**
   * Use of one loaded model version; while open, the version is not closed. Close it when the
   * request is done (try-with-resources). Not thread-safe to close twice concurrently, but
   * closing again is a no-op; the model may be used from several threads while the lease is open.
   */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The version that answers. */
    public ModelVersion version() {
      return entry.version;
    }

    /** The loaded model; valid until this lease is closed. */
    public Model model() {
      return entry.model;
    }

    /** The model's predictor; valid until this lease is closed. */
    public Predictor predictor() {
      return entry.model.predictor();
    }

    /** Gives the version back; the cache may close it from now on once it is idle. Idempotent. */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(entry);
      }
    }
  }

  /** One version, loading or loaded; guarded by {@code lock}. */
  private static final class Entry {
    final String key;
    final ModelVersion version;
    final CompletableFuture<Entry> loaded = new CompletableFuture<>();
    long weight;
    Model model;
    int leases;
    boolean pinned;
    boolean removed;

    Entry(String key, ModelVersion version, long weight) {
      this.key = key;
      this.version = version;
      this.weight = weight;
    }
  }

  private record Failure(long atNanos, RuntimeException error) {}

  private final ModelStore store;
  private final long budget;
  private final Map<String, Double> factors;
  private final Duration maxWait;
  private final Duration failureBackoff;
  private final boolean measureResident;
  private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Listener listener = new Listener() {
    @Override
    public void hit(ModelVersion v) {
      listeners.forEach(l -> l.hit(v));
    }

    @Override
    public void miss(ModelVersion v) {
      listeners.forEach(l -> l.miss(v));
    }

    @Override
    public void loaded(ModelVersion v, long bytes, Duration took) {
      listeners.forEach(l -> l.loaded(v, bytes, took));
    }

    @Override
    public void evicted(ModelVersion v, long bytes) {
      listeners.forEach(l -> l.evicted(v, bytes));
    }
  };
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Loaded and loading versions, least recently used first. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Long> measured = new HashMap<>();
  private final Map<String, Failure> failures = new HashMap<>();
  private long used;
  private int loading;
  private long loads;
  private long evictions;
  private long hits;
  private long misses;
  private boolean closing;

  private ModelCache(Builder b) {
    this.store = b.store;
    this.budget = b.budget;
    this.factors = Map.copyOf(b.factors);
    this.maxWait = b.maxWait;
    this.failureBackoff = b.failureBackoff;
    this.measureResident = b.measureResident && Files.isReadable(STATM);
    this.listeners.addAll(b.listeners);
  }

  /** A builder for a cache over {@code store}. */
  public static Builder builder(ModelStore store) {
    return new Builder(store);
  }

  /** Leases the version {@code reference} (text) resolves to; see {@link #acquire(ModelReference)}. */
  public Lease acquire(String reference) {
    return acquire(ModelReference.parse(Objects.requireNonNull(reference, "reference")));
  }

  /**
   * Leases the version {@code reference} resolves to now, loading it first if needed; waits at most
   * the builder's {@code maxWait} for a load in progress or for room in the budget.
   *
   * @throws ModelNotFoundException if the store has no such version
   * @throws ModelLoadException if the version weighs more than the whole budget, or failed to load
   *     (also within the backoff after a failure)
   * @throws OverloadedException if it could not be served within the wait limit (retry later)
   * @throws ModelClosedException if the cache is closed
   */
  public Lease acquire(ModelReference reference) {
    Objects.requireNonNull(reference, "reference");
    ModelVersion version = store.find(reference).orElseThrow(() -> new ModelNotFoundException(
        "no model version matches '" + reference + "'", null, MaasException.Context.ofModel(reference)));
    return acquire(version, false);
  }

  private Lease acquire(ModelVersion version, boolean pin) {
    String key = version.name() + ":" + version.version();
    long deadline = System.nanoTime() + maxWait.toNanos();
    boolean missed = false;
    for (;;) {
      Entry waitFor;
      Entry mine = null;
      List<Entry> evicted = new ArrayList<>();
      lock.lock();
      try {
        if (closing) {
          throw new ModelClosedException("the model cache is closed");
        }
        Entry e = entries.get(key);
        if (e != null && e.model != null) {
          e.leases++;
          e.pinned |= pin;
          if (missed) {
            misses++;
          } else {
            hits++;
          }
          Lease lease = new Lease(e);
          notify(missed, version);
          return lease;
        }
        missed = true;
        if (e != null) {
          waitFor = e;
        } else {
          Failure f = failures.get(key);
          if (f != null && System.nanoTime() - f.atNanos() < failureBackoff.toNanos()) {
            throw f.error();
          }
          long weight = weigh(key, version);
          if (weight > budget) {
            ModelLoadException refused = new ModelLoadException("model '" + version.name() + "' version "
                + version.version() + " needs about " + weight + " bytes, more than the whole memory budget of "
                + budget + " bytes", null, MaasException.Context.ofModel(version.reference()));
            throw refused;
          }
          while (used + weight > budget) {
            Entry victim = leastRecentlyUsedIdle();
            if (victim == null) {
              break;
            }
            remove(victim);
            evictions++;
            evicted.add(victim);
          }
          if (used + weight <= budget) {
            mine = new Entry(key, version, weight);
            entries.put(key, mine);
            used += weight;
            loading++;
            waitFor = null;
          } else {
            waitFor = null;
            if (evicted.isEmpty()) {
              long left = pin ? 0 : deadline - System.nanoTime();
              if (left <= 0) {
                throw new OverloadedException("the model memory budget (" + budget + " bytes) is taken by models"
                    + " in use; '" + version.name() + "' version " + version.version() + " could not be loaded in "
                    + maxWait.toMillis() + " ms", Duration.ofSeconds(1),
                    MaasException.Context.ofModel(version.reference()));
              }
              try {
                changed.awaitNanos(left);
              } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new OverloadedException("interrupted while waiting for room in the model memory budget",
                    Duration.ofSeconds(1));
              }
            }
          }
        }
      } finally {
        lock.unlock();
      }
      closeAll(evicted);
      if (mine != null) {
        load(mine);
        continue;
      }
      if (waitFor != null) {
        await(waitFor, deadline);
      }
    }
  }

  private void notify(boolean missed, ModelVersion version) {
    // the lock is held: hand the call to the listener after unlocking
    lock.unlock();
    try {
      if (missed) {
        listener.miss(version);
      } else {
        listener.hit(version);
      }
    } finally {
      lock.lock();
    }
  }

  private void await(Entry entry, long deadline) {
    long left = deadline - System.nanoTime();
    try {
      entry.loaded.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new OverloadedException("model '" + entry.version.name() + "' version " + entry.version.version()
          + " is still loading after " + maxWait.toMillis() + " ms", Duration.ofSeconds(1),
          MaasException.Context.ofModel(entry.version.reference()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new ModelLoadException("loading '" + entry.version.name() + "' failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OverloadedException("interrupted while waiting for a model to load", Duration.ofSeconds(1));
    }
  }

  /** Opens {@code entry}'s version (without the lock), then installs it or gives its room back. */
  private void load(Entry entry) {
    long start = System.nanoTime();
    boolean alone;
    lock.lock();
    try {
      alone = loading == 1;
    } finally {
      lock.unlock();
    }
    long before = alone ? resident() : -1;
    Model model;
    try {
      model = store.open(entry.version.reference());
    } catch (RuntimeException e) {
      lock.lock();
      try {
        loading--;
        entries.remove(entry.key, entry);
        used -= entry.weight;
        failures.put(entry.key, new Failure(System.nanoTime(), e));
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      entry.loaded.completeExceptionally(e);
      LOG.log(System.Logger.Level.WARNING, "model '" + entry.version.name() + "' version "
          + entry.version.version() + " failed to load: " + e.getMessage());
      throw e;
    }
    long after = before >= 0 ? resident() : -1;
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    boolean discard;
    lock.lock();
    try {
      loading--;
      loads++;
      failures.remove(entry.key);
      discard = closing || entry.removed;
      if (!discard) {
        long grown = before >= 0 && after > before ? after - before : -1;
        if (grown > entry.weight) {
          measured.put(entry.key, grown);
          if (used - entry.weight + grown <= budget) {
            used += grown - entry.weight;
            entry.weight = grown;
          }
        }
        entry.model = model;
      } else {
        entries.remove(entry.key, entry);
        used -= entry.weight;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (discard) {
      model.close();
      entry.loaded.completeExceptionally(new ModelClosedException("the model cache is closed"));
      throw new ModelClosedException("the model cache is closed");
    }
    entry.loaded.complete(entry);
    listener.loaded(entry.version, entry.weight, took);
  }

  private void release(Entry entry) {
    boolean close;
    lock.lock();
    try {
      entry.leases--;
      close = entry.leases == 0 && entry.removed;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (close) {
      entry.model.close();
    }
  }

  /** The least recently used loaded version with no lease and no pin; null if none. Lock held. */
  private Entry leastRecentlyUsedIdle() {
    for (Entry e : entries.values()) {
      if (e.model != null && e.leases == 0 && !e.pinned) {
        return e;
      }
    }
    return null;
  }

  /** Takes {@code e} out of the cache and gives its room back. Lock held. */
  private void remove(Entry e) {
    entries.remove(e.key, e);
    used -= e.weight;
    e.removed = true;
  }

  private void closeAll(List<Entry> evicted) {
    for (Entry e : evicted) {
      e.model.close();
      LOG.log(System.Logger.Level.DEBUG, "unloaded idle model '" + e.version.name() + "' version "
          + e.version.version() + " to make room");
      listener.evicted(e.version, e.weight);
    }
  }

  /** The weight to reserve: the measured one if a load measured more, else size times factor. */
  private long weigh(String key, ModelVersion version) {
    double factor = factors.getOrDefault(version.format(), 1.0);
    long estimate = (long) Math.ceil(artifactBytes(version) * factor);
    return Math.max(1, Math.max(estimate, measured.getOrDefault(key, 0L)));
  }

  private long artifactBytes(ModelVersion version) {
    long total = 0;
    for (String file : version.files().keySet()) {
      total += store.fileSize(version, file);
    }
    return total;
  }

  /** The process's resident memory in bytes (Linux), or -1. */
  private long resident() {
    if (!measureResident) {
      return -1;
    }
    try {
      String[] f = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(f[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Counts and gauges now. */
  public Stats stats() {
    lock.lock();
    try {
      int n = 0;
      for (Entry e : entries.values()) {
        n += e.model != null ? 1 : 0;
      }
      return new Stats(n, used, budget, loads, evictions, hits, misses);
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code listener}; it hears of what happens from now on. */
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes {@code listener} if it was added. */
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** The memory budget in bytes. */
  public long budget() {
    return budget;
  }

  /**
   * Loads the version {@code reference} resolves to (if needed) and keeps it loaded until the cache
   * closes; it counts against the budget.
   *
   * @throws MaasException as {@link #acquire(ModelReference)} does; an {@link OverloadedException} at once
   *     when it does not fit beside the versions in use and kept loaded
   */
  public void keepLoaded(ModelReference reference) {
    Objects.requireNonNull(reference, "reference");
    ModelVersion version = store.find(reference).orElseThrow(() -> new ModelNotFoundException(
        "no model version matches '" + reference + "'", null, MaasException.Context.ofModel(reference)));
    acquire(version, true).close();
  }

  /** Versions loaded now (name:version), least recently used first. */
  public List<String> loaded() {
    lock.lock();
    try {
      List<String> keys = new ArrayList<>();
      for (Entry e : entries.values()) {
        if (e.model != null) {
          keys.add(e.key);
        }
      }
      return keys;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes every loaded version now or, for one that is leased, when its last lease closes; later
   * acquisitions throw {@link ModelClosedException}. Idempotent.
   */
  @Override
  public void close() {
    List<Entry> idle = new ArrayList<>();
    lock.lock();
    try {
      closing = true;
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
        Entry e = it.next();
        it.remove();
        used -= e.weight;
        e.removed = true;
        if (e.model != null && e.leases == 0) {
          idle.add(e);
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Entry e : idle) {
      e.model.close();
    }
  }

  /** Options of a {@link ModelCache}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private final ModelStore store;
    private long budget = Long.MAX_VALUE;
    private final Map<String, Double> factors = new HashMap<>(Map.of("onnx", 2.0, "linear", 1.5));
    private Duration maxWait = Duration.ofSeconds(30);
    private Duration failureBackoff = Duration.ofSeconds(30);
    private boolean measureResident = true;
    private final List<Listener> listeners = new ArrayList<>();
    private final List<String> keepLoaded = new ArrayList<>();

    private Builder(ModelStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The most the loaded versions may weigh together, in bytes; unlimited by default. */
    public Builder memoryBudget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("memoryBudget must be positive, got " + bytes);
      }
      this.budget = bytes;
      return this;
    }

    /**
     * What a version of {@code format} weighs per artifact byte ({@code onnx} 2.0, {@code linear}
     * 1.5, any other format 1.0 by default).
     */
    public Builder formatFactor(String format, double factor) {
      Objects.requireNonNull(format, "format");
      if (!(factor > 0) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("factor of format '" + format + "' must be positive and finite, got "
            + factor);
      }
      factors.put(format.toLowerCase(Locale.ROOT), factor);
      return this;
    }

    /** How long a caller waits for a load in progress or for room in the budget (30 s by default). */
    public Builder maxWait(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("maxWait must not be negative, got " + wait);
      }
      this.maxWait = wait;
      return this;
    }

    /** How long a version that failed to load is refused before it is tried again (30 s by default). */
    public Builder failureBackoff(Duration backoff) {
      Objects.requireNonNull(backoff, "backoff");
      if (backoff.isNegative()) {
        throw new IllegalArgumentException("failureBackoff must not be negative, got " + backoff);
      }
      this.failureBackoff = backoff;
      return this;
    }

    /**
     * Whether a version's weight is raised to the resident memory the process gained while it
     * loaded alone (Linux only; on by default). Off, weights are artifact size times factor only.
     */
    public Builder measureResidentMemory(boolean measure) {
      this.measureResident = measure;
      return this;
    }

    /** Adds a listener of hits, misses, loads and evictions (for metrics), from the first load on. */
    public Builder listener(Listener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** References ({@code name}, {@code name:3}, {@code name@production}) loaded by {@link #build()} and kept. */
    public Builder keepLoaded(List<String> references) {
      for (String r : references) {
        ModelReference.parse(Objects.requireNonNull(r, "reference"));
        keepLoaded.add(r);
      }
      return this;
    }

    /**
     * Builds the cache and loads the versions to keep loaded.
     *
     * @throws ModelLoadException if those do not fit in the budget together, or one fails to load
     */
    public ModelCache build() {
      ModelCache cache = new ModelCache(this);
      try {
        for (String r : keepLoaded) {
          try {
            cache.keepLoaded(ModelReference.parse(r));
          } catch (OverloadedException e) {
            throw new ModelLoadException("the models to keep loaded do not fit in the memory budget of " + budget
                + " bytes together (at '" + r + "')", e);
          }
        }
      } catch (RuntimeException e) {
        cache.close();
        throw e;
      }
      return cache;
    }
  }
}
