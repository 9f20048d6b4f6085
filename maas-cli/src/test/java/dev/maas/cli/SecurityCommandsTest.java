package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** maas sign, verify, token add, and --encryption-key / --require-signature, as real processes. */
class SecurityCommandsTest {
  @TempDir Path dir;

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /**
   * Writes into {@code dir} a fresh P-256 key pair ({@code key.pem}, {@code pub.pem}), a 32-byte
   * encryption key ({@code model.key}), the add-mul model ({@code addmul.onnx}, returned) and a
   * request for it ({@code request.json}).
   */
  static Path writeKeysModelAndRequest(Path dir) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = gen.generateKeyPair();
    Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.writeString(dir.resolve("pub.pem"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Files.write(dir.resolve("model.key"), secret);
    Path onnx = ImportCommandTest.writeAddMul(dir.resolve("addmul.onnx"));
    Files.writeString(dir.resolve("request.json"), "{\"inputs\": [{\"name\": \"a\", \"shape\": [1, 2], \"datatype\": "
        + "\"FP32\", \"data\": [1, 2]}, {\"name\": \"b\", \"shape\": [1, 2], \"datatype\": \"FP32\", \"data\": [3, 4]}]}",
        StandardCharsets.UTF_8);
    return onnx;
  }

  @Test
  void encryptedSignedVersion_opensOnlyWithKeyAndSignature() throws Exception {
    Path onnx = writeKeysModelAndRequest(dir);

    CliProcess.Result imported = CliProcess.run(dir, "import", onnx.toString(), "--store", "store", "--name", "addmul",
        "--encryption-key", "model.key");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    assertThat(new String(Files.readAllBytes(dir.resolve("store/addmul/1/model.onnx")), StandardCharsets.ISO_8859_1))
        .startsWith("MAASGCM1");

    CliProcess.Result noKey = CliProcess.run(dir, "infer", "addmul", "--store", "store", "--request", "request.json");
    ErrorMessagesTest.assertOneLine(noKey, 1, "addmul:1 is encrypted", "--encryption-key");

    CliProcess.Result unsigned = CliProcess.run(dir, "infer", "addmul", "--store", "store", "--request", "request.json",
        "--encryption-key", "model.key", "--require-signature", "pub.pem");
    ErrorMessagesTest.assertOneLine(unsigned, 1, "addmul:1: unsigned");

    CliProcess.Result signed = CliProcess.run(dir, "sign", "addmul:1", "--store", "store", "--encryption-key",
        "model.key", "--key", "key.pem");
    assertThat(signed.exitCode()).as(signed.stderr()).isZero();
    assertThat(signed.stdout()).contains("signed addmul:1 (2 files");

    CliProcess.Result served = CliProcess.run(dir, "infer", "addmul", "--store", "store", "--request", "request.json",
        "--encryption-key", "model.key", "--require-signature", "pub.pem");
    assertThat(served.exitCode()).as(served.stderr()).isZero();
    assertThat(served.stdout()).contains("\"product\"");

    CliProcess.Result verified = CliProcess.run(dir, "verify", "addmul:1", "--store", "store", "--encryption-key",
        "model.key", "--key", "pub.pem");
    assertThat(verified.exitCode()).as(verified.stderr()).isZero();
    assertThat(verified.stdout()).contains("verified addmul:1: 2 files", "maas-version.json", "model.onnx");

    CliProcess.Result exported = CliProcess.run(dir, "export", "addmul:1", "--store", "store", "--encryption-key",
        "model.key", "--require-signature", "pub.pem", "--format", "directory", "--output", "out");
    assertThat(exported.exitCode()).as(exported.stderr()).isZero();
    assertThat(dir.resolve("out/model.onnx")).hasSameBinaryContentAs(onnx);
    CliProcess.Result plain = CliProcess.run(dir, "verify", "out", "--key", "pub.pem");
    assertThat(plain.exitCode()).as(plain.stderr()).isZero();
    CliProcess.Result reimported = CliProcess.run(dir, "import", "out", "--store", "store2", "--name", "copy",
        "--require-signature", "pub.pem");
    assertThat(reimported.exitCode()).as(reimported.stderr()).isZero();
    assertThat(reimported.stdout()).contains("signature of out verified", "published files of copy:1 match", "copy:1");
    CliProcess.Result resigned = CliProcess.run(dir, "import", "out", "--store", "store3", "--name", "copy",
        "--require-signature", "pub.pem", "--sign-key", "key.pem");
    assertThat(resigned.exitCode()).as(resigned.stderr()).isZero();
    assertThat(resigned.stdout()).contains("signed copy:1 (2 files");
    CliProcess.Result servedCopy = CliProcess.run(dir, "infer", "copy", "--store", "store3", "--request",
        "request.json", "--require-signature", "pub.pem");
    assertThat(servedCopy.exitCode()).as(servedCopy.stderr()).isZero();
    CliProcess.Result unchecked = CliProcess.run(dir, "import", "out", "--store", "store4", "--name", "copy");
    assertThat(unchecked.exitCode()).as(unchecked.stderr()).isZero();
    assertThat(unchecked.stderr()).contains("was not checked; give --require-signature PUB.pem");

    // optimised from the encrypted version: published encrypted, opened with the key only
    CliProcess.Result optimized = CliProcess.run(dir, "optimize", "addmul:1", "--store", "store", "--encryption-key",
        "model.key");
    assertThat(optimized.exitCode()).as(optimized.stderr()).isZero();
    assertThat(optimized.stdout().strip()).isEqualTo("addmul:2");
    assertThat(new String(Files.readAllBytes(dir.resolve("store/addmul/2/model.onnx")), StandardCharsets.ISO_8859_1))
        .startsWith("MAASGCM1");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "infer", "addmul:2", "--store", "store", "--request",
        "request.json"), 1, "addmul:2 is encrypted");
    CliProcess.Result optimizedServed = CliProcess.run(dir, "infer", "addmul:2", "--store", "store", "--request",
        "request.json", "--encryption-key", "model.key");
    assertThat(optimizedServed.exitCode()).as(optimizedServed.stderr()).isZero();
    assertThat(optimizedServed.stdout()).contains("\"product\"");
    // maas bench hands the key files to its benchmark forks, which open the store as infer does
    CliProcess.Result benched = CliProcess.run(dir, "bench", "addmul:1", "--store", "store", "--encryption-key",
        "model.key", "--require-signature", "pub.pem", "--time", "200ms", "--quiet");
    assertThat(benched.exitCode()).as(benched.stderr()).isZero();
    assertThat(benched.stdout()).contains("stored | batch 1");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "bench", "addmul:1", "--store", "store", "--time", "200ms",
        "--quiet"), 1, "addmul:1 is encrypted");
    Files.writeString(dir.resolve("out/maas-version.json"), "{}");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "import", "out", "--store", "store2", "--name", "copy",
        "--require-signature", "pub.pem"), 1, "maas-version.json has changed since it was signed");
  }

  @Test
  void plainDirectory_signAndVerify_andTokenAdd() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair keys = gen.generateKeyPair();
    Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.writeString(dir.resolve("pub.pem"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(model.resolve("weights.bin"), "weights");
    assertThat(CliProcess.run(dir, "sign", "model", "--key", "key.pem").exitCode()).isZero();
    CliProcess.Result ok = CliProcess.run(dir, "verify", "model", "--key", "pub.pem");
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    Files.writeString(model.resolve("weights.bin"), "weightz");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "verify", "model", "--key", "pub.pem"), 1,
        "file weights.bin has changed since it was signed");

    CliProcess.Result token = CliProcess.run(dir, "token", "add", "--file", "tokens.txt", "--label", "ci",
        "--models", "fraud-*,churn", "--explain");
    assertThat(token.exitCode()).as(token.stderr()).isZero();
    String printed = token.stdout().strip();
    assertThat(printed).startsWith("maas_").hasSize(48);
    assertThat(Files.readString(dir.resolve("tokens.txt"))).doesNotContain(printed)
        .contains("ci sha256:", "models=fraud-*,churn explain");
  }
}
