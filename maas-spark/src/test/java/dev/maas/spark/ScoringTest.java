package dev.maas.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.ModelBundle;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.onnx.OnnxExporter;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Scoring stored models on DataFrames in a real {@code local[2]} Spark. */
@ExtendWith(LocalSpark.class)
class ScoringTest {
  private static final int ROWS = 100_000;
  private static final LinearRegressionModel SALES =
      LinearRegressionModel.of(12.5, new double[] {0.75, -3.25e-3, 41.0}, List.of("a", "b", "c"));

  @TempDir
  static Path storeDir;
  static ModelStore store;

  @BeforeAll
  static void publish() {
    store = ModelStore.open(storeDir);
    store.publish("sales", SALES);
    try (OnnxModel onnx = OnnxModel.fromBytes(OnnxExporter.export(SALES, OnnxExporter.Precision.FP64).toByteArray())) {
      store.publish("sales-onnx", onnx);
    }
  }

  /** 10⁵ seeded rows in 8 partitions: id, a uniform, b normal and wide, c small integers. */
  private static Dataset<Row> table(SparkSession spark, int rows, int partitions) {
    return spark.range(0, rows, 1, partitions)
        .selectExpr("id", "rand(1) * 10 - 5 as a", "randn(2) * 1000 as b", "cast(id % 7 as int) as c");
  }

  private static double[][] features(List<Row> rows) {
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      Row r = rows.get(i);
      x[i] = new double[] {r.getDouble(1), r.getDouble(2), r.getInt(3)};
    }
    return x;
  }

  @Test
  void predict_linearModelByBroadcast_equalsInProcessPredictionsExactly(SparkSession spark) {
    ModelSource source = ModelSource.broadcast(spark, store, "sales");
    List<Row> scored = MaasSpark.predict(table(spark, ROWS, 8), source).collectAsList();

    assertThat(scored).hasSize(ROWS);
    assertThat(scored.get(0).schema().fieldNames()).containsExactly("id", "a", "b", "c", "prediction");
    double[] expected;
    try (Model model = store.open("sales:1")) {
      expected = model.predictor().predictRows(features(scored));
    }
    for (int i = 0; i < ROWS; i++) {
      assertThat(scored.get(i).getDouble(4)).as("row %d", i).isEqualTo(expected[i]);
    }
  }

  @Test
  void predict_onnxModelFromSharedStore_equalsInProcessPredictionsExactly(SparkSession spark) {
    ModelSource source = ModelSource.sharedStore(storeDir, "sales-onnx");
    ScoringOptions options = ScoringOptions.builder()
        .inputColumns("features", List.of("a", "b", "c"))
        .outputColumn("prediction", "score")
        .batchRows(500)
        .build();
    List<Row> scored = MaasSpark.predict(table(spark, ROWS, 8), source, options).collectAsList();

    assertThat(scored).hasSize(ROWS);
    double[][] x = features(scored);
    double[] flat = new double[ROWS * 3];
    for (int i = 0; i < ROWS; i++) {
      System.arraycopy(x[i], 0, flat, 3 * i, 3);
    }
    Tensor expected;
    try (Model model = store.open("sales-onnx")) {
      expected = model.predictor().predict(Map.of("features", Tensor.ofDoubles(flat, ROWS, 3))).get("prediction");
    }
    for (int i = 0; i < ROWS; i++) {
      assertThat(scored.get(i).getDouble(scored.get(i).fieldIndex("score"))).as("row %d", i)
          .isEqualTo(expected.getDouble(i));
    }
  }

  @Test
  void predict_manyPartitionsTwice_opensTheModelOncePerJvm(SparkSession spark) {
    ExecutorModels.closeAll();
    long before = ExecutorModels.opens();
    ModelSource source = ModelSource.broadcast(spark, store, "sales-onnx");
    ScoringOptions options = ScoringOptions.builder().inputColumns("features", List.of("a", "b", "c")).build();

    for (int run = 0; run < 2; run++) {
      Row total = MaasSpark.predict(table(spark, 20_000, 16), source, options).agg(Map.of("prediction", "count")).first();
      assertThat(total.getLong(0)).isEqualTo(20_000L);
    }

    assertThat(ExecutorModels.opens() - before).isEqualTo(1);
  }

  @Test
  void predict_corruptedBroadcast_isRefusedByItsChecksum(SparkSession spark) {
    ExecutorModels.closeAll();
    long before = ExecutorModels.opens();
    ModelSource genuine = ModelSource.broadcast(spark, store, "sales-onnx");
    byte[] shipped = genuine.shippedBytes();
    ModelBundle bundle = ModelBundle.fromBytes(shipped);
    String artifact = bundle.fileNames().iterator().next();
    ModelSource corrupted = genuine.withShippedBytes(spark, flipByteOf(shipped, bundle.file(artifact), 20));

    assertThatThrownBy(() -> MaasSpark.predict(table(spark, 100, 2), corrupted))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("'" + artifact + "'")
        .hasMessageContaining("SHA-256");
    assertThat(ExecutorModels.opens()).isEqualTo(before);
  }

  @Test
  void predict_sharedStoreVersionChangedAfterResolving_isRefused(SparkSession spark, @TempDir Path other)
      throws java.io.IOException {
    try (ModelStore shared = ModelStore.open(other)) {
      shared.publish("sales", SALES);
    }
    ModelSource source = ModelSource.sharedStore(other, "sales");
    Path metadata = other.resolve("sales").resolve("1").resolve("maas-version.json");
    String record = java.nio.file.Files.readString(metadata);
    java.nio.file.Files.writeString(metadata, record.replaceFirst("\"description\" ?: ?\"[^\"]*\"",
        "\"description\":\"edited after the driver resolved it\""));
    assertThat(java.nio.file.Files.readString(metadata)).isNotEqualTo(record);
    ExecutorModels.closeAll();

    assertThatThrownBy(() -> MaasSpark.predict(table(spark, 10, 1), source))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("is not the version the driver resolved");
  }

  @Test
  void predict_arrayColumnNamedAsInput_feedsTheTensorInput(SparkSession spark) {
    Dataset<Row> data = table(spark, 1000, 2).selectExpr("id", "array(a, b, cast(c as double)) as features");
    List<Row> scored = MaasSpark.predict(data, ModelSource.broadcast(spark, store, "sales-onnx")).collectAsList();

    assertThat(scored).hasSize(1000);
    try (Model model = store.open("sales-onnx")) {
      for (Row row : scored) {
        List<Double> f = row.getList(1);
        Tensor x = Tensor.ofDoubles(new double[] {f.get(0), f.get(1), f.get(2)}, 1, 3);
        double expected = model.predictor().predict(Map.of("features", x)).get("prediction").getDouble(0);
        assertThat(row.getDouble(2)).isEqualTo(expected);
      }
    }
  }

  @Test
  void predict_outputWithTwoValuesPerRow_becomesAnArrayColumn(SparkSession spark) {
    byte[] graph = OnnxGraph.builder("two-scores")
        .input("x", DataType.FP64, "batch", "3")
        .initializer("w", Tensor.ofDoubles(new double[] {1, 0.5, -2, 0.25, 3, -1}, 3, 2))
        .initializer("b", Tensor.ofDoubles(new double[] {10, -10}, 2))
        .node("Gemm", List.of("x", "w", "b"), List.of("scores"))
        .output("scores", DataType.FP64, "batch", "2")
        .build().toByteArray();
    try (OnnxModel model = OnnxModel.fromBytes(graph)) {
      store.publish("two-scores", model);
    }
    Dataset<Row> data = table(spark, 1000, 2);
    ScoringOptions options = ScoringOptions.builder().inputColumns("x", List.of("a", "b", "c")).build();

    List<Row> scored = MaasSpark.predict(data, ModelSource.broadcast(spark, store, "two-scores"), options).collectAsList();

    assertThat(scored.get(0).schema().apply("scores").dataType().simpleString()).isEqualTo("array<double>");
    double[][] x = features(scored);
    double[] flat = new double[x.length * 3];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, flat, 3 * i, 3);
    }
    Tensor expected;
    try (Model model = store.open("two-scores")) {
      expected = model.predictor().predict(Map.of("x", Tensor.ofDoubles(flat, x.length, 3))).get("scores");
    }
    for (int i = 0; i < x.length; i++) {
      List<Double> row = scored.get(i).getList(4);
      assertThat(row).containsExactly(expected.getDouble(2 * i), expected.getDouble(2 * i + 1));
    }
  }

  @Test
  void predict_nullFeature_givesANullPrediction(SparkSession spark) {
    Dataset<Row> data = spark.sql("SELECT * FROM VALUES (1.0, 2.0, 3.0), (CAST(NULL AS DOUBLE), 2.0, 3.0) AS t(a, b, c)");
    List<Row> scored = MaasSpark.predict(data, ModelSource.broadcast(spark, store, "sales")).collectAsList();

    assertThat(scored.get(0).getDouble(3)).isEqualTo(SALES.predictor().predictRow(new double[] {1, 2, 3}));
    assertThat(scored.get(1).isNullAt(3)).isTrue();
  }

  @Test
  void predict_missingFeatureColumn_throwsInvalidInputNamingTheInput(SparkSession spark) {
    Dataset<Row> data = table(spark, 10, 1).drop("b");

    assertThatThrownBy(() -> MaasSpark.predict(data, ModelSource.broadcast(spark, store, "sales-onnx")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no column feeds input 'features'");
    assertThatThrownBy(() -> MaasSpark.predict(data, ModelSource.broadcast(spark, store, "sales")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no column 'b'");
  }

  @Test
  void predict_outputNamedAsAnExistingColumn_throwsInvalidInput(SparkSession spark) {
    Dataset<Row> data = table(spark, 10, 1).selectExpr("a", "b", "c", "0.0 as prediction");

    assertThatThrownBy(() -> MaasSpark.predict(data, ModelSource.broadcast(spark, store, "sales")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("would replace the existing column 'prediction'");
  }

  @Test
  void register_sqlFunction_scoresEachRowLikeTheModel(SparkSession spark) {
    MaasSpark.register(spark, "score_sales", ModelSource.broadcast(spark, store, "sales"));
    table(spark, 2000, 2).createOrReplaceTempView("sales_table");

    List<Row> rows = spark.sql("SELECT a, b, c, score_sales(a, b, c) AS s FROM sales_table").collectAsList();

    assertThat(rows).hasSize(2000);
    for (Row row : rows) {
      double expected = SALES.predictor().predictRow(new double[] {row.getDouble(0), row.getDouble(1), row.getInt(2)});
      assertThat(row.getDouble(3)).isEqualTo(expected);
    }
  }

  /** {@code bytes} with byte {@code index} of the one place {@code part} occurs in it flipped. */
  private static byte[] flipByteOf(byte[] bytes, byte[] part, int index) {
    for (int at = 0; at + part.length <= bytes.length; at++) {
      if (java.util.Arrays.equals(bytes, at, at + part.length, part, 0, part.length)) {
        byte[] out = bytes.clone();
        out[at + index] ^= 1;
        return out;
      }
    }
    throw new AssertionError("part not found");
  }
}
