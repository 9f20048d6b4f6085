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
 * as well and widened), and returns one output {@value #OUTPUT}, FP64 {@code [-1]}. The tabular
 * calls {@link Predictor#predictRows} and {@link Predictor#predictRow} allocate nothing but their
 * result. The model holds no native memory; {@link #close()} stops further predictions, as for
 * every {@link dev.maas.Model}.
 *
 * <p>Instances are immutable (but for being closed) and thread-safe.
 */
public final class LinearRegressionModel extends AbstractModel implements AffineModel {
  /** The name of the model's input. */
  public static final String INPUT = "features";
  /** The name of the model's output. */
  public static final String OUTPUT = "prediction";

  private final double intercept;
  private final double[] coefficients;
  private final List<String> featureNames;
  private final Optional<FitReport> report;
  private final ModelSignature signature;

  private LinearRegressionModel(double intercept, double[] coefficients, List<String> featureNames,
      Optional<FitReport> report) {
    super("linear regression model");
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
    this.signature = new ModelSignature(
        List.of(TensorSpec.of(INPUT, DataType.FP64, TensorSpec.DYNAMIC, coefficients.length)),
        List.of(TensorSpec.of(OUTPUT, DataType.FP64, TensorSpec.DYNAMIC)));
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
    return Map.of(OUTPUT, Tensor.wrap(DataType.FP64, out, rows));
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
