package dev.maas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.IntegrityException;
import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import dev.maas.StoreSecurity;
import dev.maas.StoredModel;
import dev.maas.encryption.DecryptionException;
import dev.maas.encryption.KeyProvider;
import dev.maas.signing.ModelSigner;
import dev.maas.signing.ModelVerifier;
import dev.maas.signing.SignatureVerificationException;
import dev.maas.spi.ArtifactReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed and encrypted versions in a file-system store: what opens, what is refused, and when. */
class ProtectedStoreTest {
  @TempDir Path root;
  @TempDir Path keys;

  /** The test format, counting how often a model's bytes reach it. */
  static final class CountingFormat extends ScaleFormat {
    final AtomicInteger opens = new AtomicInteger();

    @Override
    public Model open(ArtifactReader in) throws IOException {
      opens.incrementAndGet();
      return super.open(in);
    }
  }

  static Path signingKeys(String file) {
    try {
      return Path.of(ProtectedStoreTest.class.getResource("/dev/maas/signing/keys/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ModelVersion publish(ModelStore store, double factor) {
    try (Model model = new ScaleModel(factor)) {
      return store.publish("m", model);
    }
  }

  private static String factor(ModelStore store, String ref) {
    try (StoredModel model = store.open(ref)) {
      return model.model().metadata().get("factor");
    }
  }

  private Path versionDir(int v) {
    return root.resolve("m").resolve(Integer.toString(v));
  }

  @Test
  void requireSignatures_signedVersionOpens_unsignedOrAlteredRefusedBeforeTheFormatSeesIt() throws IOException {
    ModelSigner signer = ModelSigner.fromPemFile(signingKeys("p256-sec1.pem"));
    ModelVerifier trusted = ModelVerifier.fromPemFiles(List.of(signingKeys("p256-pub.pem")));
    CountingFormat format = new CountingFormat();
    try (ModelStore plain = ModelStore.open(root, List.of(format))) {
      publish(plain, 2);
      publish(plain, 3);
      assertThat(plain.sign(ModelReference.parse("m:1"), signer).files())
          .containsOnlyKeys("maas-version.json", ScaleFormat.FILE);
    }
    assertThat(Files.exists(versionDir(1).resolve("model.sig"))).isTrue();
    // the version directory verifies as a plain OMS model directory too
    assertThat(trusted.verify(versionDir(1)).files()).containsOnlyKeys("maas-version.json", ScaleFormat.FILE);

    try (ModelStore store = ModelStore.open(root, List.of(format), StoreSecurity.none().requireSignatures(trusted))) {
      assertThat(factor(store, "m:1")).isEqualTo("2.0");
      int opened = format.opens.get();
      assertThatThrownBy(() -> store.open("m:2")).isInstanceOf(SignatureVerificationException.class)
          .hasMessageContaining("m:2: unsigned");
      assertThatThrownBy(() -> store.open("m")).isInstanceOf(SignatureVerificationException.class);
      assertThat(store.versions("m")).hasSize(2);

      // whoever can write the store rewrites a file and its recorded checksum: the signature still catches it
      Path meta = versionDir(1).resolve("maas-version.json");
      String original = Files.readString(meta);
      String sha2 = dev.maas.internal.Sha256.of("0x1.0p1".getBytes(StandardCharsets.UTF_8));
      String sha5 = dev.maas.internal.Sha256.of("0x1.4p2".getBytes(StandardCharsets.UTF_8));
      assertThat(original).contains(sha2);
      Files.writeString(versionDir(1).resolve(ScaleFormat.FILE), "0x1.4p2");
      Files.writeString(meta, original.replace(sha2, sha5));
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(SignatureVerificationException.class)
          .hasMessageContaining("maas-version.json has changed since it was signed");
      Files.writeString(versionDir(1).resolve(ScaleFormat.FILE), "0x1.0p1");
      Files.writeString(meta, original);
      assertThat(factor(store, "m:1")).isEqualTo("2.0");
      opened = format.opens.get();

      byte[] sig = Files.readAllBytes(versionDir(1).resolve("model.sig"));
      byte[] flipped = sig.clone();
      flipped[sig.length / 2] ^= 0x01;
      Files.write(versionDir(1).resolve("model.sig"), flipped);
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(SignatureVerificationException.class);
      Files.write(versionDir(1).resolve("model.sig"), sig);
      assertThat(format.opens.get()).as("the format saw no refused version").isEqualTo(opened);
    }
    ModelVerifier other = ModelVerifier.fromPemFiles(List.of(signingKeys("p384-pub.pem")));
    try (ModelStore store = ModelStore.open(root, List.of(format), StoreSecurity.none().requireSignatures(other))) {
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(SignatureVerificationException.class)
          .hasMessageContaining("not trusted");
      assertThatThrownBy(() -> store.verifySignature(ModelReference.parse("m:1"), other))
          .isInstanceOf(SignatureVerificationException.class);
      assertThat(store.verifySignature(ModelReference.parse("m:1"), trusted).subject()).isEqualTo("m:1");
    }
  }

  @Test
  void encryption_versionOpensOnlyWithItsKey_andTamperingIsRefused() throws IOException {
    Path keyFile = keys.resolve("model.key");
    Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
    Path otherKey = keys.resolve("other.key");
    Files.write(otherKey, new byte[32]);
    CountingFormat format = new CountingFormat();
    StoreSecurity encrypted = StoreSecurity.none().encryptWith(KeyProvider.fromKeyFile(keyFile));
    try (ModelStore store = ModelStore.open(root, List.of(format), encrypted)) {
      ModelVersion v1 = publish(store, 2);
      publish(store, 3);
      assertThat(v1.files().get(ScaleFormat.FILE))
          .isEqualTo(dev.maas.internal.Sha256.of("0x1.0p1".getBytes(StandardCharsets.UTF_8)));
      assertThat(Files.readString(versionDir(1).resolve(ScaleFormat.FILE), StandardCharsets.ISO_8859_1))
          .doesNotContain("0x1.0p1").startsWith("MAASGCM1");
      assertThat(factor(store, "m:1")).isEqualTo("2.0");
      assertThat(factor(store, "m:2")).isEqualTo("3.0");
    }
    int opened = format.opens.get();
    try (ModelStore noKey = ModelStore.open(root, List.of(format))) {
      assertThat(noKey.versions("m")).hasSize(2);
      assertThatThrownBy(() -> noKey.open("m:1")).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("m:1 is encrypted").hasMessageContaining("--encryption-key");
    }
    try (ModelStore wrong = ModelStore.open(root, List.of(format),
        StoreSecurity.none().encryptWith(KeyProvider.fromKeyFile(otherKey)))) {
      assertThatThrownBy(() -> wrong.open("m:1")).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("is encrypted with key 'file:");
    }
    try (ModelStore store = ModelStore.open(root, List.of(format), encrypted)) {
      Path file = versionDir(1).resolve(ScaleFormat.FILE);
      byte[] original = Files.readAllBytes(file);
      byte[] flipped = original.clone();
      flipped[flipped.length - 3] ^= 0x01;
      Files.write(file, flipped);
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(DecryptionException.class)
          .hasMessageContaining("does not authenticate");
      Files.write(file, java.util.Arrays.copyOf(original, original.length - 5));
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(DecryptionException.class);
      Files.write(file, original);

      // the wrapped data key of version 2 put into version 1
      Path record1 = versionDir(1).resolve(EncryptionRecord.FILE);
      byte[] saved = Files.readAllBytes(record1);
      Files.copy(versionDir(2).resolve(EncryptionRecord.FILE), record1, StandardCopyOption.REPLACE_EXISTING);
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(DecryptionException.class)
          .hasMessageContaining("wrapped for another model version");
      Files.write(record1, saved);

      // version 2's file copied into version 1 (same key provider, another data key)
      Files.copy(versionDir(2).resolve(ScaleFormat.FILE), file, StandardCopyOption.REPLACE_EXISTING);
      assertThatThrownBy(() -> store.open("m:1")).isInstanceOf(DecryptionException.class);
      Files.write(file, original);
      assertThat(format.opens.get()).as("the format saw no refused version").isEqualTo(opened);
      assertThat(factor(store, "m:1")).isEqualTo("2.0");

      // signatures cover the plaintext digests
      ModelSigner signer = ModelSigner.fromPemFile(signingKeys("p384-pkcs8.pem"));
      assertThat(store.sign(ModelReference.parse("m:1"), signer).files())
          .containsEntry(ScaleFormat.FILE, dev.maas.internal.Sha256.of("0x1.0p1".getBytes(StandardCharsets.UTF_8)));
    }
    ModelVerifier trusted = ModelVerifier.fromPemFiles(List.of(signingKeys("p384-pub.pem")));
    try (ModelStore store = ModelStore.open(root, List.of(format), encrypted.requireSignatures(trusted))) {
      assertThat(factor(store, "m:1")).isEqualTo("2.0");
      assertThatThrownBy(() -> store.open("m:2")).isInstanceOf(SignatureVerificationException.class);
    }
    assertThatThrownBy(() -> KeyProvider.fromKeyFile(signingKeys("p256-pub.pem")))
        .isInstanceOf(dev.maas.encryption.KeyFileException.class).hasMessageContaining("exactly 32 bytes");
    assertThat(IntegrityException.class).isAssignableFrom(DecryptionException.class);
  }
}
