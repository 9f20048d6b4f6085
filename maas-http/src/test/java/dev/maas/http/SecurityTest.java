package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens and TLS, on a real server. */
class SecurityTest {
  private static final String ROW = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";

  @TempDir Path dir;

  @Test
  void bearerTokens_wrongOrMissingAre401_rightPasses_healthStaysOpen() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "# operators\nalpha-token\n\nbeta-token\n");
    try (AffineModel model = new AffineModel(1, 0);
        InferenceServer server = InferenceServer.builder().model("m", model).port(0).bearerTokensFile(tokens)
            .build().start()) {
      OipClient anonymous = new OipClient(server.uri());
      for (String path : List.of("/v2/models/m/infer", "/v2/models/ghost/infer")) {
        OipClient.Answer missing = anonymous.post(path, ROW);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.header("WWW-Authenticate")).contains("Bearer realm=\"maas\"");
        assertThat(missing.body()).isEqualTo("{\"error\":\"missing or invalid bearer token\"}");
        assertThat(anonymous.withToken("alpha-tokem").post(path, ROW).body()).isEqualTo(missing.body());
      }
      assertThat(anonymous.get("/v2/models/m").status()).isEqualTo(401);
      assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
      assertThat(anonymous.post("/v2/repository/index", "").status()).isEqualTo(401);
      assertThat(anonymous.get("/v2/health/live").status()).isEqualTo(200);
      assertThat(anonymous.get("/v2/health/ready").status()).isEqualTo(200);
      assertThat(anonymous.withToken("alpha-token").post("/v2/models/m/infer", ROW).status()).isEqualTo(200);
      assertThat(anonymous.withToken("beta-token").post("/v2/models/m/infer", ROW).status()).isEqualTo(200);
      assertThat(anonymous.withToken("beta-token").post("/v2/models/ghost/infer", ROW).status()).isEqualTo(404);
    }
  }

  @Test
  void healthRequiresAuth_whenAsked() {
    try (AffineModel model = new AffineModel(1, 0);
        InferenceServer server = InferenceServer.builder().model("m", model).port(0).bearerTokens(List.of("t"))
            .healthRequiresAuth(true).build().start()) {
      assertThat(new OipClient(server.uri()).get("/v2/health/live").status()).isEqualTo(401);
      assertThat(new OipClient(server.uri()).withToken("t").get("/v2/health/live").status()).isEqualTo(200);
    }
  }

  @Test
  void tls_clientTrustingTheCertificateIsServed_plainHttpFailsCleanly() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
        "-alias", "maas", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2").redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    try (AffineModel model = new AffineModel(1, 0);
        InferenceServer server = InferenceServer.builder().model("m", model).port(0)
            .tls(keystore, "changeit".toCharArray()).build().start()) {
      assertThat(server.uri().getScheme()).isEqualTo("https");
      OipClient tls = new OipClient(server.uri(), null, HttpClient.newBuilder().sslContext(trusting(keystore)).build());
      OipClient.Answer answer = tls.post("/v2/models/m/infer", ROW);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).contains("\"data\":[6.0]");

      URI plain = URI.create("http://127.0.0.1:" + server.port());
      assertThat(catchThrowable(() -> new OipClient(plain).get("/v2/health/live"))).isNotNull();
      assertThat(catchThrowable(() -> new OipClient(server.uri()).get("/v2/health/live")))
          .as("a client that does not trust the certificate").isNotNull();
      assertThat(tls.get("/v2/health/live").status()).isEqualTo(200);
    }
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      server.load(in, "changeit".toCharArray());
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("maas", server.getCertificate("maas"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  @Test
  void badKeystoreOrTokenFile_isOneClearError() {
    assertThat(catchThrowable(() -> InferenceServer.builder().tls(dir.resolve("none.p12"), new char[0])))
        .isInstanceOf(ServerStartException.class).hasMessageContaining("cannot use the keystore");
    assertThat(catchThrowable(() -> InferenceServer.builder().bearerTokensFile(dir.resolve("none"))))
        .isInstanceOf(ServerStartException.class).hasMessageContaining("cannot read the token file");
  }
}
