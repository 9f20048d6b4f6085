package dev.maas.store;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelStoreContractTest;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import dev.maas.Tensor;
import java.util.List;
import java.util.Map;

class InMemoryModelStoreTest extends ModelStoreContractTest {
  @Override
  protected ModelStore newStore() {
    return ModelStore.inMemory(List.of(new ScaleFormat()));
  }

  @Override
  protected Model newModel(long seed) {
    return new ScaleModel(1 + seed);
  }

  @Override
  protected Map<String, Tensor> sampleInputs() {
    return ScaleModel.inputs(3, 42);
  }
}
