package dev.maas.onnx;

import dev.maas.Model;
import dev.maas.PredictorContractTest;
import dev.maas.Tensor;
import java.util.Map;

class OnnxMultiOutputContractTest extends PredictorContractTest {
  @Override
  protected Model newModel() {
    return OnnxModel.fromBytes(TestGraphs.multiInputMultiOutput());
  }

  @Override
  protected Map<String, Tensor> sampleInputs(int batchSize) {
    return Map.of("a", Tensor.ofFloats(TestGraphs.randomFloats(batchSize * 2, batchSize), batchSize, 2),
        "b", Tensor.ofFloats(TestGraphs.randomFloats(batchSize * 2, 100 + batchSize), batchSize, 2));
  }
}
