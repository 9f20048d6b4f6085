package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.StoreSecurity;
import dev.maas.signing.ModelSigner;
import dev.maas.signing.ModelVerifier;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server on a store that requires signatures: an unsigned new version is refused, the old one serves on. */
class SignedServingTest {
  private static final String ROW = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";

  @TempDir Path dir;

  @Test
  void requireSignatures_unsignedNewVersionRefusedWithReasonInIndex_previousKeepsServing() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = gen.generateKeyPair();
    ModelSigner signer = ModelSigner.of(keys);
    StoreSecurity security = StoreSecurity.none().requireSignatures(ModelVerifier.trusting(List.of(keys.getPublic())));
    try (ModelStore store = ModelStore.open(dir.resolve("store"), security)) {
      try (AffineModel m = new AffineModel(1, 0)) {
        store.publish("m", m);
      }
      store.sign(ModelReference.parse("m:1"), signer);
      store.setAlias("m", "production", 1);
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        OipClient client = new OipClient(server.uri());
        assertThat(client.post("/v2/models/m/infer", ROW).status()).isEqualTo(200);
        try (AffineModel m = new AffineModel(2, 0)) {
          store.publish("m", m);
        }
        store.setAlias("m", "production", 2);
        server.registry().reconcile();
        OipClient.Answer answer = client.post("/v2/models/m/infer", ROW);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(InferenceJson.readResponse(answer.bytes()).modelVersion()).contains("1");
        String index = client.post("/v2/repository/index", "").body();
        assertThat(index).contains("\"version\":\"1\"", "\"state\":\"READY\"", "version 2: ", "unsigned")
            .doesNotContain(dir.toString());

        try (AffineModel m = new AffineModel(3, 0)) {
          store.publish("m", m);
        }
        store.sign(ModelReference.parse("m:3"), signer);
        store.setAlias("m", "production", 3);
        server.registry().reconcile();
        assertThat(InferenceJson.readResponse(client.post("/v2/models/m/infer", ROW).bytes()).modelVersion())
            .contains("3");
      }
    }
    assertThat(AffineModel.OPEN.get()).isZero();
  }
}
