package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.BatchingPredictor;
import dev.maas.BatchingOptions;
import dev.maas.ModelClosedException;
import dev.maas.ModelStore;
import dev.maas.StoreEvent;
import dev.maas.StoredModel;
import dev.maas.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the code examples of docs/java-api.md, as written there. */
class JavaApiDocsExampleTest {
  @TempDir Path dir;

  private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

  private void log(String line) {
    log.add(line);
  }

  private static LinearRegressionModel model(double b) {
    return LinearRegressionModel.of(b, new double[] {2, 3}, List.of("a", "b"));
  }

  @Test
  void lifecycleExample_opensReportsVersionAndReleases() throws Exception {
    double[][] rows = {{1, 2}, {3, 4}};
    Path models = dir.resolve("models");
    try (ModelStore store = ModelStore.open(models); LinearRegressionModel m1 = model(1); LinearRegressionModel m2 = model(2)) {
      store.publish("house-prices", m1);
      store.setAlias("house-prices", "production", store.publish("house-prices", m2).version());
    }
    // as in docs/java-api.md
    try (ModelStore store = ModelStore.open(Path.of(models.toString()))) {
      StoredModel model = store.open("house-prices@production");
      int servedVersion = model.version().version();
      double[] y = model.predictor().predictRows(rows);
      model.closeAsync().thenRun(() -> log("version " + servedVersion + " released"));

      assertThat(servedVersion).isEqualTo(2);
      assertThat(y).containsExactly(2 + 2 + 6, 2 + 6 + 12);
      assertThat(log.poll(60, TimeUnit.SECONDS)).isEqualTo("version 2 released");
      assertThatThrownBy(model::predictor).isInstanceOf(ModelClosedException.class);
    }
  }

  @Test
  void batchingExample_answersBlockingAndAsync() throws Exception {
    try (LinearRegressionModel model = model(1)) {
      Map<String, Tensor> inputs = Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(new double[] {1, 2}, 1, 2));
      // as in docs/java-api.md
      try (BatchingPredictor batching = BatchingPredictor.of(model.predictor(), BatchingOptions.builder()
          .maxBatchRows(64)
          .maxQueueDelay(Duration.ZERO)
          .maxQueuedRequests(1024)
          .timeout(Duration.ofSeconds(2))
          .build())) {
        Map<String, Tensor> out = batching.predict(inputs, Set.of());
        CompletableFuture<Map<String, Tensor>> later = batching.submit(inputs, Set.of(LinearRegressionModel.OUTPUT));

        assertThat(out).isEqualTo(model.predictor().predict(inputs));
        assertThat(later.get(60, TimeUnit.SECONDS)).isEqualTo(out);
      }
    }
  }

  @Test
  void watchExample_listenerSwapsToTheEventsVersion() throws Exception {
    Path models = dir.resolve("models");
    BlockingQueue<String> swaps = new LinkedBlockingQueue<>();
    // as in docs/java-api.md
    ModelStore store = ModelStore.open(Path.of(models.toString()));
    store.addListener(event -> {
      if (event.type() == StoreEvent.Type.ALIAS_SET && event.alias().orElseThrow().equals("production")) {
        swaps.add(event.model() + ":" + event.version());
      }
    });
    ModelStore.Watch watch = store.watch(Duration.ofSeconds(1));
    try (ModelStore other = ModelStore.open(models); LinearRegressionModel m = model(1)) {
      other.publish("house-prices", m);
      other.setAlias("house-prices", "production", 1);
      assertThat(swaps.poll(60, TimeUnit.SECONDS)).isEqualTo("house-prices:1");
    } finally {
      watch.close();
      store.close();
    }
  }
}
