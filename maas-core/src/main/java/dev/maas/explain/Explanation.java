package dev.maas.explain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Shapley values of a batch of rows: for each explained row and each column of the explained
 * output, the model's prediction and one attribution per feature, such that the attributions sum to
 * {@code prediction − baseValue} (local accuracy). With {@link ExplainMethod#KERNEL} each
 * attribution also carries the standard error of its sampling; exact methods report 0.
 *
 * <p>Methods that take no output column read column 0, the only one for a model with one value
 * per row.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Explanation {
  private final List<String> featureNames;
  private final String output;
  private final ExplainMethod method;
  private final int coalitions;
  private final int rows;
  private final int columns;
  private final double[] baseValues;
  private final double[] predictions;
  private final double[] attributions;
  private final double[] errors;

  Explanation(List<String> featureNames, String output, ExplainMethod method, int coalitions, int rows,
      double[] baseValues, double[] predictions, double[] attributions, double[] errors) {
    this.featureNames = List.copyOf(featureNames);
    this.output = Objects.requireNonNull(output, "output");
    this.method = Objects.requireNonNull(method, "method");
    this.coalitions = coalitions;
    this.rows = rows;
    this.columns = baseValues.length;
    this.baseValues = baseValues;
    this.predictions = predictions;
    this.attributions = attributions;
    this.errors = errors;
  }

  /** The feature names, in the order attributions are given. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The name of the explained model output. */
  public String output() {
    return output;
  }

  /** The method that computed the values: never {@link ExplainMethod#AUTO}. */
  public ExplainMethod method() {
    return method;
  }

  /**
   * How many coalitions were evaluated per explained row, each against every background row: {@code
   * 2^p − 2} for {@link ExplainMethod#EXACT}, the sample size for {@link ExplainMethod#KERNEL}, 0
   * for {@link ExplainMethod#FORMAT}.
   */
  public int coalitionsPerRow() {
    return coalitions;
  }

  /** The number of explained rows. */
  public int rowCount() {
    return rows;
  }

  /** The number of output columns explained: 1 for a model with one value per row. */
  public int outputColumns() {
    return columns;
  }

  /** The mean model output over the background, for output column 0. */
  public double baseValue() {
    return baseValue(0);
  }

  /** The mean model output over the background, for output column {@code column}. */
  public double baseValue(int column) {
    return baseValues[Objects.checkIndex(column, columns)];
  }

  /** The model's output for row {@code row}, column 0. */
  public double prediction(int row) {
    return prediction(row, 0);
  }

  /** The model's output for row {@code row}, output column {@code column}. */
  public double prediction(int row, int column) {
    return predictions[Objects.checkIndex(row, rows) * columns + Objects.checkIndex(column, columns)];
  }

  /** The attribution of feature {@code feature} to row {@code row}'s output column 0. */
  public double attribution(int row, int feature) {
    return attribution(row, 0, feature);
  }

  /** The attribution of feature {@code feature} to row {@code row}'s output column {@code column}. */
  public double attribution(int row, int column, int feature) {
    return attributions[index(row, column, feature)];
  }

  /** The standard error of {@link #attribution(int, int, int)}: 0 for exact methods. */
  public double standardError(int row, int column, int feature) {
    return errors[index(row, column, feature)];
  }

  /** The attributions of row {@code row}'s output column 0, one per feature (a copy). */
  public double[] attributions(int row) {
    return attributions(row, 0);
  }

  /** The attributions of row {@code row}'s output column {@code column}, one per feature (a copy). */
  public double[] attributions(int row, int column) {
    int from = index(row, column, 0);
    return java.util.Arrays.copyOfRange(attributions, from, from + featureNames.size());
  }

  /** The standard errors of {@link #attributions(int, int)} (a copy). */
  public double[] standardErrors(int row, int column) {
    int from = index(row, column, 0);
    return java.util.Arrays.copyOfRange(errors, from, from + featureNames.size());
  }

  /** The attributions of row {@code row}'s output column {@code column} by feature name, in feature order. */
  public Map<String, Double> attributionsByName(int row, int column) {
    Map<String, Double> out = new LinkedHashMap<>();
    int from = index(row, column, 0);
    for (int j = 0; j < featureNames.size(); j++) {
      out.put(featureNames.get(j), attributions[from + j]);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Every row's attributions for output column {@code column}: {@code [rows][features]}, a copy. */
  public double[][] attributionMatrix(int column) {
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = attributions(i, column);
    }
    return out;
  }

  /** Every row's standard errors for output column {@code column}: {@code [rows][features]}, a copy. */
  public double[][] standardErrorMatrix(int column) {
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = standardErrors(i, column);
    }
    return out;
  }

  private int index(int row, int column, int feature) {
    int p = featureNames.size();
    return (Objects.checkIndex(row, rows) * columns + Objects.checkIndex(column, columns)) * p
        + Objects.checkIndex(feature, p);
  }

  @Override
  public String toString() {
    return "Explanation[" + rows + " rows, output '" + output + "' (" + columns + " columns), " + featureNames.size()
        + " features, " + method + "]";
  }
}
