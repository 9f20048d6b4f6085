package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One damaged file damages one model or version, never the whole store, and is reported without a stack trace. */
class StoreDegradationTest {
  @TempDir Path dir;
  private String store;

  @BeforeEach
  void trainModels() throws IOException {
    Path csv = Files.writeString(dir.resolve("data.csv"), "a,b,y\n1,2,5.1\n2,1,4.9\n3,5,13.2\n4,3,11.1\n5,8,21.0\n");
    store = dir.resolve("models").toString();
    for (String name : new String[] {"mlp", "mlp", "sales", "zeta"}) {
      CliProcess.Result r = CliProcess.run(dir, "train", "--data", csv.toString(), "--target", "y", "--store", store,
          "--name", name);
      assertThat(r.exitCode()).as(r.stderr()).isZero();
    }
  }

  @Test
  void list_corruptAliasTable_listsEveryModelAndMarksTheDamage() throws IOException {
    Files.writeString(dir.resolve("models/sales/aliases.json"), "{");
    CliProcess.Result r = CliProcess.run(dir, "models", "list", "--store", store);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).containsPattern("mlp\\s+2\\s+2").containsPattern("sales\\s+1\\s+1\\s+\\(damaged\\)")
        .containsPattern("zeta\\s+1\\s+1").contains("DAMAGED").contains("aliases.json")
        .doesNotContain("REDACTED");
    assertThat(r.stderr()).doesNotContain("\tat ");
  }

  @Test
  void list_garbageVersionRecord_listsTheModelsAfterIt() throws IOException {
    Files.writeString(dir.resolve("models/mlp/2/maas-version.json"), "garbage");
    CliProcess.Result r = CliProcess.run(dir, "models", "list", "--store", store, "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("\"name\":\"mlp\",\"versions\":[1]", "\"name\":\"sales\"", "\"name\":\"zeta\"",
        "\"damaged\":[{\"model\":\"mlp\",\"version\":2,\"reason\":");
  }

  @Test
  void infer_otherModel_stillWorksNextToDamage() throws IOException {
    Files.writeString(dir.resolve("models/sales/aliases.json"), "{");
    Files.writeString(dir.resolve("models/mlp/2/maas-version.json"), "garbage");
    Path request = Files.writeString(dir.resolve("request.json"),
        "{\"inputs\": [{\"name\": \"features\", \"datatype\": \"FP64\", \"shape\": [1, 2], \"data\": [1, 2]}]}");
    CliProcess.Result r = CliProcess.run(dir, "infer", "zeta", "--store", store, "--request", request.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("\"model_name\"");
    assertThat(r.stderr()).doesNotContain("\tat ");
    CliProcess.Result damaged = CliProcess.run(dir, "infer", "mlp:2", "--store", store, "--request",
        request.toString());
    ErrorMessagesTest.assertOneLine(damaged, 1, "maas-version.json", "malformed");
  }
}
