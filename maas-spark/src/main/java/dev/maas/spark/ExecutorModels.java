package dev.maas.spark;

import dev.maas.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The models open in this JVM (a Spark executor, or the driver), one per model version and
 * content ({@link ModelSource#cacheKey()}), shared by every task the JVM runs: a model is opened
 * the first time a task needs it and closed when the JVM ends. This is deliberately process-wide
 * state, like Spark's own broadcast cache: tasks come and go, the model should not.
 *
 * <p>Thread-safe: concurrent tasks that need the same model wait for one opening.
 */
final class ExecutorModels {
  private static final ConcurrentHashMap<String, Model> MODELS = new ConcurrentHashMap<>();
  private static final AtomicLong OPENS = new AtomicLong();
  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  private ExecutorModels() {}

  /** The model of {@code source}, opened in this JVM on first use. */
  static Model get(ModelSource source) {
    Model model = MODELS.get(source.cacheKey());
    if (model != null) {
      return model;
    }
    return MODELS.computeIfAbsent(source.cacheKey(), key -> {
      if (HOOKED.compareAndSet(false, true)) {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "maas-spark-close-models"));
      }
      Model opened = source.openHere();
      OPENS.incrementAndGet();
      return opened;
    });
  }

  /** How many models this JVM has opened so far. */
  static long opens() {
    return OPENS.get();
  }

  /** Closes and forgets every cached model (at JVM exit; tests). */
  static void closeAll() {
    List<Model> open = new ArrayList<>(MODELS.values());
    MODELS.clear();
    for (Model model : open) {
      model.close();
    }
  }
}
