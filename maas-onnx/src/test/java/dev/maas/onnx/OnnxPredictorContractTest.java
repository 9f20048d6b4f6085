package dev.maas.onnx;

import dev.maas.Model;
import dev.maas.PredictorContractTest;
import dev.maas.Tensor;
import java.util.Map;

class OnnxPredictorContractTest extends PredictorContractTest {
  @Override
  protected Model newModel() {
    return OnnxModel.fromBytes(new TestGraphs.Mlp(5).graph());
  }

  @Override
  protected Map<String, Tensor> sampleInputs(int batchSize) {
    return Map.of("x", Tensor.ofFloats(TestGraphs.randomFloats(batchSize * TestGraphs.MLP_IN, batchSize),
        batchSize, TestGraphs.MLP_IN));
  }

  /** Batched and row-by-row FP32 matrix products may round differently. */
  @Override
  protected double tolerance() {
    return 1e-5;
  }
}
