package com.example;

import dev.maas.BatchingOptions;
import dev.maas.BatchingPredictor;
import dev.maas.Lineage;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.StoreEvent;
import dev.maas.StoredModel;
import dev.maas.Tensor;
import dev.maas.explain.Background;
import dev.maas.explain.Explainer;
import dev.maas.explain.Explanation;
import dev.maas.http.InferenceServer;
import dev.maas.linear.DataSplit;
import dev.maas.linear.FitReport;
import dev.maas.linear.Interval;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.RegressionMetrics;
import dev.maas.onnx.OnnxExporter;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A whole application that uses MaaS as a library: trains a linear regression of house prices,
 * evaluates it, keeps it in a model store with an alias, predicts in-process (directly and through
 * dynamic batching), explains two predictions, exports the model to ONNX and serves the store over
 * HTTP. The snippets in the documentation are taken from this file. Run it with {@code mvn -B
 * compile exec:java}; it writes {@code models/} and {@code house-prices.onnx} in the working
 * directory.
 */
public final class HousePrices {
  private HousePrices() {}

  public static void main(String[] args) throws Exception {
    // 500 seeded houses: price = 30,000 + 1,800 per m² + 9,000 per room + noise
    Random random = new Random(7);
    double[][] x = new double[500][];
    double[] y = new double[500];
    for (int i = 0; i < x.length; i++) {
      double area = 40 + 160 * random.nextDouble();
      double rooms = 1 + random.nextInt(6);
      x[i] = new double[] {area, rooms};
      y[i] = 30_000 + 1_800 * area + 9_000 * rooms + 15_000 * random.nextGaussian();
    }
    double[][] rows = {{120, 4}, {65, 2}};

    // train and look at the fit
    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder()
        .featureNames(List.of("area", "rooms"))   // names the columns (default x1, x2, ...)
        .build();                                 // intercept on, no penalty
    LinearRegressionModel model = trainer.fit(x, y);   // double[][] rows, double[] targets
    FitReport report = model.report().orElseThrow();
    double r2 = report.rSquared();
    double areaP = report.coefficient("area").orElseThrow().pValue();
    double one = model.predictor().predictRow(new double[] {120, 4});
    System.out.printf("R² %.3f, p-value of area %.2g, 120 m² and 4 rooms: %.0f%n", r2, areaP, one);

    // prediction intervals
    LinearRegressionModel ninety = model.withIntervals(Interval.PREDICTION, 0.9);
    Map<String, Tensor> bounds = ninety.predictor().predict(
        Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(new double[] {120, 4}, 1, 2)),
        Set.of(LinearRegressionModel.OUTPUT, LinearRegressionModel.LOWER, LinearRegressionModel.UPPER));
    double low = bounds.get(LinearRegressionModel.LOWER).getDouble(0);
    double high = bounds.get(LinearRegressionModel.UPPER).getDouble(0);
    System.out.printf("90%% prediction interval: %.0f to %.0f%n", low, high);

    // held-out and cross-validated error
    DataSplit split = DataSplit.trainTest(x.length, 0.2, 42);           // seeded, reproducible
    LinearRegressionModel m = trainer.fit(split.train(x), split.train(y));
    RegressionMetrics heldOut = RegressionMetrics.evaluate(m, split.test(x), split.test(y));
    List<RegressionMetrics> folds = trainer.crossValidate(x, y, 5, 42);  // k-fold, seeded
    System.out.printf("held-out RMSE %.0f, 5-fold mean RMSE %.0f%n", heldOut.rmse(),
        RegressionMetrics.mean(folds).rmse());

    try (ModelStore store = ModelStore.open(Path.of("models"))) {
      // act when production moves, in this process or (with a watch) another one
      store.addListener(event -> {
        if (event.type() == StoreEvent.Type.ALIAS_SET && event.alias().orElseThrow().equals("production")) {
          System.out.println("production is now " + event.model() + ":" + event.version());
        }
      }, Runnable::run);   // run where the change is seen; without an executor, on the store's event thread
      ModelStore.Watch watch = store.watch(Duration.ofSeconds(1));   // changes by other processes too

      // publish with metrics, parameters, lineage and a background for explanations
      Background.Sampler sampler = Background.sampler(model.featureNames(), 100, 0);
      Arrays.stream(x).forEach(sampler::add);
      ModelVersion v = store.publish("house-prices", model, PublishOptions.builder()
          .description("house prices, linear")
          .metrics(report.metrics()).parameters(report.parameters())
          .lineage(Lineage.of("generated", "seed 7", report.rowCount()))
          .extraFile(Background.FILE_NAME, sampler.build().toJson())
          .build());                                 // v.reference() is house-prices:1 in a new store
      store.setAlias("house-prices", "production", v.version());

      // open by alias and predict
      StoredModel opened = store.open("house-prices@production");   // resolves and opens in one step
      int servedVersion = opened.version().version();                 // the version actually opened
      double[] prices = opened.predictor().predictRows(rows);
      System.out.println("house-prices@production predicts " + Arrays.toString(prices));
      opened.closeAsync().thenRun(() -> System.out.println("version " + servedVersion + " released")).join();

      // dynamic batching: concurrent small requests become one backend call
      try (Model served = store.open("house-prices@production")) {
        Map<String, Tensor> inputs = Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(new double[] {120, 4}, 1, 2));
        try (BatchingPredictor batching = BatchingPredictor.of(served.predictor(), BatchingOptions.builder()
            .maxBatchRows(64)                        // rows per backend call, summed over requests
            .maxQueueDelay(Duration.ZERO)            // wait for more only while the backend is busy
            .maxQueuedRequests(1024)                 // then OverloadedException, never an unbounded queue
            .timeout(Duration.ofSeconds(2))          // per-request deadline, enforced by a timer
            .build())) {
          Map<String, Tensor> out = batching.predict(inputs, Set.of());          // blocks
          CompletableFuture<Map<String, Tensor>> later = batching.submit(inputs, Set.of("prediction"));
          System.out.printf("batched: %.0f and %.0f%n", out.get("prediction").getDouble(0),
              later.join().get("prediction").getDouble(0));
        }
      }

      // explain two predictions against the stored background
      try (Model explained = store.open("house-prices")) {
        ModelVersion version = store.get("house-prices");
        Background background = Background.stored(store, version)
            .orElseGet(() -> Background.of(List.of("area", "rooms"), x));
        Explainer explainer = Explainer.of(explained, background);   // once; computes the base value
        Explanation e = explainer.explain(rows);                      // double[][] or a Tensor [n, p]
        double base = e.baseValue();
        double[] why = e.attributions(0);                             // row 0, feature order
        double[] errors = e.standardErrors(0, 0);                     // 0 unless Kernel SHAP
        System.out.printf("base %.0f + area %+.0f + rooms %+.0f = %.0f (errors %s)%n", base, why[0], why[1],
            e.prediction(0), Arrays.toString(errors));
      }

      // export to ONNX, open the graph, publish it as the next version
      OnnxGraph graph = OnnxExporter.export(model, OnnxExporter.Precision.FP32);
      graph.writeTo(Path.of("house-prices.onnx"));
      try (OnnxModel onnx = OnnxModel.open(Path.of("house-prices.onnx"))) {
        Tensor houses = Tensor.ofFloats(new float[] {120, 4, 65, 2}, 2, 2);
        Map<String, Tensor> out = onnx.predictor().predict(Map.of("features", houses));
        float score = out.get("prediction").getFloat(0);
        System.out.println("house-prices.onnx predicts " + score);
        ModelVersion exported = store.publish("house-prices", onnx);   // house-prices:2, format "onnx"
        System.out.println("published " + exported.reference());
      }

      // serve the store over HTTP (Open Inference Protocol) and call it
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        System.out.println("serving on " + server.uri());
        HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/v2/models/house-prices/infer"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 2],"
                + " \"datatype\": \"FP64\", \"data\": [120, 4]}]}"))
            .build();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println("HTTP " + answer.statusCode() + " " + answer.body());
      }
      watch.close();
    }
  }
}
