package dev.maas;

import java.util.Map;

class ScaleModelContractTest extends PredictorContractTest {
  @Override
  protected Model newModel() {
    return new ScaleModel(2.5);
  }

  @Override
  protected Map<String, Tensor> sampleInputs(int batchSize) {
    return ScaleModel.inputs(batchSize, batchSize);
  }
}
