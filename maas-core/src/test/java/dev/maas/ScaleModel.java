package dev.maas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small test model: input {@code x} FP64 [-1, 2]; outputs {@code y = factor * x} (FP64 [-1, 2])
 * and {@code sum} (FP64 [-1], the row sums of y).
 */
final class ScaleModel implements Model {
  static final ModelSignature SIGNATURE = new ModelSignature(
      java.util.List.of(TensorSpec.of("x", DataType.FP64, -1, 2)),
      java.util.List.of(TensorSpec.of("y", DataType.FP64, -1, 2), TensorSpec.of("sum", DataType.FP64, -1)));

  final double factor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Predictor predictor;

  ScaleModel(double factor) {
    this.factor = factor;
    this.predictor = Predictors.validating(new Predictor() {
      @Override
      public ModelSignature signature() {
        return SIGNATURE;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
        if (closed.get()) {
          throw new IllegalStateException("model is closed");
        }
        Tensor x = inputs.get("x");
        double[] values = x.toDoubleArray();
        int rows = (int) x.dim(0);
        double[] y = new double[values.length];
        double[] sum = new double[rows];
        for (int i = 0; i < values.length; i++) {
          y[i] = factor * values[i];
          sum[i / 2] += y[i];
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("y", Tensor.wrap(DataType.FP64, y, rows, 2));
        out.put("sum", Tensor.wrap(DataType.FP64, sum, rows));
        return out;
      }
    });
  }

  static Map<String, Tensor> inputs(int rows, long seed) {
    java.util.Random random = new java.util.Random(seed);
    double[] x = new double[rows * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    return Map.of("x", Tensor.ofDoubles(x, rows, 2));
  }

  @Override
  public ModelSignature signature() {
    return SIGNATURE;
  }

  @Override
  public Map<String, String> metadata() {
    return Map.of("factor", Double.toString(factor));
  }

  @Override
  public Predictor predictor() {
    if (closed.get()) {
      throw new IllegalStateException("model is closed");
    }
    return predictor;
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
