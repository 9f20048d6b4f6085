package dev.maas.http;

import dev.maas.AliasTarget;
import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.ModelClosedException;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.Predictor;
import dev.maas.PublishOptions;
import dev.maas.StoreListener;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The models the server answers with, and how they change. For a store, a reconciler re-resolves
 * each model's serving target (its serving alias, else its latest version) every poll interval,
 * and at once when the store reports a change (the store is watched, so changes made by other
 * processes are reported too; events only trigger a reconcile early, they are never trusted as the
 * target); a new target is loaded and warmed (one request
 * synthesised from its signature) before it is installed, and the version it replaces is retired:
 * closed when its in-flight requests finish. A version that fails to load leaves the previous one
 * serving and is recorded with its reason. Explicitly requested versions are loaded on demand and
 * unloaded when idle. Models the application opened are served as given and never closed here.
 * Thread-safe.
 */
final class ModelRegistry implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.maas.http");
  private static final Pattern PATH = Pattern.compile("(?:[A-Za-z]:)?(?:[/\\\\][^/\\\\\\s'\":,]+){2,}[/\\\\]?");
  private static final long RETRY_FAILED_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long NOT_LOADED_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** Explicit versions loaded on demand per model, by default; the least recently used goes first. */
  static final int DEFAULT_MAX_VERSIONS_ON_DEMAND = 4;

  /** One model name's state. */
  static final class Slot {
    final String name;
    volatile ServedModel serving;
    /**
     * The serving alias's split and shadow, with every version it names loaded; null for a plain
     * alias. Written before {@link #serving} (its primary) and before anything it replaces retires.
     */
    volatile Route route;
    final Map<Integer, CompletableFuture<ServedModel>> pinned = new ConcurrentHashMap<>();
    volatile boolean unloaded;
    volatile String failure;
    volatile int failedVersion = -1;
    volatile long failedAtNanos;
    /** Explicit versions that failed to load on demand, with when (nanoTime) and why. */
    final Map<Integer, Failed> failedPinned = new ConcurrentHashMap<>();
    final AtomicLong notLoadedLoggedNanos = new AtomicLong(System.nanoTime() - NOT_LOADED_LOG_NANOS);

    Slot(String name) {
      this.name = name;
    }
  }

  /** A split alias as served: how traffic divides, and the loaded versions it names (live and shadow). */
  record Route(TrafficSplit split, Map<Integer, ServedModel> members) {
    Route {
      members = Map.copyOf(members);
    }

    OptionalInt shadow() {
      return split.target().shadow();
    }
  }

  /**
   * A lease on the version that answers a request, and the shadow version that should get a copy
   * of it (only for requests routed by the serving alias).
   */
  record Routed(ServedModel model, OptionalInt shadow) {}

  /** A version that failed to load on demand: not tried again before {@code atNanos} plus the backoff. */
  record Failed(long atNanos, String reason) {}

  /** One line of the repository index. */
  record IndexEntry(String name, Optional<String> version, String state, Optional<String> reason) {}

  private final Optional<ModelStore> store;
  private final String servingAlias;
  private final Duration pollInterval;
  private final Duration idleUnload;
  private final int maxVersionsOnDemand;
  private final BiFunction<String, Predictor, Predictor> decorator;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Map<String, Model> fixed;
  private final ExecutorService closer;

  /** Where retired models are closed, off the request threads. */
  ExecutorService closer() {
    return closer;
  }
  private final ScheduledExecutorService reconciler;
  private final AtomicBoolean reconcileQueued = new AtomicBoolean();
  /** The turns of split requests without an id, shared by every model's split. */
  private final AtomicLong turns = new AtomicLong();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final StoreListener listener = event -> reconcileSoon();
  private final ServerMetrics metrics;
  private volatile boolean closing;
  private volatile Optional<ModelStore.Watch> watch = Optional.empty();
  /** With a memory budget: store models load on demand through the cache, never at start. */
  private volatile CachedModels cached;

  ModelRegistry(Optional<ModelStore> store, Map<String, Model> fixed, String servingAlias, Duration pollInterval,
      Duration idleUnload, int maxVersionsOnDemand, BiFunction<String, Predictor, Predictor> decorator,
      ServerMetrics metrics) {
    this.maxVersionsOnDemand = maxVersionsOnDemand;
    this.store = store;
    this.fixed = Map.copyOf(fixed);
    this.servingAlias = servingAlias;
    this.pollInterval = pollInterval;
    this.idleUnload = idleUnload;
    this.decorator = decorator;
    this.metrics = metrics;
    this.closer = Executors.newSingleThreadExecutor(daemon("maas-http-closer"));
    this.reconciler = Executors.newSingleThreadScheduledExecutor(daemon("maas-http-reconciler"));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Serves store models through {@code cached} (on demand, under its budget); before {@link #start()}. */
  void useCache(CachedModels cached) {
    this.cached = cached;
  }

  /** Loads every model once (failures recorded), then keeps reconciling in the background. */
  void start() {
    for (Map.Entry<String, Model> e : fixed.entrySet()) {
      Slot slot = slots.computeIfAbsent(e.getKey(), Slot::new);
      install(slot, serve(e.getKey(), OptionalInt.empty(), e.getValue(), false));
    }
    reconcile();
    store.ifPresent(s -> s.addListener(listener));
    watch = store.map(s -> s.watch(pollInterval));
    if (store.isPresent()) {
      reconciler.scheduleWithFixedDelay(this::reconcileQuietly, pollInterval.toNanos(), pollInterval.toNanos(),
          TimeUnit.NANOSECONDS);
    }
  }

  /** Asks for a reconcile as soon as possible; requests made meanwhile coalesce. */
  void reconcileSoon() {
    if (!closing && reconcileQueued.compareAndSet(false, true)) {
      try {
        reconciler.execute(() -> {
          reconcileQueued.set(false);
          reconcileQuietly();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        reconcileQueued.set(false);
      }
    }
  }

  private void reconcileQuietly() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reconciling the model store failed: " + e.getMessage(), e);
    }
  }

  /** One pass: brings every model to its serving target; runs one at a time. */
  synchronized void reconcile() {
    if (closing || store.isEmpty()) {
      return;
    }
    ModelStore s = store.get();
    Set<String> names = new TreeSet<>(s.models());
    for (String name : names) {
      Slot slot = slots.computeIfAbsent(name, Slot::new);
      try {
        reconcile(s, slot);
      } catch (RuntimeException e) {
        recordFailure(slot, -1, e);
      }
    }
    for (Slot slot : slots.values()) {
      if (!names.contains(slot.name) && !fixed.containsKey(slot.name)) {
        slots.remove(slot.name);
        retireAll(slot);
        LOG.log(Level.INFO, "model '" + slot.name + "' left the store; no longer served");
      }
    }
    unloadIdle();
  }

  private void reconcile(ModelStore s, Slot slot) {
    if (slot.unloaded || closing || cached != null) {
      return;
    }
    Optional<AliasTarget> wanted = targetOf(s, slot.name);
    if (wanted.isEmpty()) {
      return;
    }
    AliasTarget target = wanted.get();
    ServedModel current = slot.serving;
    Route route = slot.route;
    boolean same = route != null ? route.split().target().equals(target)
        : target.isPlain() && current != null && current.version().equals(OptionalInt.of(target.primary()));
    if (same) {
      return;
    }
    if (target.versions().contains(slot.failedVersion) && System.nanoTime() - slot.failedAtNanos < RETRY_FAILED_NANOS) {
      return;
    }
    // what is loaded already is reused; everything the target names is loaded and warmed before it serves
    Map<Integer, ServedModel> have = new HashMap<>();
    if (route != null) {
      have.putAll(route.members());
    }
    if (current != null && current.version().isPresent()) {
      have.put(current.version().getAsInt(), current);
    }
    Map<Integer, ServedModel> next = new java.util.TreeMap<>();
    List<ServedModel> fresh = new ArrayList<>();
    for (int version : target.versions()) {
      ServedModel m = have.get(version);
      if (m == null || m.isRetired()) {
        try {
          m = load(s, slot.name, version);
        } catch (RuntimeException e) {
          fresh.forEach(ServedModel::retire);
          recordFailure(slot, version, e);
          return;
        }
        fresh.add(m);
      }
      next.put(version, m);
    }
    slot.route = target.isPlain() ? null : new Route(new TrafficSplit(target), next);
    slot.serving = next.get(target.primary());
    for (ServedModel old : have.values()) {
      if (!next.containsValue(old)) {
        old.retire();
      }
    }
    slot.failure = null;
    slot.failedVersion = -1;
    LOG.log(Level.INFO, "serving " + slot.name + (target.isPlain() ? " version " + target : " split " + target)
        + (current == null ? "" : " (was " + (route != null ? "split " + route.split().target()
            : "version " + current.versionText()) + ")"));
  }

  /** The version {@code name} should serve (alias, else latest), from the store; empty without a store. */
  Optional<Integer> target(String name) {
    if (store.isEmpty() || fixed.containsKey(name)) {
      return Optional.empty();
    }
    OptionalInt t = target(store.get(), name);
    return t.isPresent() ? Optional.of(t.getAsInt()) : Optional.empty();
  }

  private OptionalInt target(ModelStore s, String name) {
    Optional<AliasTarget> t = targetOf(s, name);
    return t.isPresent() ? OptionalInt.of(t.get().primary()) : OptionalInt.empty();
  }

  /** What {@code name} should serve: its serving alias (a split, perhaps), else its latest version. */
  private Optional<AliasTarget> targetOf(ModelStore s, String name) {
    AliasTarget aliased = s.aliasTargets(name).get(servingAlias);
    if (aliased != null) {
      return Optional.of(aliased);
    }
    OptionalInt latest = s.versions(name).stream().mapToInt(ModelVersion::version).max();
    return latest.isPresent() ? Optional.of(AliasTarget.of(latest.getAsInt())) : Optional.empty();
  }

  private void recordFailure(Slot slot, int version, RuntimeException e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String shown = e instanceof dev.maas.MaasException m ? m.publicMessage() : reason;
    slot.failure = withoutPaths((version > 0 ? "version " + version + ": " : "") + shown);
    slot.failedVersion = version;
    slot.failedAtNanos = System.nanoTime();
    metrics.loadFailed(slot.name);
    LOG.log(Level.WARNING, "model '" + slot.name + "'" + (version > 0 ? " version " + version : "")
        + " failed to load; " + (slot.serving == null ? "not served" : "version " + slot.serving.versionText()
        + " keeps serving") + ": " + reason);
  }

  private ServedModel load(ModelStore s, String name, int version) {
    ModelReference reference = ModelReference.ofVersion(name, version);
    Optional<byte[]> sample = s.find(reference)
        .filter(v -> v.files().containsKey(PublishOptions.SAMPLE_FILE_NAME))
        .map(v -> s.readFile(v, PublishOptions.SAMPLE_FILE_NAME));
    Model model = s.open(reference);
    java.util.Optional<dev.maas.monitor.DriftMonitor> drift = java.util.Optional.empty();
    ServedModel served;
    try {
      drift = metrics.drift().monitorFor(s, name, version, model.signature());
      served = serve(name, OptionalInt.of(version), model, true, drift);
    } catch (RuntimeException e) {
      model.close();
      closed.incrementAndGet();
      if (drift.isPresent()) {
        metrics.drift().release(name, Integer.toString(version));
      }
      throw e;
    }
    if (sample.isPresent()) {
      try {
        warmWithSample(served.predictor(), sample.get());
      } catch (RuntimeException e) {
        served.retire(); // closes the batcher and its threads before the model
        throw e;
      }
      return served;
    }
    try {
      warm(served.predictor());
    } catch (dev.maas.InvalidInputException | dev.maas.PredictionException e) {
      // a request made up from the signature (zeros, dynamic dimensions 1) may be outside what a
      // valid model accepts (a sample rate that must be 8000, a length that must be 512): serve anyway
      String reason = e.publicMessage();
      LOG.log(Level.WARNING, "model '" + name + "' version " + version + ": the synthesised warm-up request failed"
          + " (served anyway; the first requests pay the warm-up): " + withoutPaths(String.valueOf(reason)));
    } catch (RuntimeException e) {
      served.retire(); // closes the batcher and its threads before the model
      throw e;
    }
    return served;
  }

  private ServedModel serve(String name, OptionalInt version, Model model, boolean owned) {
    return serve(name, version, model, owned, java.util.Optional.empty());
  }

  private ServedModel serve(String name, OptionalInt version, Model model, boolean owned,
      java.util.Optional<dev.maas.monitor.DriftMonitor> drift) {
    if (owned) {
      opened.incrementAndGet();
    }
    String versionText = version.isPresent() ? Integer.toString(version.getAsInt()) : "";
    Predictor counted = new CountingPredictor(model.predictor(), metrics, name, versionText);
    Predictor predictor = decorator.apply(name, counted);
    return new ServedModel(name, version, model, predictor, owned, closer, () -> {
      if (owned) {
        closed.incrementAndGet();
      }
      if (drift.isPresent()) {
        metrics.drift().release(name, versionText);
      }
    }, drift);
  }

  /**
   * Runs the version's stored sample request; the publisher vouched for it, so any failure (the
   * body does not decode, or the model refuses or fails on it) makes the version unservable.
   */
  static void warmWithSample(Predictor predictor, byte[] sample) {
    try {
      InferenceRequest request = InferenceJson.readRequest(sample);
      predictor.predict(request.inputTensors(), request.outputNames());
    } catch (dev.maas.InvalidInputException | dev.maas.PredictionException e) {
      throw new dev.maas.ModelLoadException("the stored sample request (" + PublishOptions.SAMPLE_FILE_NAME
          + ") failed: " + e.publicMessage(), e);
    }
  }

  /** Runs one request synthesised from the signature: dynamic dimensions 1, every element zero. */
  static void warm(Predictor predictor) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (TensorSpec spec : predictor.signature().inputs()) {
      long[] dims = spec.dims();
      for (int i = 0; i < dims.length; i++) {
        dims[i] = dims[i] == TensorSpec.DYNAMIC ? 1 : dims[i];
      }
      int n = Tensor.elementCount(dims);
      inputs.put(spec.name(), zeros(spec.dataType(), n, dims));
    }
    predictor.predict(inputs);
  }

  private static Tensor zeros(DataType type, int n, long[] dims) {
    Object data = switch (type) {
      case BOOL -> new boolean[n];
      case INT8, UINT8 -> new byte[n];
      case INT16, UINT16, FP16 -> new short[n];
      case INT32, UINT32 -> new int[n];
      case INT64, UINT64 -> new long[n];
      case FP32 -> new float[n];
      case FP64 -> new double[n];
      case BYTES -> null;
    };
    if (type == DataType.BYTES) {
      return Tensor.wrapByteStrings(new byte[0], new int[n], dims);
    }
    return Tensor.wrap(type, data, dims);
  }

  private void install(Slot slot, ServedModel served) {
    ServedModel old = slot.serving;
    slot.serving = served;
    if (old != null) {
      old.retire();
    }
  }

  private void retireAll(Slot slot) {
    Route route = slot.route;
    slot.route = null;
    ServedModel old = slot.serving;
    slot.serving = null;
    if (old != null) {
      old.retire();
    }
    if (route != null) {
      route.members().values().forEach(ServedModel::retire);
    }
    for (Integer v : List.copyOf(slot.pinned.keySet())) {
      CompletableFuture<ServedModel> f = slot.pinned.remove(v);
      if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
        f.join().retire();
      }
    }
  }

  private void unloadIdle() {
    long now = System.nanoTime();
    for (Slot slot : slots.values()) {
      for (Map.Entry<Integer, CompletableFuture<ServedModel>> e : slot.pinned.entrySet()) {
        CompletableFuture<ServedModel> f = e.getValue();
        if (f.isDone() && !f.isCompletedExceptionally() && now - f.join().lastUsedNanos() > idleUnload.toNanos()
            && slot.pinned.remove(e.getKey(), f)) {
          f.join().retire();
          LOG.log(Level.INFO, "unloaded idle " + slot.name + " version " + e.getKey());
        }
      }
    }
  }

  // ---- request side ----

  /**
   * A lease on the version that answers for {@code name} (its serving target, or {@code version}
   * when given); the caller releases it.
   *
   * @throws HttpError 404 for an unknown model or version, 503 for one that is not loaded
   */
  ServedModel acquire(String name, OptionalInt version) {
    return route(name, version, Optional::empty).model();
  }

  /**
   * A lease on the version that answers a request for {@code name} ({@code version} when given,
   * else the serving alias's version, or for a split the version the request's id, read from
   * {@code requestId} only then, or its turn falls on), with the shadow version that should see a
   * copy of it; the caller releases the lease.
   *
   * @throws HttpError 404 for an unknown model or version, 503 for one that is not loaded
   */
  Routed route(String name, OptionalInt version, java.util.function.Supplier<Optional<String>> requestId) {
    Slot slot = slots.get(name);
    if (slot == null) {
      throw HttpError.notFound("unknown model '" + Json.clip(name) + "'");
    }
    if (slot.unloaded) {
      throw notLoaded(slot, "model '" + name + "' is unloaded");
    }
    if (cached != null && !fixed.containsKey(name)) {
      if (version.isPresent()) {
        return new Routed(cached.acquire(name, version.getAsInt()), OptionalInt.empty());
      }
      AliasTarget target = cachedTarget(slot);
      TrafficSplit split = new TrafficSplit(target);
      int picked = split.pick(split.needsId() ? requestId.get() : Optional.empty(), turns);
      return new Routed(cached.acquire(name, picked), target.shadow());
    }
    Optional<String> id = Optional.empty();
    boolean idRead = false; // the body is read for its id at most once, and only for a split
    for (;;) {
      Route route = slot.route;
      ServedModel served;
      OptionalInt shadow = OptionalInt.empty();
      if (version.isPresent()) {
        served = slot.serving;
        if (served == null || !served.version().equals(version)) {
          served = route == null ? null : route.members().get(version.getAsInt());
        }
        if (served == null) {
          served = pinned(slot, version.getAsInt());
        }
      } else if (route != null) {
        TrafficSplit split = route.split();
        if (!idRead && split.needsId()) {
          id = requestId.get();
          idRead = true;
        }
        served = route.members().get(split.pick(id, turns));
        shadow = route.shadow();
      } else {
        served = slot.serving;
      }
      if (served == null) {
        throw notLoaded(slot, "model '" + name + "' is not loaded"
            + (slot.failure == null ? "" : "; it failed to load"));
      }
      if (served.acquire()) {
        return new Routed(served, shadow);
      }
      // retired between the read and the lease: the replacement is installed already
    }
  }

  /**
   * A lease on {@code version} of {@code name} for a shadow copy, only if it is loaded as the
   * shadow of the serving alias now (or, with a model cache, loadable); never a load on demand of
   * a version the alias no longer names.
   */
  Optional<ServedModel> leaseShadow(String name, int version) {
    Slot slot = slots.get(name);
    if (slot == null || slot.unloaded || closing) {
      return Optional.empty();
    }
    if (cached != null && !fixed.containsKey(name)) {
      try {
        return Optional.of(cached.acquire(name, version));
      } catch (HttpError e) {
        return Optional.empty();
      }
    }
    for (;;) {
      Route route = slot.route;
      ServedModel shadow = route == null || route.shadow().isEmpty() || route.shadow().getAsInt() != version ? null
          : route.members().get(version);
      if (shadow == null) {
        return Optional.empty();
      }
      if (shadow.acquire()) {
        return Optional.of(shadow);
      }
    }
  }

  private AliasTarget cachedTarget(Slot slot) {
    Optional<AliasTarget> target = targetOf(store.get(), slot.name);
    if (target.isEmpty()) {
      throw notLoaded(slot, "model '" + slot.name + "' has no version to serve");
    }
    return target.get();
  }

  /**
   * A 503 with Retry-After for a model or version that is not loaded, counted; logged at most once
   * a minute per model.
   */
  private HttpError notLoaded(Slot slot, String message) {
    metrics.notLoaded(slot.name);
    long now = System.nanoTime();
    long last = slot.notLoadedLoggedNanos.get();
    if (now - last >= NOT_LOADED_LOG_NANOS && slot.notLoadedLoggedNanos.compareAndSet(last, now)) {
      LOG.log(Level.WARNING, message + " (answered 503; logged at most once a minute per model)");
    }
    return new HttpError(503, message, OptionalInt.of(slot.unloaded ? 30 : 5));
  }

  /**
   * The explicit {@code version}, loaded on demand when needed. At most {@code maxVersionsOnDemand}
   * such versions per model are held: loading another first retires the least recently used. A
   * version that failed to load is not read again before the backoff has passed. A version whose
   * model was unloaded, left the store or whose registry closed while it was loading is retired at
   * once, never leaked.
   */
  private ServedModel pinned(Slot slot, int version) {
    if (store.isEmpty()) {
      throw HttpError.notFound("model '" + slot.name + "' has no version " + version);
    }
    Failed failed = slot.failedPinned.get(version);
    if (failed != null) {
      long left = failed.atNanos() + RETRY_FAILED_NANOS - System.nanoTime();
      if (left > 0) {
        metrics.notLoaded(slot.name);
        throw new HttpError(503, "version " + version + " of model '" + slot.name + "' failed to load: "
            + failed.reason(), OptionalInt.of((int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left))));
      }
      slot.failedPinned.remove(version, failed);
    }
    CompletableFuture<ServedModel> mine = new CompletableFuture<>();
    CompletableFuture<ServedModel> existing = slot.pinned.putIfAbsent(version, mine);
    if (existing == null) {
      try {
        if (closing) {
          throw new ModelClosedException("the server is stopping");
        }
        store.get().find(ModelReference.ofVersion(slot.name, version))
            .orElseThrow(() -> new ModelNotFoundException("model '" + slot.name + "' has no version " + version));
        evictBeyondCap(slot, version);
        ServedModel loaded = load(store.get(), slot.name, version);
        mine.complete(loaded);
        if (closing || slot.unloaded || slots.get(slot.name) != slot || slot.pinned.get(version) != mine) {
          // unloaded, removed or closed while loading: whoever swept the slot may have missed it
          slot.pinned.remove(version, mine);
          loaded.retire();
        } else {
          LOG.log(Level.INFO, "loaded " + slot.name + " version " + version + " on demand");
        }
      } catch (RuntimeException e) {
        slot.pinned.remove(version, mine);
        if (!(e instanceof ModelNotFoundException) && !(e instanceof ModelClosedException)) {
          String shown = e instanceof dev.maas.MaasException m ? m.publicMessage() : String.valueOf(e.getMessage());
          slot.failedPinned.put(version, new Failed(System.nanoTime(), withoutPaths(shown)));
          metrics.loadFailed(slot.name);
          LOG.log(Level.WARNING, "version " + version + " of '" + slot.name + "' failed to load on demand"
              + " (not tried again for 30 s): " + e.getMessage());
        }
        mine.completeExceptionally(e);
      }
      existing = mine;
    }
    try {
      ServedModel served = existing.join();
      if (served.isRetired()) {
        slot.pinned.remove(version, existing);
      }
      return served;
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ModelNotFoundException nf) {
        throw HttpError.notFound(nf.getMessage());
      }
      if (cause instanceof ModelClosedException) {
        throw HttpError.overloaded(503, "the server is stopping");
      }
      metrics.notLoaded(slot.name);
      throw new HttpError(503, "version " + version + " of model '" + slot.name + "' failed to load",
          OptionalInt.of((int) TimeUnit.NANOSECONDS.toSeconds(RETRY_FAILED_NANOS)));
    }
  }

  /** Retires least recently used on-demand versions of {@code slot} until one more fits the cap. */
  private void evictBeyondCap(Slot slot, int loading) {
    while (slot.pinned.size() > maxVersionsOnDemand) {
      Map.Entry<Integer, CompletableFuture<ServedModel>> oldest = null;
      for (Map.Entry<Integer, CompletableFuture<ServedModel>> e : slot.pinned.entrySet()) {
        CompletableFuture<ServedModel> f = e.getValue();
        if (e.getKey() != loading && f.isDone() && !f.isCompletedExceptionally()
            && (oldest == null || f.join().lastUsedNanos() < oldest.getValue().join().lastUsedNanos())) {
          oldest = e;
        }
      }
      if (oldest == null) {
        slot.pinned.remove(loading);
        throw new HttpError(503, "model '" + slot.name + "' is loading " + maxVersionsOnDemand
            + " versions on demand already; retry", OptionalInt.of(1));
      }
      if (slot.pinned.remove(oldest.getKey(), oldest.getValue())) {
        oldest.getValue().join().retire();
        LOG.log(Level.INFO, "unloaded " + slot.name + " version " + oldest.getKey() + " (least recently used of "
            + maxVersionsOnDemand + " versions loaded on demand)");
      }
    }
  }

  /** The versions a model has, oldest first; just the served one for application models. */
  List<String> versions(String name) {
    if (fixed.containsKey(name) || store.isEmpty()) {
      return List.of();
    }
    return store.get().versions(name).stream().map(v -> Integer.toString(v.version())).toList();
  }

  /** Whether {@code name} (at {@code version}, when given) can answer now, without loading anything. */
  boolean isReady(String name, OptionalInt version) {
    Slot slot = slots.get(name);
    if (slot == null || slot.unloaded) {
      return false;
    }
    ServedModel served = slot.serving;
    if (cached != null && !fixed.containsKey(name)) {
      int v = version.isPresent() ? version.getAsInt() : target(store.get(), name).orElse(-1);
      if (v > 0 && store.get().find(ModelReference.ofVersion(name, v)).isPresent()) {
        return true; // loadable on demand
      }
      if (version.isPresent()) {
        throw HttpError.notFound("model '" + name + "' has no version " + v);
      }
      return false;
    }
    if (version.isEmpty() || (served != null && served.version().equals(version))) {
      return served != null;
    }
    Route route = slot.route;
    if (route != null && route.members().containsKey(version.getAsInt())) {
      return true;
    }
    CompletableFuture<ServedModel> f = slot.pinned.get(version.getAsInt());
    if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
      return true;
    }
    Failed failed = slot.failedPinned.get(version.getAsInt());
    if (failed != null && System.nanoTime() - failed.atNanos() < RETRY_FAILED_NANOS) {
      return false;
    }
    if (store.isEmpty() || store.get().find(ModelReference.ofVersion(name, version.getAsInt())).isEmpty()) {
      throw HttpError.notFound("model '" + name + "' has no version " + version.getAsInt());
    }
    return true;
  }

  boolean knows(String name) {
    return slots.containsKey(name);
  }

  /** Every model is serving, except those unloaded on purpose. */
  boolean allReady() {
    for (Slot slot : slots.values()) {
      if (!slot.unloaded && slot.serving == null && (cached == null || fixed.containsKey(slot.name))) {
        return false;
      }
    }
    return true;
  }

  List<IndexEntry> index() {
    Map<String, Slot> all = new java.util.TreeMap<>(slots);
    if (store.isPresent()) {
      for (String name : store.get().models()) {
        all.putIfAbsent(name, new Slot(name));
      }
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (Slot slot : all.values()) {
      ServedModel served = slot.serving;
      Optional<String> version = served == null || served.version().isEmpty() ? Optional.empty()
          : Optional.of(served.versionText());
      boolean onDemand = cached != null && !fixed.containsKey(slot.name);
      String state = slot.unloaded ? "UNAVAILABLE" : served != null || onDemand ? "READY" : "UNAVAILABLE";
      Optional<String> reason = slot.unloaded ? Optional.of("unloaded")
          : Optional.ofNullable(slot.failure);
      entries.add(new IndexEntry(slot.name, version, state, reason));
      for (Map.Entry<Integer, Failed> f : new java.util.TreeMap<>(slot.failedPinned).entrySet()) {
        // explicit versions that failed to load on demand, while their backoff lasts
        if (System.nanoTime() - f.getValue().atNanos() < RETRY_FAILED_NANOS) {
          entries.add(new IndexEntry(slot.name, Optional.of(Integer.toString(f.getKey())), "UNAVAILABLE",
              Optional.of(f.getValue().reason())));
        }
      }
    }
    return entries;
  }

  /** {@code message} with file system paths replaced, fit to show a remote caller. */
  static String withoutPaths(String message) {
    return PATH.matcher(message).replaceAll("<path>");
  }

  /** Loads (or reloads) {@code name} now. */
  void load(String name) {
    Slot slot = slots.get(name);
    boolean inStore = store.isPresent() && store.get().models().contains(name);
    if (slot == null && !inStore) {
      throw HttpError.notFound("unknown model '" + Json.clip(name) + "'");
    }
    if (slot == null) {
      slot = slots.computeIfAbsent(name, Slot::new);
    }
    slot.unloaded = false;
    if (fixed.containsKey(name)) {
      if (slot.serving == null) {
        install(slot, serve(name, OptionalInt.empty(), fixed.get(name), false));
      }
      return;
    }
    if (cached != null) {
      cached.preload(name, cachedTarget(slot).primary());
      return;
    }
    synchronized (this) {
      slot.failedVersion = -1;
      reconcile(store.get(), slot);
    }
    if (slot.serving == null) {
      throw HttpError.badRequest("failed to load model '" + name + "'"
          + (slot.failure == null ? "" : ": " + slot.failure));
    }
  }

  /** Stops serving {@code name} until it is loaded again; in-flight requests finish. */
  void unload(String name) {
    Slot slot = slots.get(name);
    if (slot == null) {
      throw HttpError.notFound("unknown model '" + Json.clip(name) + "'");
    }
    synchronized (this) {
      slot.unloaded = true;
      retireAll(slot);
    }
  }

  /** Models the registry opened and has not closed yet. */
  int openModels() {
    return opened.get() - closed.get();
  }

  /** Serving versions by model, for metadata listings and logs. */
  Map<String, String> serving() {
    Map<String, String> map = new HashMap<>();
    for (Slot slot : slots.values()) {
      ServedModel s = slot.serving;
      if (s != null) {
        map.put(slot.name, s.versionText());
      }
    }
    return map;
  }

  /**
   * Stops reconciling, retires every version and waits up to {@code timeout} for them to close.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  void close(Duration timeout) {
    closing = true;
    watch.ifPresent(ModelStore.Watch::close);
    store.ifPresent(s -> s.removeListener(listener));
    reconciler.shutdownNow();
    try {
      reconciler.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      for (Slot slot : slots.values()) {
        retireAll(slot);
      }
    }
    CachedModels c = cached;
    if (c != null) {
      c.close();
    }
    closer.shutdown();
    try {
      if (!closer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(Level.WARNING, openModels() + " models still busy after " + timeout + "; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
