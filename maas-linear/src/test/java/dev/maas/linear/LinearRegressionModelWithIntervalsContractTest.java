package dev.maas.linear;

import dev.maas.Model;
import dev.maas.PredictorContractTest;
import dev.maas.Tensor;
import java.util.Map;

/** The predictor contract for a fitted model that declares the interval outputs {@code lower} and {@code upper}. */
class LinearRegressionModelWithIntervalsContractTest extends PredictorContractTest {
  @Override
  protected Model newModel() {
    double[][] x = LinearRegressionTrainerTest.features(30, 3, 71);
    return LinearRegressionTrainer.ordinaryLeastSquares().fit(x, LinearRegressionTrainerTest.targets(x, 72))
        .withIntervals(Interval.CONFIDENCE, 0.9);
  }

  @Override
  protected Map<String, Tensor> sampleInputs(int batchSize) {
    double[] x = new double[batchSize * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = 0.5 * i - batchSize;
    }
    return Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(x, batchSize, 3));
  }
}
