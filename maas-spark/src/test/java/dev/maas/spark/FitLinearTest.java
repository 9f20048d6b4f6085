package dev.maas.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import dev.maas.linear.FitReport;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Distributed linear fits against the single-machine trainer, and against MLlib. */
@ExtendWith(LocalSpark.class)
class FitLinearTest {
  private static final double RELATIVE = 1e-10;

  /** A data set held twice: as arrays for the single-machine trainer and as rows for Spark. */
  record Data(List<String> features, double[][] x, double[] y) {
    Dataset<Row> frame(SparkSession spark, int partitions) {
      StructType schema = new StructType();
      for (String f : features) {
        schema = schema.add(f, DataTypes.DoubleType, false);
      }
      schema = schema.add("y", DataTypes.DoubleType, false);
      List<Row> rows = new ArrayList<>(y.length);
      for (int i = 0; i < y.length; i++) {
        Object[] values = new Object[features.size() + 1];
        for (int j = 0; j < features.size(); j++) {
          values[j] = x[i][j];
        }
        values[features.size()] = y[i];
        rows.add(RowFactory.create(values));
      }
      return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
          schema);
    }
  }

  /** Three well-scaled features, 4,000 rows, seeded. */
  static Data plain() {
    Random random = new Random(11);
    int n = 4000;
    double[][] x = new double[n][3];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = random.nextDouble() * 10;
      x[i][1] = random.nextGaussian() * 3 + 50;
      x[i][2] = random.nextInt(5);
      y[i] = 4 + 1.5 * x[i][0] - 0.25 * x[i][1] + 3 * x[i][2] + random.nextGaussian();
    }
    return new Data(List.of("x1", "x2", "x3"), x, y);
  }

  /** An ill-conditioned polynomial design: x, x², ..., x⁵ for x in [1, 3), 4,000 rows, seeded. */
  static Data polynomial() {
    Random random = new Random(7);
    int n = 4000;
    int degree = 5;
    double[][] x = new double[n][degree];
    double[] y = new double[n];
    List<String> names = new ArrayList<>();
    for (int d = 1; d <= degree; d++) {
      names.add("x" + d);
    }
    for (int i = 0; i < n; i++) {
      double t = 1 + 2 * random.nextDouble();
      double s = 0.5;
      double p = 1;
      for (int d = 0; d < degree; d++) {
        p *= t;
        x[i][d] = p;
        s += (d % 2 == 0 ? 1 : -1) * p / (d + 1);
      }
      y[i] = s + 0.01 * random.nextGaussian();
    }
    return new Data(names, x, y);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 17})
  void fitLinear_wellConditioned_equalsSingleMachineFit(int partitions, SparkSession spark) {
    Data data = plain();
    LinearRegressionTrainer trainer = LinearRegressionTrainer.ordinaryLeastSquares();

    LinearRegressionModel distributed = MaasSpark.fitLinear(data.frame(spark, partitions), "y", data.features(), trainer);

    assertSameFit(distributed, trainer.fit(data.x(), data.y()));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 17})
  void fitLinear_illConditionedPolynomial_equalsSingleMachineFit(int partitions, SparkSession spark) {
    Data data = polynomial();
    LinearRegressionTrainer trainer = LinearRegressionTrainer.ordinaryLeastSquares();

    LinearRegressionModel distributed = MaasSpark.fitLinear(data.frame(spark, partitions), "y", data.features(), trainer);

    LinearRegressionModel single = trainer.fit(data.x(), data.y());
    assertThat(single.report().orElseThrow().conditionNumber()).isGreaterThan(1e4);
    assertSameFit(distributed, single);
  }

  @Test
  void fitLinear_ridgeOnStandardisedFeatures_equalsSingleMachineFit(SparkSession spark) {
    Data data = plain();
    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder().ridge(25).standardize(true).build();

    LinearRegressionModel distributed = MaasSpark.fitLinear(data.frame(spark, 3), "y", data.features(), trainer);

    assertSameFit(distributed, trainer.fit(data.x(), data.y()));
  }

  @Test
  void fitLinear_nullValue_throwsInvalidInputNamingTheColumn(SparkSession spark) {
    Dataset<Row> data = spark.sql("SELECT * FROM VALUES (1.0, 2.0), (2.0, CAST(NULL AS DOUBLE)), (3.0, 7.0) AS t(x, y)");

    assertThatThrownBy(() -> MaasSpark.fitLinear(data, "y", List.of("x"), LinearRegressionTrainer.ordinaryLeastSquares()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("column 'y' is null");
  }

  @Test
  void fitLinear_textColumn_throwsInvalidInputBeforeAnyJob(SparkSession spark) {
    Dataset<Row> data = spark.sql("SELECT * FROM VALUES (1.0, 'a'), (2.0, 'b') AS t(y, x)");

    assertThatThrownBy(() -> MaasSpark.fitLinear(data, "y", List.of("x"), LinearRegressionTrainer.ordinaryLeastSquares()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("column 'x' is string, expected a number");
  }

  @Test
  void fitLinear_duplicatedColumn_throwsRankDeficientLikeTheTrainer(SparkSession spark) {
    Dataset<Row> data = plain().frame(spark, 3).selectExpr("x1", "x1 * 1.0 as x1copy", "y");

    assertThatThrownBy(() -> MaasSpark.fitLinear(data, "y", List.of("x1", "x1copy"),
        LinearRegressionTrainer.ordinaryLeastSquares()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("rank deficient");
  }

  /**
   * On the ill-conditioned polynomial design, MaaS's distributed fit is at least as accurate as
   * MLlib's LinearRegression (normal-equation solver, no penalty) against the exact least-squares
   * solution; both are reported in correct significant digits.
   */
  @Test
  void fitLinear_illConditioned_isAtLeastAsAccurateAsMllib(SparkSession spark) {
    Data data = polynomial();
    double[] exact = ExactLeastSquares.solve(data.x(), data.y());
    Dataset<Row> frame = data.frame(spark, 3);

    LinearRegressionModel maas = MaasSpark.fitLinear(frame, "y", data.features(),
        LinearRegressionTrainer.ordinaryLeastSquares());
    Dataset<Row> assembled = new VectorAssembler()
        .setInputCols(data.features().toArray(new String[0])).setOutputCol("features").transform(frame);
    org.apache.spark.ml.regression.LinearRegressionModel mllib = new LinearRegression()
        .setSolver("normal").setRegParam(0).setLabelCol("y").setFeaturesCol("features").fit(assembled);

    double maasDigits = digits(exact, maas.intercept(), maas.coefficients());
    double mllibDigits = digits(exact, mllib.intercept(), mllib.coefficients().toArray());
    System.out.printf("polynomial degree 5, condition %.3g: MaaS %.1f digits, MLlib %.1f digits%n",
        maas.report().orElseThrow().conditionNumber(), maasDigits, mllibDigits);
    assertThat(maasDigits).isGreaterThanOrEqualTo(mllibDigits).isGreaterThan(12);
  }

  /** The correct significant digits of the worst coefficient, intercept first. */
  static double digits(double[] exact, double intercept, double[] coefficients) {
    double worst = relative(intercept, exact[0]);
    for (int j = 0; j < coefficients.length; j++) {
      worst = Math.max(worst, relative(coefficients[j], exact[j + 1]));
    }
    return worst == 0 ? 17 : Math.min(17, -Math.log10(worst));
  }

  private static double relative(double value, double exact) {
    return Math.abs(value - exact) / Math.abs(exact);
  }

  static void assertSameFit(LinearRegressionModel actual, LinearRegressionModel expected) {
    assertThat(actual.featureNames()).isEqualTo(expected.featureNames());
    assertClose("intercept", actual.intercept(), expected.intercept());
    for (int j = 0; j < expected.featureCount(); j++) {
      assertClose("coefficient " + j, actual.coefficient(j), expected.coefficient(j));
    }
    FitReport a = actual.report().orElseThrow();
    FitReport e = expected.report().orElseThrow();
    assertThat(a.rowCount()).isEqualTo(e.rowCount());
    assertThat(a.parameterCount()).isEqualTo(e.parameterCount());
    assertThat(a.intercept()).isEqualTo(e.intercept());
    assertThat(a.ridge()).isEqualTo(e.ridge());
    assertThat(a.standardized()).isEqualTo(e.standardized());
    assertClose("residual standard error", a.residualStandardError(), e.residualStandardError());
    assertClose("r squared", a.rSquared(), e.rSquared());
    assertClose("adjusted r squared", a.adjustedRSquared(), e.adjustedRSquared());
    assertClose("F", a.fStatistic(), e.fStatistic());
    assertClose("F p-value", a.fPValue(), e.fPValue());
    assertClose("condition number", a.conditionNumber(), e.conditionNumber());
    for (int j = 0; j < e.coefficients().size(); j++) {
      FitReport.Coefficient ca = a.coefficients().get(j);
      FitReport.Coefficient ce = e.coefficients().get(j);
      assertThat(ca.name()).isEqualTo(ce.name());
      assertClose(ce.name() + " estimate", ca.estimate(), ce.estimate());
      assertClose(ce.name() + " standard error", ca.standardError(), ce.standardError());
      assertClose(ce.name() + " t", ca.tStatistic(), ce.tStatistic());
      assertClose(ce.name() + " p-value", ca.pValue(), ce.pValue());
    }
  }

  private static void assertClose(String what, double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(what).isNaN();
      return;
    }
    double scale = Math.max(Math.abs(actual), Math.abs(expected));
    assertThat(Math.abs(actual - expected)).as("%s: %s vs %s", what, actual, expected).isLessThanOrEqualTo(RELATIVE * scale);
  }
}
