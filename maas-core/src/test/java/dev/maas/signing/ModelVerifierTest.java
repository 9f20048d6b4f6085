package dev.maas.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream OMS test vectors (sigstore/model-transparency) against {@link ModelVerifier}. */
class ModelVerifierTest {
  static final String V101 = "v1.0.1-elliptic-key";
  static final String V110 = "v1.1.0-elliptic-key";

  @TempDir Path tmp;

  static Path oms() {
    try {
      return Path.of(ModelVerifierTest.class.getResource("/dev/maas/signing/oms").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ModelVerifier upstreamVerifier() {
    return ModelVerifier.fromPemFiles(List.of(oms().resolve("keys/certificate/signing-key-pub.pem")));
  }

  Path copy(String vector) throws IOException {
    Path target = tmp.resolve(vector);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(oms().resolve(vector))) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }

  @Test
  void verify_upstreamVectorV101_withItsIgnorePath_accepts() throws IOException {
    Path dir = copy(V101);
    VerifiedSignature v = upstreamVerifier().verify(dir, dir.resolve("model.sig"), List.of("ignore-me"));
    assertThat(v.subject()).isEqualTo(V101);
    assertThat(v.files()).containsOnlyKeys("signme-1", "signme-2")
        .containsEntry("signme-1", "bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc");
    assertThat(v.keyHint()).isEqualTo("e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e");
  }

  @Test
  void verify_upstreamVectorV101_ignorePathAsPathBelowDirectory_accepts() throws IOException {
    Path dir = copy(V101);
    assertThat(upstreamVerifier().verify(dir, dir.resolve("model.sig"), List.of(dir.resolve("ignore-me").toString()))
        .files()).hasSize(2);
  }

  @Test
  void verify_upstreamVectorV110_ignoresWhatItsStatementIgnores() throws IOException {
    VerifiedSignature v = upstreamVerifier().verify(copy(V110));
    assertThat(v.subject()).isEqualTo(V110);
    assertThat(v.files()).containsOnlyKeys("signme-1", "signme-2");
  }

  @Test
  void verify_upstreamVectorV101_fileTheSignatureLeavesOut_refusesNamingIt() throws IOException {
    assertThatThrownBy(() -> upstreamVerifier().verify(copy(V101)))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("file ignore-me is not covered by the signature");
  }

  @Test
  void verify_anyFlippedBitOfTheSignatureFile_refuses() throws IOException {
    ModelVerifier verifier = upstreamVerifier();
    for (String vector : List.of(V101, V110)) {
      Path dir = copy(vector);
      Map<String, String> files = verifier.verify(dir, dir.resolve("model.sig"), List.of("ignore-me")).files();
      byte[] original = Files.readAllBytes(dir.resolve("model.sig"));
      String text = new String(original, StandardCharsets.US_ASCII);
      int payloadStart = text.indexOf('"', text.indexOf("\"payload\":") + 10) + 1;
      int payloadEnd = text.indexOf('"', payloadStart + 1);
      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < original.length; i++) {
        // inside the payload every change alters the signed statement; a sample keeps the test short
        boolean inPayload = i > payloadStart + 8 && i < payloadEnd - 8;
        if (inPayload && i % 11 != 0) {
          continue;
        }
        for (int mask : new int[] {0x01, 0x20}) {
          byte[] changed = original.clone();
          changed[i] ^= (byte) mask;
          try {
            verifier.verifyDigests(changed, files, vector);
            accepted.add(vector + " byte " + i + " ^ " + mask);
          } catch (SignatureVerificationException expected) {
            // refused, as it must be
          }
        }
      }
      assertThat(accepted).as("changes of the signature file that still verify").isEmpty();
      assertThat(verifier.verifyDigests(original, files, vector).files()).isEqualTo(files);
    }
  }

  @Test
  void verify_changedSignatureFileOnDisk_refuses() throws IOException {
    Path dir = copy(V110);
    byte[] sig = Files.readAllBytes(dir.resolve("model.sig"));
    sig[new String(sig, StandardCharsets.US_ASCII).indexOf("\"sig\":") + 20] ^= 0x01;
    Files.write(dir.resolve("model.sig"), sig);
    assertThatThrownBy(() -> upstreamVerifier().verify(dir)).isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("does not verify with the trusted key");
  }

  @Test
  void verify_anyChangedByteOfASignedFile_refusesNamingTheFile() throws IOException {
    ModelVerifier verifier = upstreamVerifier();
    for (String vector : List.of(V101, V110)) {
      Path dir = copy(vector);
      for (String file : List.of("signme-1", "signme-2")) {
        byte[] original = Files.readAllBytes(dir.resolve(file));
        for (int i = 0; i < original.length; i++) {
          byte[] changed = original.clone();
          changed[i] ^= 0x01;
          Files.write(dir.resolve(file), changed);
          assertThatThrownBy(() -> verifier.verify(dir, dir.resolve("model.sig"), List.of("ignore-me")))
              .isInstanceOf(SignatureVerificationException.class)
              .hasMessageContaining("file " + file + " has changed since it was signed");
        }
        Files.write(dir.resolve(file), original);
      }
    }
  }

  @Test
  void verify_removedOrAddedFile_refuses() throws IOException {
    Path dir = copy(V110);
    Files.writeString(dir.resolve("extra.bin"), "x");
    assertThatThrownBy(() -> upstreamVerifier().verify(dir))
        .hasMessageContaining("file extra.bin is not covered by the signature");
    Files.delete(dir.resolve("extra.bin"));
    Files.delete(dir.resolve("signme-2"));
    assertThatThrownBy(() -> upstreamVerifier().verify(dir))
        .hasMessageContaining("file signme-2 is signed but missing");
  }

  @Test
  void verify_truncatedFile_refuses() throws IOException {
    Path dir = copy(V110);
    Files.write(dir.resolve("signme-1"), new byte[0]);
    assertThatThrownBy(() -> upstreamVerifier().verify(dir)).hasMessageContaining("signme-1 has changed");
  }

  @Test
  void verify_keyThatDidNotSign_refusesNamingTheHint() throws IOException {
    Path other = keys().resolve("p384-pub.pem");
    assertThatThrownBy(() -> ModelVerifier.fromPemFiles(List.of(other)).verify(copy(V110)))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("not trusted (key hint e8450dec");
    Path v101 = copy(V101);
    assertThatThrownBy(() -> ModelVerifier.fromPemFiles(List.of(other))
            .verify(v101, v101.resolve("model.sig"), List.of("ignore-me")))
        .isInstanceOf(SignatureVerificationException.class);
  }

  @Test
  void verify_severalTrustedKeys_acceptsTheOneThatSigned() throws IOException {
    ModelVerifier verifier = ModelVerifier.fromPemFiles(List.of(keys().resolve("p256-pub.pem"),
        oms().resolve("keys/certificate/signing-key-pub.pem"), keys().resolve("p384-pub.pem")));
    assertThat(verifier.keyHints()).hasSize(3);
    assertThat(verifier.verify(copy(V110)).keyHint()).isEqualTo(verifier.keyHints().get(1));
  }

  @Test
  void verify_unsignedDirectory_refusesAsUnsigned() throws IOException {
    Path dir = copy(V110);
    Files.delete(dir.resolve("model.sig"));
    assertThatThrownBy(() -> upstreamVerifier().verify(dir))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("unsigned: there is no signature file");
  }

  @Test
  void verify_symbolicLinkInTheModel_refuses() throws IOException {
    Path dir = copy(V110);
    Files.delete(dir.resolve("signme-2"));
    Files.createSymbolicLink(dir.resolve("signme-2"), dir.resolve("signme-1"));
    assertThatThrownBy(() -> upstreamVerifier().verify(dir)).hasMessageContaining("signme-2 is a symbolic link");
  }

  @Test
  void fromPemFiles_privateKeyWhereAPublicKeyIsExpected_refusesSayingSo() {
    assertThatThrownBy(() -> ModelVerifier.fromPemFiles(List.of(keys().resolve("p256-sec1.pem"))))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageContaining("holds a private key where a public key is expected");
    assertThatThrownBy(() -> ModelVerifier.fromPemFiles(List.of(keys().resolve("missing.pem"))))
        .isInstanceOf(KeyFormatException.class).hasMessageContaining("cannot read the key file");
    assertThatThrownBy(() -> ModelVerifier.fromPemFiles(List.of()))
        .isInstanceOf(KeyFormatException.class).hasMessageContaining("no trusted public key");
  }

  static Path keys() {
    return oms().resolveSibling("keys");
  }
}
