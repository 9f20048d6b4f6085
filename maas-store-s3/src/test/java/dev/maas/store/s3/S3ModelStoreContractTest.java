package dev.maas.store.s3;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelStoreContractTest;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import dev.maas.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The store contract, against s3proxy on loopback; every test gets a store under its own prefix. */
class S3ModelStoreContractTest extends ModelStoreContractTest {
  @TempDir static Path dir;
  private static S3Server server;
  private static int stores;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected ModelStore newStore() {
    int n = ++stores;
    return S3Store.open(server.options("contract-" + n, "contract-" + n).build(), List.of(new ScaleFormat()));
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
