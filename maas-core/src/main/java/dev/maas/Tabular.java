package dev.maas;

import java.util.Map;
import java.util.Set;

/**
 * The generic tabular path of {@link Predictor#predictRows}, through tensors: the model's one input
 * and its first output (the point prediction; further outputs, such as interval bounds, are not
 * computed).
 */
final class Tabular {
  private Tabular() {}

  static double[] predictRows(Predictor predictor, double[][] rows) {
    tabularInput(predictor.signature(), true);
    double[] out = predictRows(predictor, rows, predictor.signature().outputs().get(0).name());
    if (out.length != rows.length) {
      throw new PredictionException("output '" + predictor.signature().outputs().get(0).name() + "' has "
          + out.length + " values for " + rows.length + " rows");
    }
    return out;
  }

  static double[] predictRows(Predictor predictor, double[][] rows, String outputName) {
    java.util.Objects.requireNonNull(outputName, "output");
    ModelSignature signature = predictor.signature();
    TensorSpec input = tabularInput(signature, false);
    TensorSpec output = signature.outputs().stream().filter(o -> o.name().equals(outputName)).findFirst()
        .orElseThrow(() -> new InvalidInputException("the model has no output '" + outputName + "'; outputs: "
            + signature.outputs().stream().map(TensorSpec::name).toList()));
    if (!output.dataType().isNumeric()) {
      throw new InvalidInputException("output '" + output.name() + "' is " + output.describe() + ", not numbers");
    }
    int columns = checkRows(rows, input);
    int n = rows.length;
    Tensor tensor;
    if (input.dataType() == DataType.FP64) {
      double[] flat = new double[n * columns];
      for (int i = 0; i < n; i++) {
        System.arraycopy(rows[i], 0, flat, i * columns, columns);
      }
      tensor = Tensor.wrap(DataType.FP64, flat, n, columns);
    } else {
      float[] flat = new float[n * columns];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < columns; j++) {
          flat[i * columns + j] = (float) rows[i][j];
        }
      }
      tensor = Tensor.wrap(DataType.FP32, flat, n, columns);
    }
    Tensor result = predictor.predict(Map.of(input.name(), tensor), Set.of(output.name())).get(output.name());
    if (n == 0 ? result.size() != 0 : result.size() % n != 0 || result.size() == 0) {
      throw new PredictionException(
          "output '" + output.name() + "' has " + result.size() + " values for " + n + " rows");
    }
    return result.toDoubleArray();
  }

  /**
   * The model's one tabular input; with {@code pointOutput}, also checks that the first output
   * holds one value per row (a named output may hold {@code k} per row).
   */
  static TensorSpec tabularInput(ModelSignature signature, boolean pointOutput) {
    if (signature.inputs().size() != 1 || signature.outputs().isEmpty()) {
      throw new InvalidInputException(
          "the tabular path needs one input and an output; the model has " + signature.inputs().size()
              + " inputs and " + signature.outputs().size() + " outputs");
    }
    TensorSpec input = signature.inputs().get(0);
    TensorSpec output = signature.outputs().get(0);
    boolean inputFits = input.rank() == 2 && (input.dataType() == DataType.FP64 || input.dataType() == DataType.FP32);
    boolean outputFits = output.dataType().isNumeric()
        && (output.rank() == 1 || (output.rank() == 2 && output.shape().get(1) == 1));
    if (!inputFits) {
      throw new InvalidInputException("the tabular path needs input FP64 or FP32 [-1, p]; the model has input "
          + input.describe());
    }
    if (pointOutput && !outputFits) {
      throw new InvalidInputException(
          "the tabular path needs input FP64 or FP32 [-1, p] and a first output [-1] or [-1, 1]; the model has"
              + " input " + input.describe() + " and first output " + output.describe());
    }
    return input;
  }

  /** Checks that every row has the input's column count; returns it. */
  static int checkRows(double[][] rows, TensorSpec input) {
    long declared = input.shape().get(1);
    int columns = rows.length > 0 ? rows[0].length : (int) Math.max(declared, 0);
    if (declared != TensorSpec.DYNAMIC && declared != columns) {
      throw new InvalidInputException(
          "input '" + input.name() + "': expected " + declared + " columns per row, got " + columns);
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != columns) {
        throw new InvalidInputException(
            "input '" + input.name() + "': row " + i + " has " + rows[i].length + " columns, expected " + columns);
      }
    }
    return columns;
  }
}
