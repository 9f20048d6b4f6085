package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hashed, scoped tokens from a token file that is re-read when it changes, on a real server. */
class ScopedTokenTest {
  private static final String ROW = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";

  @TempDir Path dir;

  @Test
  void scopedTokens_outOfScopeModelIsTheSame404AsAMissingOne_permissionsAre403_refusalsCounted() throws Exception {
    Path file = dir.resolve("tokens");
    String fraud = TokenFile.addToken(file, "fraud-team", List.of("fraud-*"), Set.of());
    String ops = TokenFile.addToken(file, "ops", List.of("*"), EnumSet.allOf(TokenPermission.class));
    String text = Files.readString(file);
    assertThat(text).doesNotContain(fraud).doesNotContain(ops).contains("fraud-team sha256:", "models=fraud-*",
        "ops sha256:", "repository metrics explain");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (AffineModel a = new AffineModel(1, 0); AffineModel b = new AffineModel(2, 0);
        InferenceServer server = InferenceServer.builder().model("fraud-v", a).model("churn", b).port(0)
            .bearerTokensFile(file).build().start()) {
      OipClient f = new OipClient(server.uri()).withToken(fraud);
      OipClient o = new OipClient(server.uri()).withToken(ops);
      assertThat(f.post("/v2/models/fraud-v/infer", ROW).status()).isEqualTo(200);
      for (String path : List.of("/v2/models/%s/infer", "/v2/models/%s", "/v2/models/%s/ready",
          "/v2/models/%s/versions/1/infer")) {
        OipClient.Answer hidden = path.endsWith("infer") ? f.post(path.formatted("churn"), ROW) : f.get(path.formatted("churn"));
        OipClient.Answer missing = path.endsWith("infer") ? o.post(path.formatted("churn2"), ROW)
            : o.get(path.formatted("churn2"));
        assertThat(hidden.status()).as(path).isEqualTo(404).isEqualTo(missing.status());
        assertThat(hidden.body()).as(path).isEqualTo(missing.body().replace("churn2", "churn"));
      }
      assertThat(o.post("/v2/models/churn/infer", ROW).status()).isEqualTo(200);
      assertThat(f.get("/metrics").status()).isEqualTo(403);
      assertThat(f.post("/v2/repository/index", "").status()).isEqualTo(403);
      assertThat(f.post("/v2/models/fraud-v/explain", ROW).status()).isEqualTo(403);
      assertThat(f.withToken("maas_wrong").get("/v2/models/fraud-v").status()).isEqualTo(401);
      assertThat(new OipClient(server.uri()).get("/v2/models/fraud-v").status()).isEqualTo(401);
      assertThat(o.post("/v2/repository/index", "").body()).contains("fraud-v", "churn");

      String metrics = o.get("/metrics").body();
      assertThat(metrics).contains("maas_http_auth_refusals_total{reason=\"out_of_scope\"} 7.0",
          "maas_http_auth_refusals_total{reason=\"bad_token\"} 1.0", "maas_http_auth_refusals_total{reason=\"no_token\"} 1.0");
      assertThat(metrics).doesNotContain(fraud).doesNotContain(ops);
    }
  }

  @Test
  void tokenFile_changed_isReloadedWithoutRestart_badEditKeepsTheLastGoodTable() throws Exception {
    Path file = dir.resolve("tokens");
    String first = TokenFile.addToken(file, "first", List.of("m"), Set.of(TokenPermission.REPOSITORY));
    try (AffineModel model = new AffineModel(1, 0); AffineModel other = new AffineModel(3, 0);
        InferenceServer server = InferenceServer.builder().model("m", model).model("n", other)
            .port(0).bearerTokensFile(file).build().start()) {
      OipClient c = new OipClient(server.uri());
      assertThat(c.withToken(first).post("/v2/models/m/infer", ROW).status()).isEqualTo(200);
      String index = c.withToken(first).post("/v2/repository/index", "").body();
      assertThat(index).contains("\"m\"").doesNotContain("\"n\"");

      String second = TokenFile.addToken(file, "second", List.of("n"), Set.of());
      assertThat(c.withToken(second).post("/v2/models/n/infer", ROW).status()).isEqualTo(200);

      // revoke the first token: rewrite the file without its line
      List<String> kept = Files.readAllLines(file).stream().filter(l -> !l.startsWith("first ")).toList();
      Path tmp = dir.resolve("tokens.new");
      Files.write(tmp, kept);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      assertThat(c.withToken(first).post("/v2/models/m/infer", ROW).status()).isEqualTo(401);

      Files.writeString(tmp, "broken sha256:nothex\n");
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      assertThat(c.withToken(second).post("/v2/models/n/infer", ROW).status()).isEqualTo(200);
    }
  }

  @Test
  void tokenFile_badLine_isOneClearStartError() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "ci sha256:" + "a".repeat(64) + " models=x flying\n");
    assertThat(catchThrowable(() -> InferenceServer.builder().bearerTokensFile(file)))
        .isInstanceOf(ServerStartException.class).hasMessageContaining("line 1: unknown scope 'flying'");
    Files.writeString(file, "ci sha256:abc\n");
    assertThat(catchThrowable(() -> InferenceServer.builder().bearerTokensFile(file)))
        .isInstanceOf(ServerStartException.class).hasMessageContaining("line 1").hasMessageContaining("64 lower-case hex");
  }
}
