package dev.maas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.ModelClosedException;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import dev.maas.http.InferenceTensor;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call paths a benchmark setting measures, on real models: in process, through a real
 * batcher, and through a real {@link dev.maas.http.InferenceServer} on loopback, JSON and binary.
 */
class TargetTest {
  @TempDir Path store;

  @BeforeEach
  void publish() {
    try (ModelStore s = ModelStore.open(store)) {
      s.publish("lin", LinearRegressionModel.of(0.5, new double[] {1, -2, 3}, List.of("a", "b", "c")));
      byte[] two = OnnxGraph.builder("two").input("x", DataType.FP32, "batch", "3")
          .node("Relu", List.of("x"), List.of("y")).node("Neg", List.of("x"), List.of("z"))
          .output("y", DataType.FP32, "batch", "3").output("z", DataType.FP32, "batch", "3").build().toByteArray();
      try (OnnxModel m = OnnxModel.fromBytes(two)) {
        s.publish("two", m);
      }
    }
  }

  private Target target(String reference, String variant, int batch, String batching, String transport,
      String outputs, int callers) {
    return ModelBenchmark.target(store.toString(), Map.of(), reference, variant, ModelBenchmark.DEFAULT, ModelBenchmark.DEFAULT, batch,
        Map.of(), "", 7, batching, "64/0/1", transport, outputs, callers);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Tensor> tensors(Object answer) {
    if (answer instanceof Map<?, ?> map) {
      return (Map<String, Tensor>) map;
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (InferenceTensor t : (List<InferenceTensor>) answer) {
      out.put(t.name(), t.tensor());
    }
    return out;
  }

  @Test
  void call_overHttpJsonAndBinary_answersWhatInProcessAnswers() {
    for (String outputs : List.of("", "z")) {
      Map<String, Tensor> direct;
      try (Target t = target("two", ModelBenchmark.STORED, 4, "off", "in-process", outputs, 1)) {
        direct = tensors(t.call());
      }
      assertThat(direct.keySet()).containsExactlyElementsOf(outputs.isEmpty() ? List.of("y", "z") : List.of("z"));
      for (String transport : List.of("http", "http-binary")) {
        try (Target t = target("two", ModelBenchmark.STORED, 4, "off", transport, outputs, 1)) {
          assertThat(t.uri()).isPresent();
          assertThat(tensors(t.call())).as(transport + " " + outputs).isEqualTo(direct);
        }
      }
    }
  }

  @Test
  void call_linearOnnxExportOverHttp_answersTheLinearPrediction() {
    Map<String, Tensor> direct;
    try (Target t = target("lin", ModelBenchmark.STORED, 3, "off", "in-process", "", 1)) {
      direct = tensors(t.call());
    }
    try (Target t = target("lin", ModelBenchmark.ONNX_EXPORT, 3, "off", "http-binary", "prediction", 1)) {
      double[] exported = tensors(t.call()).get("prediction").toDoubleArray();
      assertThat(exported).containsExactly(direct.get("prediction").toDoubleArray(),
          org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  @Test
  void call_batchedFromConcurrentThreads_everyCallerGetsTheUnbatchedAnswer() throws Exception {
    Map<String, Tensor> direct;
    try (Target t = target("two", ModelBenchmark.STORED, 2, "off", "in-process", "", 1)) {
      direct = tensors(t.call());
    }
    int threads = 8;
    for (String transport : List.of("in-process", "http")) {
      try (Target t = target("two", ModelBenchmark.STORED, 2, "on", transport, "", threads)) {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          List<Future<List<Map<String, Tensor>>>> answers = new ArrayList<>();
          for (int i = 0; i < threads; i++) {
            answers.add(pool.submit(() -> {
              start.await(10, TimeUnit.SECONDS);
              List<Map<String, Tensor>> mine = new ArrayList<>();
              for (int k = 0; k < 20; k++) {
                mine.add(tensors(t.call()));
              }
              return mine;
            }));
          }
          for (Future<List<Map<String, Tensor>>> f : answers) {
            assertThat(f.get(60, TimeUnit.SECONDS)).as(transport).hasSize(20).allSatisfy(a ->
                assertThat(a).isEqualTo(direct));
          }
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void close_overHttp_stopsServerAndConnectionsAndClosesTheModel() {
    Target t = target("two", ModelBenchmark.STORED, 1, "on", "http", "", 2);
    t.call();
    URI uri = t.uri().orElseThrow();

    t.close();

    assertThatThrownBy(() -> new Socket(uri.getHost(), uri.getPort()).close()).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> t.model().predictor().predict(Map.of("x", Tensor.ofFloats(new float[3], 1, 3))))
        .isInstanceOf(ModelClosedException.class);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(th -> th.getName().equals("HTTP-Dispatcher")
        && th.isAlive());
    assertThatThrownBy(t::call).isInstanceOf(BenchException.class).hasMessageContaining("failed");
  }

  @Test
  void close_inProcessBatched_closesTheModel() throws IOException {
    Target t = target("lin", ModelBenchmark.STORED, 1, "on", "in-process", "", 2);
    t.call();

    t.close();

    assertThat(t.uri()).isEmpty();
    assertThatThrownBy(() -> t.model().predictor().predict(Map.of("features", Tensor.ofDoubles(new double[3], 1, 3))))
        .isInstanceOf(ModelClosedException.class);
  }
}
