package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
  @TempDir Path dir;
  private String store;

  @BeforeEach
  void trainTwoVersions() throws IOException {
    Path csv = Files.writeString(dir.resolve("data.csv"), "a,b,y\n1,2,5.1\n2,1,4.9\n3,5,13.2\n4,3,11.1\n5,8,21.0\n");
    store = dir.resolve("store").toString();
    for (int i = 0; i < 2; i++) {
      CliProcess.Result r = CliProcess.run(dir, "train", "--data", csv.toString(), "--target", "y", "--store", store,
          "--name", "sales");
      assertThat(r.exitCode()).as(r.stderr()).isZero();
    }
  }

  @Test
  void list_trainedModel_showsVersionsAndAliases() {
    assertThat(CliProcess.run(dir, "models", "alias", "sales", "production", "1", "--store", store).exitCode()).isZero();
    CliProcess.Result r = CliProcess.run(dir, "models", "list", "--store", store);
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).containsPattern("sales\\s+2\\s+2\\s+production=1");
  }

  @Test
  void show_aliasReference_printsRecord() {
    CliProcess.run(dir, "models", "alias", "sales", "production", "2", "--store", store);
    CliProcess.Result r = CliProcess.run(dir, "models", "show", "sales@production", "--store", store);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("sales:2").contains("format       linear").contains("data.csv")
        .contains("aliases      production").containsPattern("files\\s+\\S+ sha256:[0-9a-f]{64}");
  }

  @Test
  void delete_aliasedVersion_refusedUnlessForced() {
    CliProcess.run(dir, "models", "alias", "sales", "production", "1", "--store", store);
    CliProcess.Result refused = CliProcess.run(dir, "models", "delete", "sales:1", "--store", store);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr()).contains("production");
    CliProcess.Result forced = CliProcess.run(dir, "models", "delete", "sales:1", "--force", "--store", store);
    assertThat(forced.exitCode()).as(forced.stderr()).isZero();
    assertThat(CliProcess.run(dir, "models", "list", "--store", store).stdout()).containsPattern("sales\\s+1\\s+2");
  }

  @Test
  void show_unknownModel_failsNamingIt() {
    CliProcess.Result r = CliProcess.run(dir, "models", "show", "ghost", "--store", store);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("ghost");
  }

  @Test
  void alias_split_storedListedAndShown() {
    CliProcess.Result r = CliProcess.run(dir, "models", "alias", "sales", "production", "--split", "1=90,2=10",
        "--store", store);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("sales@production -> 1=90,2=10");
    assertThat(CliProcess.run(dir, "models", "list", "--store", store).stdout())
        .containsPattern("sales\\s+2\\s+2\\s+production=\\{1=90,2=10}");
    assertThat(CliProcess.run(dir, "models", "show", "sales:2", "--store", store).stdout())
        .contains("aliases      production (10 of 100)");
  }

  @Test
  void alias_shadowAlone_addsShadowToTheAliasAsItIs() {
    CliProcess.run(dir, "models", "alias", "sales", "production", "1", "--store", store);
    CliProcess.Result r = CliProcess.run(dir, "models", "alias", "sales", "production", "--shadow", "2", "--json",
        "--store", store);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("\"version\":1").contains("\"shadow\":2");
    assertThat(CliProcess.run(dir, "models", "show", "sales:2", "--store", store).stdout())
        .contains("aliases      production (shadow)");
    CliProcess.Result noAlias = CliProcess.run(dir, "models", "alias", "sales", "staging", "--shadow", "2",
        "--store", store);
    assertThat(noAlias.exitCode()).isEqualTo(1);
    assertThat(noAlias.stderr()).contains("model 'sales' has no alias 'staging'").hasLineCount(1);
  }

  @Test
  void alias_badSplit_failsInOneLineNamingTheMistake() {
    CliProcess.Result zero = CliProcess.run(dir, "models", "alias", "sales", "production", "--split", "1=90,2=0",
        "--store", store);
    assertThat(zero.exitCode()).isEqualTo(2);
    assertThat(zero.stderr().lines().findFirst().orElseThrow()).contains("weight of version 2");
    CliProcess.Result missing = CliProcess.run(dir, "models", "alias", "sales", "production", "--split", "1=90,7=10",
        "--store", store);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("7").doesNotContain("Exception").hasLineCount(1);
    CliProcess.Result garbled = CliProcess.run(dir, "models", "alias", "sales", "production", "--split", "1:90",
        "--store", store);
    assertThat(garbled.exitCode()).isEqualTo(2);
    assertThat(garbled.stderr()).contains("'1:90' is not VERSION=WEIGHT");
    CliProcess.Result shadowLive = CliProcess.run(dir, "models", "alias", "sales", "production", "1", "--shadow", "1",
        "--store", store);
    assertThat(shadowLive.exitCode()).isEqualTo(2);
    assertThat(shadowLive.stderr()).contains("shadow version 1");
    assertThat(CliProcess.run(dir, "models", "list", "--store", store).stdout()).doesNotContain("production");
  }

  @Test
  void unalias_missingAlias_failsNamingIt() {
    CliProcess.Result r = CliProcess.run(dir, "models", "unalias", "sales", "staging", "--store", store);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("staging");
  }
}
