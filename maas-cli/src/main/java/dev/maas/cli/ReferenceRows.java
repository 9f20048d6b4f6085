package dev.maas.cli;

import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.monitor.ReferenceBuilder;
import dev.maas.monitor.ReferenceOptions;
import dev.maas.monitor.ReferenceStatistics;
import java.util.Arrays;
import java.util.Map;

/**
 * Builds a trained linear model's drift reference from its training rows as they stream past: rows
 * are gathered into batches, and each batch is added as inputs together with the model's outputs
 * for it. Not thread-safe.
 */
final class ReferenceRows {
  private static final int BATCH_ROWS = 1024;

  private final Predictor predictor;
  private final TensorSpec input;
  private final ReferenceBuilder builder;
  private final int p;
  private final double[] batch;
  private int filled;

  ReferenceRows(LinearRegressionModel model) {
    this((Model) model);
    builder.featureNames(input.name(), model.featureNames());
  }

  private ReferenceRows(Model model) {
    this.predictor = model.predictor();
    this.input = model.signature().inputs().get(0);
    this.builder = ReferenceStatistics.builder(model.signature(), ReferenceOptions.defaults());
    this.p = Math.toIntExact(input.dims()[1]);
    this.batch = new double[BATCH_ROWS * p];
  }

  void add(double[] row) {
    System.arraycopy(row, 0, batch, filled * p, p);
    if (++filled == BATCH_ROWS) {
      flush();
    }
  }

  private void flush() {
    if (filled == 0) {
      return;
    }
    double[] values = Arrays.copyOf(batch, filled * p);
    Tensor x = input.dataType() == DataType.FP64 ? Tensor.wrap(DataType.FP64, values, filled, p)
        : Tensor.ofFloats(toFloats(values), filled, p);
    Map<String, Tensor> inputs = Map.of(input.name(), x);
    builder.addInputs(inputs).addOutputs(predictor.predict(inputs));
    filled = 0;
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  ReferenceStatistics build() {
    flush();
    return builder.build();
  }
}
