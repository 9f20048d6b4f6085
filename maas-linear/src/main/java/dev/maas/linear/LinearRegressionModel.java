package dev.maas.linear;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.spi.AbstractModel;
import dev.maas.spi.AffineModel;
import dev.maas.spi.ExactShapleyModel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A fitted linear regression {@code y = b0 + b1 x1 + ... + bp xp}: its coefficients, feature
 * names and, when it came from {@link LinearRegressionTrainer}, the {@link FitReport} of the fit.
 * Its signature takes one input {@value #INPUT}, FP64 {@code [-1, p]} (FP32 tensors are accepted
 * as well and widened), and returns the output {@value #OUTPUT}, FP64 {@code [-1]}. A model fitted
 * by least squares (weighted or not, without a ridge penalty) also keeps what intervals need and
 * declares two more outputs, {@value #LOWER} and {@value #UPPER}, FP64 {@code [-1]}: the bounds of
 * the {@link #interval()} at the {@link #intervalLevel()} (by default the 95% prediction interval),
 * computed only when requested by name or when every output is requested; {@link #withIntervals}
 * gives a model with another kind or level. A model without that data (built with {@link #of}, a
 * ridge fit, or a version published before intervals were stored) declares only {@value #OUTPUT}
 * and answers a request for the bounds with an {@link InvalidInputException} saying why. The tabular
 * calls {@link Predictor#predictRows} and {@link Predictor#predictRow} allocate nothing but their
 * result. The model holds no native memory; {@link #close()} stops further predictions, as for
 * every {@link dev.maas.Model}.
 *
 * <p>Instances are immutable (but for being closed) and thread-safe.
 */
public final class LinearRegressionModel extends AbstractModel implements AffineModel, ExactShapleyModel {
  /** The name of the model's input. */
  public static final String INPUT = "features";
  /** The name of the model's output. */
  public static final String OUTPUT = "prediction";
  /** The name of the output holding the lower bounds of the model's interval. */
  public static final String LOWER = "lower";
  /** The name of the output holding the upper bounds of the model's interval. */
  public static final String UPPER = "upper";
  /** The level of the intervals unless {@link #withIntervals} chooses another. */
  public static final double DEFAULT_LEVEL = 0.95;

  private final double intercept;
  private final double[] coefficients;
  private final List<String> featureNames;
  private final Optional<FitReport> report;
  private final IntervalData intervals;
  private final Interval interval;
  private final double level;
  private final double quantile;
  private final ModelSignature signature;

  private LinearRegressionModel(double intercept, double[] coefficients, List<String> featureNames,
      Optional<FitReport> report) {
    this(intercept, coefficients, featureNames, report, null, Interval.PREDICTION, DEFAULT_LEVEL);
  }

  private LinearRegressionModel(double intercept, double[] coefficients, List<String> featureNames,
      Optional<FitReport> report, IntervalData intervals, Interval interval, double level) {
    super("linear regression model");
    this.intervals = intervals;
    this.interval = Objects.requireNonNull(interval, "interval");
    if (!(level > 0 && level < 1)) {
      throw new InvalidInputException("interval level must be between 0 and 1 (exclusive), got " + level);
    }
    this.level = level;
    if (intervals != null && intervals.shift.length != coefficients.length) {
      throw new InvalidInputException("interval data for " + intervals.shift.length + " features, model has "
          + coefficients.length);
    }
    this.intercept = intercept;
    this.coefficients = coefficients;
    this.featureNames = List.copyOf(featureNames);
    this.report = report;
    if (!Double.isFinite(intercept)) {
      throw new InvalidInputException("intercept must be finite, got " + intercept);
    }
    for (int j = 0; j < coefficients.length; j++) {
      if (!Double.isFinite(coefficients[j])) {
        throw new InvalidInputException("coefficient " + j + " must be finite, got " + coefficients[j]);
      }
    }
    if (this.featureNames.size() != coefficients.length) {
      throw new InvalidInputException(
          coefficients.length + " coefficients but " + this.featureNames.size() + " feature names");
    }
    if (new HashSet<>(this.featureNames).size() != this.featureNames.size()) {
      throw new InvalidInputException("feature names must be distinct: " + this.featureNames);
    }
    for (String name : this.featureNames) {
      if (name.isEmpty()) {
        throw new InvalidInputException("feature names must not be empty");
      }
    }
    List<TensorSpec> outputs = intervals == null
        ? List.of(TensorSpec.of(OUTPUT, DataType.FP64, TensorSpec.DYNAMIC))
        : List.of(TensorSpec.of(OUTPUT, DataType.FP64, TensorSpec.DYNAMIC),
            TensorSpec.of(LOWER, DataType.FP64, TensorSpec.DYNAMIC),
            TensorSpec.of(UPPER, DataType.FP64, TensorSpec.DYNAMIC));
    this.signature = new ModelSignature(
        List.of(TensorSpec.of(INPUT, DataType.FP64, TensorSpec.DYNAMIC, coefficients.length)), outputs, true);
    this.quantile = intervals == null ? Double.NaN : intervals.quantile(level);
  }

  /**
   * A model with the given intercept and coefficients (copied) and feature names.
   *
   * @throws InvalidInputException if a value is not finite, or the names are not as many as
   *     the coefficients, distinct and non-empty
   */
  public static LinearRegressionModel of(double intercept, double[] coefficients, List<String> featureNames) {
    Objects.requireNonNull(coefficients, "coefficients");
    Objects.requireNonNull(featureNames, "featureNames");
    return new LinearRegressionModel(intercept, coefficients.clone(), featureNames, Optional.empty());
  }

  /** The same as {@link #of} but carrying {@code report}; used by the trainer and the format. */
  static LinearRegressionModel withReport(double intercept, double[] coefficients, List<String> featureNames,
      FitReport report) {
    return new LinearRegressionModel(intercept, coefficients, featureNames, Optional.of(report));
  }

  /** A fitted model with its report and, when not null, interval data; used by the trainer and the format. */
  static LinearRegressionModel fitted(double intercept, double[] coefficients, List<String> featureNames,
      Optional<FitReport> report, IntervalData intervals, Interval interval, double level) {
    return new LinearRegressionModel(intercept, coefficients, featureNames, report, intervals, interval, level);
  }

  /**
   * This model with intervals of {@code kind} at {@code level} in its {@value #LOWER} and {@value
   * #UPPER} outputs: a new, open model with the same coefficients, report and interval data (this
   * one is unchanged, and closing either does not close the other). Publishing it stores the
   * choice, so that a server of that version returns these intervals. For a 90% prediction
   * interval, as {@code predict(fit, newdata, interval = "prediction", level = 0.9)} in R:
   *
   * <pre>{@code
   * Predictor p = model.withIntervals(Interval.PREDICTION, 0.9).predictor();
   * Map<String, Tensor> out = p.predict(Map.of(INPUT, rows), Set.of(OUTPUT, LOWER, UPPER));
   * }</pre>
   *
   * @throws InvalidInputException if {@code level} is not strictly between 0 and 1
   * @throws InvalidInputException if this model has no interval data ({@link #hasIntervals()})
   */
  public LinearRegressionModel withIntervals(Interval kind, double level) {
    Objects.requireNonNull(kind, "kind");
    if (intervals == null) {
      throw noIntervals(LOWER);
    }
    return new LinearRegressionModel(intercept, coefficients, featureNames, report, intervals, kind, level);
  }

  /** Whether this model keeps what intervals need, and so declares {@value #LOWER} and {@value #UPPER}. */
  public boolean hasIntervals() {
    return intervals != null;
  }

  /** The kind of interval in the {@value #LOWER} and {@value #UPPER} outputs (default prediction). */
  public Interval interval() {
    return interval;
  }

  /** The level of the interval in the {@value #LOWER} and {@value #UPPER} outputs (default 0.95). */
  public double intervalLevel() {
    return level;
  }

  /** The interval data, or null. */
  IntervalData intervalData() {
    return intervals;
  }

  static InvalidInputException noIntervals(String output) {
    return new InvalidInputException("output '" + output + "': this linear model has no interval data (it was "
        + "published before maas stored what intervals need, fitted with a ridge penalty, or built from "
        + "coefficients alone); fit it again without a penalty and publish it to get intervals");
  }

  @Override
  public double[] coefficients() {
    return coefficients.clone();
  }

  /** Coefficient {@code j}, for feature {@code featureNames().get(j)}. */
  public double coefficient(int j) {
    return coefficients[j];
  }

  @Override
  public double intercept() {
    return intercept;
  }

  /** Exactly {@code coefficient[j] × (x[j] − mean of background column j)}; see {@link ExactShapleyModel}. */
  @Override
  public double[][] shapleyValues(double[][] rows, double[][] background) {
    return LinearShapley.values(coefficients, rows, background);
  }

  /** The feature names, one per input column. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The number of input columns, p. */
  public int featureCount() {
    return coefficients.length;
  }

  /** The statistics of the fit that made this model, if it came from a fit. */
  public Optional<FitReport> report() {
    return report;
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public Map<String, String> metadata() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("type", "linear-regression");
    out.put("features", String.join(",", featureNames));
    out.put("intercept", Double.toString(intercept));
    return Map.copyOf(out);
  }

  @Override
  protected Map<String, Tensor> prepareInputs(Map<String, Tensor> inputs) {
    Tensor x = inputs.get(INPUT);
    if (x == null || x.dataType() != DataType.FP32) {
      return inputs;
    }
    // FP32 widens to FP64 exactly, after which the signature check applies as to FP64.
    Map<String, Tensor> widened = new HashMap<>(inputs);
    widened.put(INPUT, Tensor.wrap(DataType.FP64, x.toDoubleArray(), x.shape()));
    return widened;
  }

  @Override
  protected void checkOutputs(Set<String> outputs) {
    if (intervals == null) {
      for (String name : List.of(LOWER, UPPER)) {
        if (outputs.contains(name)) {
          throw noIntervals(name);
        }
      }
    }
  }

  @Override
  protected Map<String, Tensor> compute(Map<String, Tensor> inputs, Set<String> outputs) {
    Tensor x = inputs.get(INPUT);
    int rows = (int) x.dim(0);
    int p = coefficients.length;
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      double s = intercept;
      int base = i * p;
      for (int j = 0; j < p; j++) {
        s += coefficients[j] * x.getDouble(base + j);
      }
      out[i] = s;
    }
    boolean all = outputs.isEmpty();
    boolean bounds = intervals != null && (all || outputs.contains(LOWER) || outputs.contains(UPPER));
    if (!bounds) {
      return Map.of(OUTPUT, Tensor.wrap(DataType.FP64, out, rows));
    }
    double[] lower = new double[rows];
    double[] upper = new double[rows];
    double[] a = new double[intervals.k];
    int off = intervals.intercept ? 1 : 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < p; j++) {
        a[off + j] = x.getDouble(i * p + j);
      }
      double half = intervals.halfWidth(interval, quantile, intervals.standardErrorOfFit(a));
      lower[i] = out[i] - half;
      upper[i] = out[i] + half;
    }
    Map<String, Tensor> result = new LinkedHashMap<>();
    result.put(OUTPUT, Tensor.wrap(DataType.FP64, out, rows));
    result.put(LOWER, Tensor.wrap(DataType.FP64, lower, rows));
    result.put(UPPER, Tensor.wrap(DataType.FP64, upper, rows));
    return result;
  }

  @Override
  protected double[] computeRows(double[][] rows) {
    for (int i = 0; i < rows.length; i++) {
      checkRow(rows[i], i);
    }
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = dot(rows[i]);
    }
    return out;
  }

  @Override
  protected double computeRow(double[] row) {
    checkRow(row, 0);
    return dot(row);
  }

  private double dot(double[] row) {
    double s = intercept;
    for (int j = 0; j < coefficients.length; j++) {
      s += coefficients[j] * row[j];
    }
    return s;
  }

  private void checkRow(double[] row, int index) {
    if (row.length != coefficients.length) {
      throw new InvalidInputException("input '" + INPUT + "': row " + index + " has " + row.length
          + " columns, expected " + coefficients.length, null, MaasException.Context.ofInput(INPUT));
    }
  }

  @Override
  public String toString() {
    return "LinearRegressionModel[intercept=" + intercept + ", coefficients=" + Arrays.toString(coefficients)
        + ", features=" + featureNames + "]";
  }
}
