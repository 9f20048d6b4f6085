package dev.maas.onnx;

import dev.maas.DataType;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Predictors;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.spi.AffineModel;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A test {@link AffineModel}: {@code y = x · c + b} in FP64, input {@code features}, output {@code prediction}. */
class TestAffineModel implements AffineModel {
  private final double[] coefficients;
  private final double intercept;
  private final ModelSignature signature;

  TestAffineModel(double[] coefficients, double intercept, boolean columnOutput) {
    this.coefficients = coefficients.clone();
    this.intercept = intercept;
    this.signature = new ModelSignature(List.of(TensorSpec.of("features", DataType.FP64, -1, coefficients.length)),
        List.of(columnOutput ? TensorSpec.of("prediction", DataType.FP64, -1, 1) : TensorSpec.of("prediction", DataType.FP64, -1)), true);
  }

  @Override
  public double[] coefficients() {
    return coefficients.clone();
  }

  @Override
  public double intercept() {
    return intercept;
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public Map<String, String> metadata() {
    return Map.of();
  }

  @Override
  public Predictor predictor() {
    return Predictors.validating(new Predictor() {
      @Override
      public ModelSignature signature() {
        return signature;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
        Tensor x = inputs.get("features");
        int rows = (int) x.dim(0);
        int p = coefficients.length;
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
          double sum = intercept;
          for (int j = 0; j < p; j++) {
            sum += x.getDouble(r * p + j) * coefficients[j];
          }
          y[r] = sum;
        }
        long[] shape = signature.outputs().get(0).rank() == 1 ? new long[] {rows} : new long[] {rows, 1};
        return Map.of("prediction", Tensor.wrap(DataType.FP64, y, shape));
      }
    });
  }

  @Override
  public void close() {}
}
