package dev.maas.spark;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.Model;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * MaaS on Apache Spark: scores any stored model on a DataFrame ({@link #predict}), installs a
 * model as a SQL function ({@link #register}), and fits linear regressions on data spread over
 * partitions ({@link #fitLinear}) with the single-machine trainer's algorithm and accuracy.
 *
 * <p>Models are opened once per JVM (each executor, and the driver) and shared by its tasks; see
 * {@link ModelSource}. Scoring is lazy, as every DataFrame transformation is: a failure on an
 * executor (a model that cannot be opened, a broadcast whose checksum does not match) surfaces
 * when the result is computed, as Spark's job failure whose cause is the {@link MaasException}.
 * What can be checked on the driver (columns, types, the model's signature) is checked before
 * {@link #predict} returns.
 *
 * <p>This class has no state and is thread-safe.
 */
public final class MaasSpark {
  private MaasSpark() {}

  /**
   * {@code data} with the outputs of the model appended as columns (see {@link ScoringOptions}
   * for how columns map to inputs and outputs to columns). Rows are scored inside {@code
   * mapPartitions}, {@link ScoringOptions#batchRows()} rows per predictor call; a row with a null
   * input value gets null outputs. The row order and partitioning of {@code data} are kept.
   *
   * @throws InvalidInputException if the columns cannot feed the model's inputs, or an output
   *     would replace an existing column
   * @throws MaasException if the model cannot be opened on the driver
   */
  public static Dataset<Row> predict(Dataset<Row> data, ModelSource model, ScoringOptions options) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    Model opened = ExecutorModels.get(model);
    ScoringPlan plan = ScoringPlan.forData(model.name() + ":" + model.version(), opened.signature(),
        opened.metadata(), data.schema(), options);
    return data.mapPartitions(new PartitionScorer(model, plan), Encoders.row(plan.appendTo(data.schema())));
  }

  /** {@link #predict(Dataset, ModelSource, ScoringOptions)} with {@link ScoringOptions#defaults()}. */
  public static Dataset<Row> predict(Dataset<Row> data, ModelSource model) {
    return predict(data, model, ScoringOptions.defaults());
  }

  /**
   * Installs the model as the SQL function {@code name} of {@code spark}, so that {@code SELECT
   * name(a, b, c) FROM t} scores each row: the arguments are the values of each input in
   * signature order (p numbers for an input {@code [-1, p]}, one number for {@code [-1]}, one array
   * for any other shape, at most 22 arguments), the result is the model's output (its single
   * output, or the one {@link ScoringOptions#outputs()} names) as a double or an array of
   * doubles, null when an argument is null. One predictor call per row: {@link #predict} is the
   * fast path.
   *
   * @throws InvalidInputException if the model does not have exactly one output to return, its
   *     inputs are not numeric, or it takes more than 22 values
   */
  public static void register(SparkSession spark, String name, ModelSource model, ScoringOptions options) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    Model opened = ExecutorModels.get(model);
    ScoringPlan plan = ScoringPlan.forSql(model.name() + ":" + model.version(), opened.signature(), options);
    new SqlScorer(model, plan).register(spark, name, plan.outputs.get(0).sparkType());
  }

  /** {@link #register(SparkSession, String, ModelSource, ScoringOptions)} with the default options. */
  public static void register(SparkSession spark, String name, ModelSource model) {
    register(spark, name, model, ScoringOptions.defaults());
  }

  /**
   * Fits {@code label} on {@code features} (numeric columns of {@code data}) with {@code trainer}'s
   * settings and returns what {@link LinearRegressionTrainer#fit(double[][], double[])} returns for
   * the same rows, in the same order: the same coefficients and {@link
   * dev.maas.linear.FitReport}. Each partition folds its rows into a Gram factor (a TSQR factor when
   * the trainer never refines), the factors merge by {@code treeAggregate}, the driver solves (a
   * Gram matrix too ill-conditioned to refine costs one more pass, folding TSQR factors); when the
   * trainer refines (see {@link dev.maas.linear.Refinement#AUTO}, or {@code ALWAYS}), up to four
   * more passes over the data correct the solution with residuals summed in extended precision. The
   * rows are cached for those passes (unless {@code data} already is) and released before returning.
   *
   * @throws InvalidInputException if a column is missing or not numeric, a value is null or not
   *     finite, the rows are too few, or the design is rank deficient
   */
  public static LinearRegressionModel fitLinear(Dataset<Row> data, String label, List<String> features,
      LinearRegressionTrainer trainer) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(trainer, "trainer");
    try {
      return LinearFitJob.fit(data, label, List.copyOf(features), trainer);
    } catch (MaasException e) {
      throw e;
    } catch (Exception e) {
      // Spark reports a failed task as a SparkException (checked, though Scala throws it
      // undeclared) whose cause is what the task threw.
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof MaasException m) {
          throw m;
        }
      }
      throw new MaasException("the distributed fit failed: " + e.getMessage(), e);
    }
  }
}
