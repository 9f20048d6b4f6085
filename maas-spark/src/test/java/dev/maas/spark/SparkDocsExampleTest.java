package dev.maas.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.Lineage;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.linear.FitReport;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.onnx.OnnxExporter;
import dev.maas.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs the code examples of docs/spark.md, as written there (paths under a temporary directory). */
@ExtendWith(LocalSpark.class)
class SparkDocsExampleTest {
  @TempDir
  Path dir;

  @Test
  void docsExamples_scoreRegisterTrainPublish_run(SparkSession spark) {
    Path models = dir.resolve("models");
    spark.range(0, 500, 1, 2).selectExpr("id", "id * 0.5 as a", "id % 13 as b", "cast(id % 3 as double) as c")
        .createOrReplaceTempView("orders");
    spark.range(0, 400, 1, 2).selectExpr("cast(50 + id * 0.37 % 90 as double) as area", "cast(1 + id % 6 as double) as rooms",
        "cast(1000 + 7.5 * (50 + id * 0.37 % 90) + 120 * (1 + id % 6) + sin(id) * 20 as double) as price")
        .createOrReplaceTempView("houses");
    try (ModelStore store = ModelStore.open(models)) {
      LinearRegressionModel sales = LinearRegressionModel.of(3, new double[] {1, -2, 0.5}, List.of("a", "b", "c"));
      store.setAlias("sales", "production", store.publish("sales", sales).version());
      try (OnnxModel churn = OnnxModel.fromBytes(OnnxExporter.export(
          LinearRegressionModel.of(0.1, new double[] {0.01, 0.002, 0.3}, List.of("tenure", "spend", "tickets")),
          OnnxExporter.Precision.FP32).toByteArray())) {
        store.publish("churn", churn);
      }
    }
    Dataset<Row> customers = spark.range(0, 300, 1, 2)
        .selectExpr("id % 60 as tenure", "id * 1.5 as spend", "cast(id % 4 as int) as tickets");

    // --- docs/spark.md: Scoring a DataFrame
    try (ModelStore store = ModelStore.open(models)) {
      ModelSource sales = ModelSource.broadcast(spark, store, "sales@production");
      Dataset<Row> scored = MaasSpark.predict(spark.table("orders"), sales);   // + column "prediction"
      scored.write().mode("overwrite").parquet(dir.resolve("orders-scored").toString());
    }
    Row first = spark.read().parquet(dir.resolve("orders-scored").toString()).where("id = 7").first();
    assertThat(first.getDouble(first.fieldIndex("prediction"))).isEqualTo(3 + 3.5 - 2 * 7 + 0.5 * 1);

    try (ModelStore store = ModelStore.open(models)) {
      ModelSource onnx = ModelSource.broadcast(spark, store, "churn:1");   // an ONNX graph: features [-1, 3] -> prediction
      ScoringOptions options = ScoringOptions.builder()
          .inputColumns("features", List.of("tenure", "spend", "tickets"))
          .outputs(List.of("prediction"))
          .outputColumn("prediction", "churn_score")
          .batchRows(4096)
          .build();
      Dataset<Row> scored = MaasSpark.predict(customers, onnx, options);
      Row row = scored.where("tenure = 10 AND spend = 15.0").first();
      assertThat(row.getDouble(row.fieldIndex("churn_score"))).isCloseTo(0.1 + 0.1 + 0.002 * 15 + 0.3 * 2, within(1e-5));

      // --- docs/spark.md: The SQL function
      MaasSpark.register(spark, "score_sales", ModelSource.broadcast(spark, store, "sales@production"));
      List<Row> expected = spark.sql("SELECT id, score_sales(a, b, c) AS expected FROM orders").where("id = 7")
          .collectAsList();
      assertThat(expected.get(0).getDouble(1)).isEqualTo(3 + 3.5 - 2 * 7 + 0.5 * 1);
    }

    // --- docs/spark.md: Training linear regression
    LinearRegressionTrainer trainer = LinearRegressionTrainer.ordinaryLeastSquares();
    LinearRegressionModel model = MaasSpark.fitLinear(spark.table("houses"), "price", List.of("area", "rooms"), trainer);
    FitReport report = model.report().orElseThrow();   // the same report as a single-machine fit
    assertThat(report.rowCount()).isEqualTo(400);
    assertThat(model.coefficient(0)).isCloseTo(7.5, within(0.5));

    // --- docs/spark.md: Serving the trained model
    try (ModelStore store = ModelStore.open(models)) {
      FitReport r = model.report().orElseThrow();
      ModelVersion v = store.publish("house-prices", model, PublishOptions.builder()
          .metrics(r.metrics()).parameters(r.parameters())
          .lineage(Lineage.of("spark:table houses", "", r.rowCount())).build());
      store.setAlias("house-prices", "production", v.version());
    }
    try (ModelStore store = ModelStore.open(models)) {
      assertThat(store.get("house-prices@production").version()).isEqualTo(1);
      Dataset<Row> rescored = MaasSpark.predict(spark.table("houses"),
          ModelSource.broadcast(spark, store, "house-prices@production"));
      Row h = rescored.first();
      assertThat(h.getDouble(h.fieldIndex("prediction")))
          .isEqualTo(model.predictor().predictRow(new double[] {h.getDouble(0), h.getDouble(1)}));
    }
  }
}
