package dev.maas;

import dev.maas.spi.AbstractModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A small test model: input {@code x} FP64 [-1, 2]; outputs {@code y = factor * x} (FP64 [-1, 2])
 * and {@code sum} (FP64 [-1], the row sums of y).
 */
public final class ScaleModel extends AbstractModel {
  public static final ModelSignature SIGNATURE = new ModelSignature(
      java.util.List.of(TensorSpec.of("x", DataType.FP64, -1, 2)),
      java.util.List.of(TensorSpec.of("y", DataType.FP64, -1, 2), TensorSpec.of("sum", DataType.FP64, -1)), true);

  final double factor;

  public ScaleModel(double factor) {
    super("scale model");
    this.factor = factor;
  }

  @Override
  protected Map<String, Tensor> compute(Map<String, Tensor> inputs, Set<String> outputs) {
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

  public static Map<String, Tensor> inputs(int rows, long seed) {
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
}
