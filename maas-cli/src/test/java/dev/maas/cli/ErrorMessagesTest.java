package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each failure a new user ran into is one clear line on stderr and a non-zero exit, never a stack trace. */
class ErrorMessagesTest {
  @TempDir Path dir;
  private String store;
  private Path csv;

  @BeforeEach
  void trainOne() throws IOException {
    csv = Files.writeString(dir.resolve("data.csv"), "a,b,y\n1,2,5.1\n2,1,4.9\n3,5,13.2\n4,3,11.1\n5,8,21.0\n");
    store = dir.resolve("store").toString();
    CliProcess.Result r = CliProcess.run(dir, "train", "--data", csv.toString(), "--target", "y", "--store", store,
        "--name", "sales");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  static void assertOneLine(CliProcess.Result r, int exitCode, String... fragments) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(exitCode);
    assertThat(r.stderr()).startsWith("maas: ").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.stderr().strip().lines()).hasSize(1);
    assertThat(r.stderr()).contains(fragments);
  }

  @Test
  void misspelledModelAliasOrVersion_saysWhatExists() {
    CliProcess.Result aliased = CliProcess.run(dir, "models", "alias", "sales", "production", "1", "--store", store);
    assertThat(aliased.exitCode()).as(aliased.stderr()).isZero();
    assertOneLine(CliProcess.run(dir, "models", "show", "sals", "--store", store), 1,
        "no model 'sals' in the store; did you mean 'sales'? (models: sales)");
    assertOneLine(CliProcess.run(dir, "models", "show", "sales@prod", "--store", store), 1,
        "model 'sales' has no alias 'prod'; did you mean 'sales@production'? (aliases: production -> 1; versions: 1)");
    assertOneLine(CliProcess.run(dir, "predict", "sales:9", "--store", store, "--input", csv.toString(), "--output",
        dir.resolve("out.csv").toString()), 1, "model 'sales' has no version 9 (versions: 1)");
  }

  @Test
  void aliasUnaliasDelete_misspelledNames_sayWhatExists() {
    assertThat(CliProcess.run(dir, "models", "alias", "sales", "production", "1", "--store", store).exitCode())
        .isZero();
    assertOneLine(CliProcess.run(dir, "models", "alias", "sals", "staging", "1", "--store", store), 1,
        "no model 'sals' in the store; did you mean 'sales'? (models: sales)");
    assertOneLine(CliProcess.run(dir, "models", "alias", "sales", "staging", "9", "--store", store), 1,
        "model 'sales' has no version 9 (versions: 1)");
    assertOneLine(CliProcess.run(dir, "models", "unalias", "sales", "prod", "--store", store), 1,
        "model 'sales' has no alias 'prod'; did you mean 'sales@production'? (aliases: production -> 1; versions: 1)");
    assertOneLine(CliProcess.run(dir, "models", "unalias", "sals", "production", "--store", store), 1,
        "no model 'sals' in the store; did you mean 'sales'?");
    assertOneLine(CliProcess.run(dir, "models", "delete", "sales:9", "--store", store), 1,
        "model 'sales' has no version 9 (versions: 1)");
    assertOneLine(CliProcess.run(dir, "models", "delete", "sals:1", "--store", store), 1,
        "no model 'sals' in the store; did you mean 'sales'?");
    assertThat(dir.resolve("store/sals")).doesNotExist();
  }

  @Test
  void usageErrors_nameTheUnknownOptionAndStayShort() {
    CliProcess.Result typo = CliProcess.run(dir, "predict", "sales", "--store", store, "--input", csv.toString(),
        "--ouput", "out.csv");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.stderr().strip().lines().toList()).containsExactly(
        "maas: unknown option '--ouput' for 'maas predict'; did you mean --output?",
        "Run 'maas predict --help' for usage.");
    CliProcess.Result noStore = CliProcess.run(dir, "predict", "sales", "--input", csv.toString(), "--output", "o.csv");
    assertThat(noStore.exitCode()).isEqualTo(2);
    assertThat(noStore.stderr().strip().lines().toList()).containsExactly(
        "maas: Missing required option: '--store=STORE'", "Run 'maas predict --help' for usage.");
  }

  @Test
  void readCommand_misspelledStore_failsNamingPathAndCreatesNothing() {
    CliProcess.Result r = CliProcess.run(dir, "models", "list", "--store", dir.resolve("modles").toString());
    assertOneLine(r, 1, "modles", "--store");
    assertThat(dir.resolve("modles")).doesNotExist();
  }

  @Test
  void alias_unknownModel_failsAndLeavesNoLockFile() {
    CliProcess.Result r = CliProcess.run(dir, "models", "alias", "ghost", "p", "1", "--store", store);
    assertOneLine(r, 1, "ghost");
    assertThat(dir.resolve("store/ghost")).doesNotExist();
  }

  @Test
  void infer_missingRequestFile_saysNoSuchFileAndNamesOption() {
    CliProcess.Result r = CliProcess.run(dir, "infer", "sales", "--store", store, "--request", "nope.json");
    assertOneLine(r, 1, "--request", "nope.json", "no such file");
  }

  @Test
  void infer_requestIsDirectory_saysSo() {
    CliProcess.Result r = CliProcess.run(dir, "infer", "sales", "--store", store, "--request", dir.toString());
    assertOneLine(r, 1, "--request", "is a directory");
  }

  @Test
  void storeIsAFile_saysSoWithoutJavaNames() {
    CliProcess.Result r = CliProcess.run(dir, "models", "list", "--store", csv.toString());
    assertOneLine(r, 1, "is a file, not a model store directory");
  }

  @Test
  void delete_aliasedVersion_namesTheForceFlag() {
    CliProcess.run(dir, "models", "alias", "sales", "production", "1", "--store", store);
    CliProcess.Result r = CliProcess.run(dir, "models", "delete", "sales:1", "--store", store);
    assertOneLine(r, 1, "production", "--force");
    assertThat(r.stderr()).doesNotContain("forceDelete");
  }

  @Test
  void verbose_addsTheStackTrace() {
    CliProcess.Result r = CliProcess.run(dir, "models", "show", "ghost", "--store", store, "--verbose");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).startsWith("maas: ").contains("\tat ");
  }

  @Test
  void enumOption_isCaseInsensitive() {
    CliProcess.Result lower = CliProcess.run(dir, "export", "sales", "--store", store, "--format", "onnx",
        "--precision", "fp64", "--output", dir.resolve("s.onnx").toString());
    assertThat(lower.exitCode()).as(lower.stderr()).isZero();
    assertThat(lower.stdout()).contains("FP64");
  }

  @Test
  void everyCommand_helpShowsAnExample() {
    for (String[] command : new String[][] {{"--help"}, {"train", "--help"}, {"evaluate", "--help"},
        {"predict", "--help"}, {"export", "--help"}, {"import", "--help"}, {"infer", "--help"},
        {"optimize", "--help"}, {"quickstart", "--help"}, {"models", "--help"}, {"models", "list", "--help"}, {"models", "show", "--help"},
        {"models", "alias", "--help"}, {"models", "unalias", "--help"}, {"models", "delete", "--help"}}) {
      CliProcess.Result r = CliProcess.run(dir, command);
      assertThat(r.exitCode()).as(String.join(" ", command)).isZero();
      assertThat(r.stdout()).as(String.join(" ", command)).containsPattern("Examples?:\\s+maas ");
    }
  }
}
