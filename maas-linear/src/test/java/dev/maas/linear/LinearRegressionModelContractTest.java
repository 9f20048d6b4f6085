package dev.maas.linear;

import dev.maas.Model;
import dev.maas.PredictorContractTest;
import dev.maas.Tensor;
import java.util.List;
import java.util.Map;

class LinearRegressionModelContractTest extends PredictorContractTest {
  @Override
  protected Model newModel() {
    return LinearRegressionModel.of(0.5, new double[] {1.25, -2, 3e-3}, List.of("a", "b", "c"));
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
