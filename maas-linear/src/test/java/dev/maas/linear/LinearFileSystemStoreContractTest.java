package dev.maas.linear;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelStoreContractTest;
import dev.maas.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract for linear models in the FileSystem store, which finds the format by ServiceLoader. */
class LinearFileSystemStoreContractTest extends ModelStoreContractTest {
  @TempDir Path root;

  @Override
  protected ModelStore newStore() {
    return ModelStore.open(root);
  }

  @Override
  protected Model newModel(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] c = {random.nextDouble(-1, 1), random.nextDouble(-1, 1)};
    return LinearRegressionModel.of(random.nextDouble(), c, List.of("u", "v"));
  }

  @Override
  protected Map<String, Tensor> sampleInputs() {
    return Map.of(LinearRegressionModel.INPUT, Tensor.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
  }
}
