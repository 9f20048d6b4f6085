package dev.maas.onnx;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelStoreContractTest;
import dev.maas.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class OnnxFileSystemStoreContractTest extends ModelStoreContractTest {
  @TempDir Path root;

  @Override
  protected ModelStore newStore() {
    return ModelStore.open(root, List.of(new OnnxModelFormat()));
  }

  @Override
  protected Model newModel(long seed) {
    return OnnxModel.fromBytes(new TestGraphs.Mlp(seed).graph());
  }

  @Override
  protected Map<String, Tensor> sampleInputs() {
    return Map.of("x", Tensor.ofFloats(TestGraphs.randomFloats(3 * TestGraphs.MLP_IN, 9), 3, TestGraphs.MLP_IN));
  }
}
