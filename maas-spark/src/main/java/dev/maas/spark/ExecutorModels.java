package dev.maas.spark;

import dev.maas.Model;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The models open in this JVM (a Spark executor, or the driver), one per model version and
 * content ({@link ModelSource#cacheKey()}), shared by every task the JVM runs: a model is opened
 * the first time a task needs it and kept, up to {@link #MAX_MODELS_PROPERTY} models (default
 * {@value #DEFAULT_MAX_MODELS}); beyond that the least recently used one is closed (a task still
 * scoring with it reopens it: see {@link #predictWithRetry}), and the rest are closed when the JVM
 * ends. This is deliberately process-wide state, like Spark's own broadcast cache: tasks come and
 * go, the model should not.
 *
 * <p>Thread-safe: concurrent tasks that need the same model wait for one opening.
 */
final class ExecutorModels {
  /** System property (set on executors through {@code spark.executor.extraJavaOptions}) bounding the cache. */
  static final String MAX_MODELS_PROPERTY = "maas.spark.maxCachedModels";
  static final int DEFAULT_MAX_MODELS = 4;

  /** Access-ordered: the eldest entry is the least recently used. Guarded by itself. */
  private static final Map<String, CompletableFuture<Model>> MODELS = new LinkedHashMap<>(16, 0.75f, true);
  private static final AtomicLong OPENS = new AtomicLong();
  private static final AtomicLong EVICTIONS = new AtomicLong();
  private static final AtomicBoolean HOOKED = new AtomicBoolean();
  private static volatile int maxModels = readMaxModels();

  private ExecutorModels() {}

  private static int readMaxModels() {
    String text = System.getProperty(MAX_MODELS_PROPERTY);
    if (text == null || text.isBlank()) {
      return DEFAULT_MAX_MODELS;
    }
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("system property " + MAX_MODELS_PROPERTY + " must be a whole number of 1 or"
        + " more, got '" + text + "'");
  }

  /** Sets the bound (tests); models beyond it are closed at the next {@link #get}. */
  static void maxModels(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be 1 or more, got " + max);
    }
    maxModels = max;
  }

  /** The model of {@code source}, opened in this JVM on first use. */
  static Model get(ModelSource source) {
    String key = source.cacheKey();
    CompletableFuture<Model> entry;
    boolean opener = false;
    synchronized (MODELS) {
      entry = MODELS.get(key);
      if (entry == null) {
        entry = new CompletableFuture<>();
        MODELS.put(key, entry);
        opener = true;
      }
    }
    if (opener) {
      if (HOOKED.compareAndSet(false, true)) {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "maas-spark-close-models"));
      }
      Model opened;
      try {
        opened = source.openHere();
      } catch (RuntimeException | Error e) {
        synchronized (MODELS) {
          MODELS.remove(key, entry);
        }
        entry.completeExceptionally(e);
        throw e;
      }
      OPENS.incrementAndGet();
      entry.complete(opened);
      evictBeyondBound(key);
    }
    try {
      return entry.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Closes the least recently used opened models until at most the bound remain; never {@code keep}. */
  private static void evictBeyondBound(String keep) {
    List<Model> evicted = new ArrayList<>();
    synchronized (MODELS) {
      Iterator<Map.Entry<String, CompletableFuture<Model>>> it = MODELS.entrySet().iterator();
      int excess = MODELS.size() - maxModels;
      while (excess > 0 && it.hasNext()) {
        Map.Entry<String, CompletableFuture<Model>> e = it.next();
        CompletableFuture<Model> f = e.getValue();
        if (e.getKey().equals(keep) || !f.isDone() || f.isCompletedExceptionally()) {
          continue; // still opening (another task waits for it) or the one just asked for
        }
        it.remove();
        evicted.add(f.join());
        excess--;
      }
    }
    for (Model model : evicted) {
      EVICTIONS.incrementAndGet();
      model.close(); // calls in flight finish first; later ones throw ModelClosedException
    }
  }

  /**
   * Runs {@code call} on the cached model of {@code source}, reopening it if it was evicted
   * between the look-up and the call (at most a few times, then the model closed error stands).
   */
  static <T> T predictWithRetry(ModelSource source, java.util.function.Function<Model, T> call) {
    for (int attempt = 1; ; attempt++) {
      Model model = get(source);
      try {
        return call.apply(model);
      } catch (dev.maas.ModelClosedException e) {
        if (attempt == 3) {
          throw new dev.maas.ModelClosedException("model " + source.name() + ":" + source.version() + " was evicted"
              + " from this executor's model cache while scoring, " + attempt + " times; raise system property "
              + MAX_MODELS_PROPERTY + " (now " + maxModels + ")", e);
        }
      }
    }
  }

  /** How many models this JVM has opened so far. */
  static long opens() {
    return OPENS.get();
  }

  /** How many models the bound has closed so far. */
  static long evictions() {
    return EVICTIONS.get();
  }

  /** Closes and forgets every cached model (at JVM exit; tests). */
  static void closeAll() {
    List<CompletableFuture<Model>> open;
    synchronized (MODELS) {
      open = new ArrayList<>(MODELS.values());
      MODELS.clear();
    }
    for (CompletableFuture<Model> f : open) {
      if (f.isDone() && !f.isCompletedExceptionally()) {
        f.join().close();
      }
    }
  }
}
