package dev.maas.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSignerTest {
  @TempDir Path tmp;

  /**
   * A MaaS signature checked the way the OMS reference verifier checks it, with none of the
   * signer's code: the bundle read with a plain JSON parser, the DSSE pre-authentication encoding
   * built here, the ECDSA signature checked by java.security.Signature with the generated public key.
   */
  @Test
  void sign_jdkKeyOnP256AndP384_verifiesIndependentlyOfTheSigner() throws Exception {
    for (String[] curve : new String[][] {{"secp256r1", "SHA256withECDSA"}, {"secp384r1", "SHA384withECDSA"}}) {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec(curve[0]), new SecureRandom());
      KeyPair keys = gen.generateKeyPair();
      Path keyFile = tmp.resolve(curve[0] + ".pem");
      Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
      Path model = tmp.resolve("model-" + curve[0]);
      Files.createDirectories(model.resolve("sub"));
      Files.write(model.resolve("model.onnx"), new byte[] {1, 2, 3, 4});
      Files.writeString(model.resolve("maas-version.json"), "{\"version\": 3}");
      Files.writeString(model.resolve("sub/vocab.txt"), "a\nb\n");

      ModelSigner signer = ModelSigner.fromPemFile(keyFile);
      Path sigFile = signer.signInPlace(model);
      assertThat(sigFile).isEqualTo(model.resolve("model.sig"));

      Map<String, Object> bundle = parse(Files.readAllBytes(sigFile));
      assertThat(bundle.get("mediaType")).isEqualTo("application/vnd.dev.sigstore.bundle.v0.3+json");
      @SuppressWarnings("unchecked")
      Map<String, Object> envelope = (Map<String, Object>) bundle.get("dsseEnvelope");
      String payloadType = (String) envelope.get("payloadType");
      byte[] payload = Base64.getDecoder().decode((String) envelope.get("payload"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> sigs = (List<Map<String, Object>>) envelope.get("signatures");
      byte[] sig = Base64.getDecoder().decode((String) sigs.get(0).get("sig"));

      ByteArrayOutputStream pae = new ByteArrayOutputStream();
      pae.writeBytes(("DSSEv1 " + payloadType.getBytes(StandardCharsets.UTF_8).length + " " + payloadType + " "
          + payload.length + " ").getBytes(StandardCharsets.UTF_8));
      pae.writeBytes(payload);
      Signature check = Signature.getInstance(curve[1]);
      check.initVerify(keys.getPublic());
      check.update(pae.toByteArray());
      assertThat(check.verify(sig)).as(curve[0] + " signature over the PAE").isTrue();
      assertThat(payloadType).isEqualTo("application/vnd.in-toto+json");

      Map<String, Object> statement = parse(payload);
      assertThat(statement.get("_type")).isEqualTo("https://in-toto.io/Statement/v1");
      assertThat(statement.get("predicateType")).isEqualTo("https://model_signing/signature/v1.0");
      @SuppressWarnings("unchecked")
      Map<String, Object> predicate = (Map<String, Object>) statement.get("predicate");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> resources = (List<Map<String, Object>>) predicate.get("resources");
      Map<String, String> digests = new LinkedHashMap<>();
      MessageDigest root = MessageDigest.getInstance("SHA-256");
      for (Map<String, Object> r : resources) {
        assertThat(r.get("algorithm")).isEqualTo("sha256");
        digests.put((String) r.get("name"), (String) r.get("digest"));
        root.update(HexFormat.of().parseHex((String) r.get("digest")));
      }
      assertThat(new ArrayList<>(digests.keySet())).containsExactly("maas-version.json", "model.onnx", "sub/vocab.txt");
      for (Map.Entry<String, String> e : digests.entrySet()) {
        assertThat(e.getValue()).isEqualTo(HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model.resolve(e.getKey())))));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> subject = ((List<Map<String, Object>>) statement.get("subject")).get(0);
      assertThat(subject.get("name")).isEqualTo("model-" + curve[0]);
      assertThat(subject.get("digest")).isEqualTo(Map.of("sha256", HexFormat.of().formatHex(root.digest())));
      @SuppressWarnings("unchecked")
      Map<String, Object> hintHolder = (Map<String, Object>) ((Map<String, Object>) bundle.get("verificationMaterial"))
          .get("publicKey");
      String pem = "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPublic().getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
      assertThat(hintHolder.get("hint")).isEqualTo(HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(pem.getBytes(StandardCharsets.US_ASCII))));
      assertThat(signer.publicKeyPem()).isEqualTo(pem);

      assertThat(ModelVerifier.trusting(List.of(keys.getPublic())).verify(model).files()).hasSize(3);
      Files.write(model.resolve("model.onnx"), new byte[] {1, 2, 3, 5});
      assertThatThrownBy(() -> ModelVerifier.trusting(List.of(keys.getPublic())).verify(model))
          .hasMessageContaining("file model.onnx has changed since it was signed");
    }
  }

  @Test
  void sign_upstreamTestKeyInCerttoolText_verifiesWithItsPublicKeyLikeTheVectors() throws IOException {
    ModelSigner signer = ModelSigner.fromPemFile(ModelVerifierTest.oms().resolve("keys/certificate/signing-key.pem"));
    Path model = tmp.resolve("m");
    Files.createDirectories(model);
    Files.writeString(model.resolve("weights.bin"), "weights");
    signer.signInPlace(model);
    VerifiedSignature v = ModelVerifierTest.upstreamVerifier().verify(model);
    assertThat(v.keyHint()).isEqualTo("e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e");
    assertThat(v.files()).containsOnlyKeys("weights.bin");
  }

  @Test
  void fromPemFile_opensslKeys_signAndVerifyWithTheirOpensslPublicKeys() throws IOException {
    Path keys = ModelVerifierTest.keys();
    Path model = tmp.resolve("m");
    Files.createDirectories(model);
    Files.writeString(model.resolve("a"), "a");
    for (String[] pair : new String[][] {{"p256-sec1.pem", "p256-pub.pem"}, {"p384-pkcs8.pem", "p384-pub.pem"}}) {
      ModelSigner signer = ModelSigner.fromPemFile(keys.resolve(pair[0]));
      assertThat(signer.publicKeyPem()).isEqualTo(Files.readString(keys.resolve(pair[1])));
      signer.signInPlace(model);
      assertThat(ModelVerifier.fromPemFiles(List.of(keys.resolve(pair[1]))).verify(model).files()).containsOnlyKeys("a");
    }
  }

  @Test
  void fromPemFile_unusableKeys_refusedWithTheReason() {
    Path keys = ModelVerifierTest.keys();
    assertThatThrownBy(() -> ModelSigner.fromPemFile(keys.resolve("rsa.pem")))
        .isInstanceOf(KeyFormatException.class).hasMessageContaining("a RSA key").hasMessageContaining("ECDSA");
    assertThatThrownBy(() -> ModelSigner.fromPemFile(keys.resolve("p256-encrypted.pem")))
        .isInstanceOf(KeyFormatException.class).hasMessageContaining("passphrase-protected");
    assertThatThrownBy(() -> ModelSigner.fromPemFile(keys.resolve("p256-pub.pem")))
        .isInstanceOf(KeyFormatException.class).hasMessageContaining("public key where a private key is expected");
    assertThatThrownBy(() -> ModelSigner.fromPemFile(keys.resolve("README.md")))
        .isInstanceOf(KeyFormatException.class).hasMessageContaining("no PEM block");
    assertThatThrownBy(() -> ModelSigner.fromPem("-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n"))
        .isInstanceOf(KeyFormatException.class).hasMessageContaining("not a valid key");
  }

  @Test
  void sign_directoryWithASymbolicLink_refuses() throws IOException {
    ModelSigner signer = ModelSigner.fromPemFile(ModelVerifierTest.keys().resolve("p256-sec1.pem"));
    Path model = tmp.resolve("m");
    Files.createDirectories(model);
    Files.writeString(tmp.resolve("outside"), "secret");
    Files.createSymbolicLink(model.resolve("link"), tmp.resolve("outside"));
    assertThatThrownBy(() -> signer.sign(model)).isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("link is a symbolic link");
  }

  private static Map<String, Object> parse(byte[] json) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      p.nextToken();
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) read(p);
      return map;
    }
  }

  private static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String k = p.currentName();
        p.nextToken();
        m.put(k, read(p));
      }
      return m;
    }
    if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(read(p));
      }
      return l;
    }
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return p.getBooleanValue();
    }
    return t == JsonToken.VALUE_NULL ? null : p.getText();
  }
}
