package dev.maas.cli;

import dev.maas.DataType;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.monitor.ReferenceBuilder;
import dev.maas.monitor.ReferenceOptions;
import dev.maas.monitor.ReferenceStatistics;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a trained linear model's drift reference in the fit's own pass over its training rows.
 * The input statistics see every row as it streams past; the model does not exist yet, so the
 * prediction statistics come from a seeded uniform sample of {@link ReferenceOptions#sampleSize()}
 * rows (all of them for smaller data), run through the fitted model in {@link #build}. Not
 * thread-safe.
 */
final class ReferenceRows {
  private static final int BATCH_ROWS = 1024;

  private final List<String> featureNames;
  private final int p;
  private final ReferenceBuilder inputs;
  private final double[] batch;
  private int filled;
  /** The reservoir of rows the prediction statistics are computed from (Vitter's algorithm R). */
  private final double[][] sample;
  private final SplittableRandom random;
  private long seen;

  ReferenceRows(List<String> featureNames) {
    this.featureNames = List.copyOf(featureNames);
    this.p = featureNames.size();
    ModelSignature inputsOnly = new ModelSignature(
        List.of(TensorSpec.of(LinearRegressionModel.INPUT, DataType.FP64, TensorSpec.DYNAMIC, p)),
        List.of(TensorSpec.of("prediction", DataType.FP64, TensorSpec.DYNAMIC)), true); // outputs never added
    ReferenceOptions options = ReferenceOptions.defaults();
    this.inputs = ReferenceStatistics.builder(inputsOnly, options).featureNames(LinearRegressionModel.INPUT,
        this.featureNames);
    this.batch = new double[BATCH_ROWS * p];
    this.sample = new double[options.sampleSize()][];
    this.random = new SplittableRandom(options.seed());
  }

  void add(double[] row) {
    System.arraycopy(row, 0, batch, filled * p, p);
    if (++filled == BATCH_ROWS) {
      flush();
    }
    if (seen < sample.length) {
      sample[(int) seen] = row.clone();
    } else {
      long slot = random.nextLong(seen + 1);
      if (slot < sample.length) {
        sample[(int) slot] = row.clone();
      }
    }
    seen++;
  }

  private void flush() {
    if (filled == 0) {
      return;
    }
    inputs.addInputs(Map.of(LinearRegressionModel.INPUT,
        Tensor.wrap(DataType.FP64, Arrays.copyOf(batch, filled * p), filled, p)));
    filled = 0;
  }

  /** The reference: every row's input statistics, and {@code model}'s predictions for the sample. */
  ReferenceStatistics build(LinearRegressionModel model) {
    flush();
    ReferenceStatistics all = inputs.build();
    int n = (int) Math.min(seen, sample.length);
    if (n == 0) {
      return all;
    }
    double[] values = new double[n * p];
    for (int i = 0; i < n; i++) {
      System.arraycopy(sample[i], 0, values, i * p, p);
    }
    Map<String, Tensor> sampled = Map.of(LinearRegressionModel.INPUT, Tensor.wrap(DataType.FP64, values, n, p));
    ReferenceStatistics predicted = ReferenceStatistics.builder(model.signature(), ReferenceOptions.defaults())
        .addOutputs(model.predictor().predict(sampled)).build();
    return all.withOutputsOf(predicted);
  }
}
