package dev.maas.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelStore;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timed harness behind the Spark section of docs/benchmarks.md (off unless {@code
 * -Dmaas.spark.benchmark=true}): MaaS's distributed fit against MLlib's LinearRegression on the
 * same cached 10⁶-row DataFrame in {@code local[2]}, and scoring the fitted model with {@link
 * MaasSpark#predict} against MLlib's {@code transform}. Each pair runs alternately after a warm-up
 * of each, and the ratio of medians is taken within this one run. It asserts only that both sides
 * agree on the answer; times are reported, never asserted.
 */
@ExtendWith(LocalSpark.class)
@EnabledIfSystemProperty(named = "maas.spark.benchmark", matches = "true")
class SparkBenchmarkTest {
  private static final int ROWS = Integer.getInteger("maas.spark.benchmark.rows", 1_000_000);
  private static final int RUNS = Integer.getInteger("maas.spark.benchmark.runs", 3);

  @TempDir
  Path dir;

  @Test
  void fitAndScore_maasAgainstMllib_reportsTimes(SparkSession spark) throws IOException {
    List<String> report = new ArrayList<>();
    report.add(String.format(Locale.ROOT, "rows %d, runs %d (median), local[2], %d partitions, JDK %s, load average %s",
        ROWS, RUNS, 4, System.getProperty("java.version"), loadAverage()));
    report.add("| case | MaaS ms | MLlib ms | MLlib / MaaS |");
    report.add("|---|---|---|---|");
    List<String> wide = List.of("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8");
    Dataset<Row> gaussian = cached(spark.range(0, ROWS, 1, 4).selectExpr(
        "randn(1) as x1", "randn(2) as x2", "randn(3) * 10 as x3", "rand(4) as x4", "randn(5) + 3 as x5",
        "rand(6) * 100 as x6", "randn(7) as x7", "randn(8) as x8",
        "1 + 2 * randn(1) - randn(2) + 0.3 * randn(3) * 10 + randn(9) as y"));
    report.add(fitRow(spark, "fit, 8 Gaussian features (no refinement)", gaussian, wide));
    List<String> poly = List.of("x1", "x2", "x3", "x4", "x5");
    Dataset<Row> polynomial = cached(spark.range(0, ROWS, 1, 4).selectExpr("1 + 2 * rand(11) as t", "randn(12) as e")
        .selectExpr("t as x1", "t * t as x2", "pow(t, 3) as x3", "pow(t, 4) as x4", "pow(t, 5) as x5",
            "0.5 + t - t * t / 2 + pow(t, 3) / 3 - pow(t, 4) / 4 + pow(t, 5) / 5 + 0.01 * e as y"));
    report.add(fitRow(spark, "fit, degree-5 polynomial (refined: extra residual passes)", polynomial, poly));
    report.add(scoreRow(spark, gaussian, wide));
    String text = String.join("\n", report) + "\n";
    System.out.println(text);
    Path out = Path.of("target", "spark-benchmark.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
  }

  private static Dataset<Row> cached(Dataset<Row> data) {
    Dataset<Row> c = data.persist(StorageLevel.MEMORY_ONLY());
    assertThat(c.count()).isEqualTo(ROWS);
    return c;
  }

  private String fitRow(SparkSession spark, String name, Dataset<Row> data, List<String> features) {
    Dataset<Row> assembled = cached(new VectorAssembler().setInputCols(features.toArray(new String[0]))
        .setOutputCol("features").transform(data).select("features", "y"));
    LinearRegressionTrainer trainer = LinearRegressionTrainer.ordinaryLeastSquares();
    LinearRegression mllib = new LinearRegression().setSolver("normal").setRegParam(0).setLabelCol("y")
        .setFeaturesCol("features");
    Supplier<double[]> maasFit = () -> {
      LinearRegressionModel m = MaasSpark.fitLinear(data, "y", features, trainer);
      return m.coefficients();
    };
    Supplier<double[]> mllibFit = () -> mllib.fit(assembled).coefficients().toArray();
    double[][] times = alternate(maasFit, mllibFit);
    double[] a = maasFit.get();
    double[] b = mllibFit.get();
    for (int j = 0; j < a.length; j++) {
      assertThat(b[j]).as("coefficient %d", j).isCloseTo(a[j], org.assertj.core.data.Percentage.withPercentage(1));
    }
    assembled.unpersist();
    return row(name, times);
  }

  private String scoreRow(SparkSession spark, Dataset<Row> data, List<String> features) {
    LinearRegressionModel model = MaasSpark.fitLinear(data, "y", features, LinearRegressionTrainer.ordinaryLeastSquares());
    Dataset<Row> assembled = cached(new VectorAssembler().setInputCols(features.toArray(new String[0]))
        .setOutputCol("features").transform(data));
    org.apache.spark.ml.regression.LinearRegressionModel mllibModel = new LinearRegression().setSolver("normal")
        .setRegParam(0).setLabelCol("y").setFeaturesCol("features").fit(assembled);
    try (ModelStore store = ModelStore.open(dir.resolve("store"))) {
      store.publish("bench", model);
      ModelSource source = ModelSource.broadcast(spark, store, "bench");
      Supplier<double[]> maas = () -> new double[] {
          MaasSpark.predict(data, source).agg(Map.of("prediction", "sum")).first().getDouble(0)};
      Supplier<double[]> mllib = () -> new double[] {
          mllibModel.transform(assembled).agg(Map.of("prediction", "sum")).first().getDouble(0)};
      double[][] times = alternate(maas, mllib);
      assertThat(mllib.get()[0]).isCloseTo(maas.get()[0], org.assertj.core.data.Percentage.withPercentage(1e-3));
      assembled.unpersist();
      return row("score 8 features (sum of predictions), default batch of 1,024 rows", times);
    }
  }

  /** One warm-up of each, then {@link #RUNS} runs of each, alternating; milliseconds. */
  private static double[][] alternate(Supplier<double[]> maas, Supplier<double[]> mllib) {
    maas.get();
    mllib.get();
    double[][] t = new double[2][RUNS];
    for (int r = 0; r < RUNS; r++) {
      long s = System.nanoTime();
      maas.get();
      t[0][r] = (System.nanoTime() - s) / 1e6;
      s = System.nanoTime();
      mllib.get();
      t[1][r] = (System.nanoTime() - s) / 1e6;
    }
    return t;
  }

  private static String row(String name, double[][] times) {
    double maas = median(times[0]);
    double mllib = median(times[1]);
    return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f× |", name, maas, mllib, mllib / maas);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
