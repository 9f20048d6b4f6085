package dev.maas.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.Model;
import dev.maas.ModelClosedException;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import dev.maas.linear.LinearRegressionModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The per-JVM model cache's bound: least recently used models closed, evicted ones reopened on use. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutorModelsTest {
  @TempDir Path dir;

  @AfterEach
  void reset() {
    ExecutorModels.closeAll();
    ExecutorModels.maxModels(ExecutorModels.DEFAULT_MAX_MODELS);
  }

  private ModelSource publish(ModelStore store, String name, double intercept) {
    store.publish(name, LinearRegressionModel.of(intercept, new double[] {1}, List.of("a")));
    return ModelSource.sharedStore(dir, name);
  }

  private static double score(Model model) {
    return model.predictor().predict(Map.of("features", Tensor.ofDoubles(new double[] {2}, 1, 1)))
        .get("prediction").getDouble(0);
  }

  @Test
  void get_beyondTheBound_closesTheLeastRecentlyUsed() {
    ExecutorModels.closeAll();
    ExecutorModels.maxModels(2);
    try (ModelStore store = ModelStore.open(dir)) {
      ModelSource a = publish(store, "a", 10);
      ModelSource b = publish(store, "b", 20);
      ModelSource c = publish(store, "c", 30);
      long opens = ExecutorModels.opens();
      long evictions = ExecutorModels.evictions();
      Model first = ExecutorModels.get(a);
      Model second = ExecutorModels.get(b);
      assertThat(ExecutorModels.get(a)).isSameAs(first); // a is now the most recently used
      ExecutorModels.get(c);
      assertThat(ExecutorModels.evictions() - evictions).isEqualTo(1);
      assertThatThrownBy(() -> score(second)).isInstanceOf(ModelClosedException.class);
      assertThat(score(first)).isEqualTo(12.0);
      assertThat(ExecutorModels.opens() - opens).isEqualTo(3);

      // a task still holding the evicted model scores again with a reopened one
      assertThat(ExecutorModels.predictWithRetry(b, ExecutorModelsTest::score))
          .isEqualTo(22.0);
      assertThat(ExecutorModels.opens() - opens).isEqualTo(4);
    }
  }

  @Test
  void predictWithRetry_evictedWhileScoring_reopens() {
    ExecutorModels.closeAll();
    try (ModelStore store = ModelStore.open(dir)) {
      ModelSource a = publish(store, "a", 10);
      Model stale = ExecutorModels.get(a);
      int[] calls = {0};
      double result = ExecutorModels.predictWithRetry(a, model -> {
        if (calls[0]++ == 0) {
          ExecutorModels.closeAll(); // evicted between the look-up and the call
          return score(stale);
        }
        return score(model);
      });
      assertThat(result).isEqualTo(12.0);
      assertThat(calls[0]).isEqualTo(2);
    }
  }
}
