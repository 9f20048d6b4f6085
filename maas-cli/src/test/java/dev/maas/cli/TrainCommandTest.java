package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maas train}, run in a real child process. */
class TrainCommandTest {
  @TempDir Path dir;

  /** y = 1 + 2a - 3b + small deterministic noise, 40 rows. */
  private Path writeData() throws IOException {
    StringBuilder csv = new StringBuilder("a,b,y\n");
    for (int i = 0; i < 40; i++) {
      double a = i * 0.5;
      double b = (i * 7 % 11) - 5;
      double noise = ((i * 13) % 5 - 2) * 0.01;
      csv.append(a).append(',').append(b).append(',').append(1 + 2 * a - 3 * b + noise).append('\n');
    }
    Path file = dir.resolve("data.csv");
    Files.writeString(file, csv);
    return file;
  }

  /** The numbers of a flat JSON object member {@code key}: {"k":v,...}, parsed as doubles ("NaN" too). */
  private static Map<String, Double> object(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": ?\\{([^}]*)\\}").matcher(json);
    assertThat(m.find()).as("member %s in %s", key, json).isTrue();
    Map<String, Double> out = new LinkedHashMap<>();
    Matcher entry = Pattern.compile("\"([^\"]+)\": ?([^,}]+)").matcher(m.group(1));
    while (entry.find()) {
      out.put(entry.group(1), entry.group(2).equals("\"NaN\"") ? Double.NaN : Double.parseDouble(entry.group(2)));
    }
    return out;
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ?([-0-9.eE]+)").matcher(json);
    assertThat(m.find()).as("member %s in %s", key, json).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void train_json_publishesVersionAndPrintsExactCoefficients() throws IOException {
    Path data = writeData();
    Path store = dir.resolve("store");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y", "--store",
        store.toString(), "--name", "house", "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    String json = result.stdout().trim();
    assertThat(json).startsWith("{").endsWith("}").contains("\"model\":\"house:1\"");
    assertThat(json.lines().count()).isEqualTo(1);
    Map<String, Double> coefficients = object(json, "coefficients");
    assertThat(coefficients.keySet()).containsExactly("(intercept)", "a", "b");
    assertThat(object(json, "standard_errors").keySet()).containsExactly("(intercept)", "a", "b");
    assertThat(coefficients.get("a")).isCloseTo(2, org.assertj.core.data.Offset.offset(0.01));
    assertThat(number(json, "n")).isEqualTo(40);
    assertThat(number(json, "p")).isEqualTo(3);
    assertThat(number(json, "r_squared")).isGreaterThan(0.999);
    Map<String, Double> errors = object(json, "standard_errors");
    Map<String, Double> t = object(json, "t_values");
    assertThat(t.keySet()).containsExactly("(intercept)", "a", "b");
    assertThat(object(json, "p_values").keySet()).containsExactly("(intercept)", "a", "b");
    assertThat(t.get("a")).isCloseTo(coefficients.get("a") / errors.get("a"), org.assertj.core.data.Percentage
        .withPercentage(1e-9));
    assertThat(object(json, "p_values").get("a")).isBetween(0.0, 1e-10);
    assertThat(number(json, "df_model")).isEqualTo(2);
    assertThat(number(json, "df_residual")).isEqualTo(37);
    assertThat(number(json, "f_statistic")).isGreaterThan(1000);
    assertThat(number(json, "f_p_value")).isBetween(0.0, 1e-10);
    try (ModelStore opened = ModelStore.open(store)) {
      ModelVersion version = opened.get("house:1");
      assertThat(version.format()).isEqualTo("linear");
      assertThat(version.metrics().get("coef.a")).isEqualTo(coefficients.get("a"));
      assertThat(version.metrics().get("r_squared")).isEqualTo(number(json, "r_squared"));
      assertThat(version.parameters()).containsEntry("ridge", "0.0").containsEntry("features", "a,b");
      assertThat(version.lineage().dataSource()).isEqualTo("data.csv");
      assertThat(version.lineage().dataFingerprint()).matches("sha256:[0-9a-f]{64}")
          .isEqualTo(dev.maas.Lineage.ofFile(data, 40).dataFingerprint());
      assertThat(version.lineage().rowCount()).isEqualTo(40);
      dev.maas.explain.Background.Sampler sampler = dev.maas.explain.Background.sampler(List.of("a", "b"), 100, 0);
      for (double[] row : Table.readAll(data, "--data", List.of("a", "b"))) {
        sampler.add(row);
      }
      assertThat(opened.readFile(version, dev.maas.explain.Background.FILE_NAME))
          .isEqualTo(sampler.build().toJson());
      // the first training rows, stored as the sample request the server warms the version up with
      dev.maas.http.InferenceRequest sample = dev.maas.http.InferenceJson.readRequest(
          opened.readFile(version, dev.maas.PublishOptions.SAMPLE_FILE_NAME));
      dev.maas.Tensor features = sample.inputTensors().get("features");
      assertThat(features.shape()).containsExactly(4, 2);
      assertThat(features.getDouble(2)).isEqualTo(0.5); // the second row: a = 0.5, b = 2
      assertThat(features.getDouble(3)).isEqualTo(2.0);
    }
  }

  @Test
  void train_featuresNoInterceptRidge_recordsSettingsAndNewVersion() throws IOException {
    Path data = writeData();
    Path store = dir.resolve("store");
    assertThat(CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y", "--store", store.toString(),
        "--name", "m").exitCode()).isZero();
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y", "--store",
        store.toString(), "--name", "m", "--features", "b", "--no-intercept", "--ridge", "0.5", "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("\"model\":\"m:2\"");
    assertThat(object(result.stdout(), "coefficients").keySet()).containsExactly("b");
    assertThat(number(result.stdout(), "p")).isEqualTo(1);
    try (ModelStore opened = ModelStore.open(store)) {
      assertThat(opened.get("m:2").parameters()).containsEntry("intercept", "false").containsEntry("ridge", "0.5")
          .containsEntry("features", "b");
    }
  }

  @Test
  void train_text_printsSummary() throws IOException {
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", writeData().toString(), "--target", "y",
        "--store", dir.resolve("s").toString(), "--name", "t");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("published t:1").contains("(intercept)").contains("R-squared");
  }

  @Test
  void train_nonNumericCell_failsWithLineAndPublishesNothing() throws IOException {
    Path data = dir.resolve("bad.csv");
    Files.writeString(data, "a,y\n1,2\n2,x4\n3,6\n4,8\n");
    Path store = dir.resolve("store");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y", "--store",
        store.toString(), "--name", "bad", "--json");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).startsWith("maas: ").contains("line 3").contains("'x4'");
    assertNothingPublished(store);
  }

  @Test
  void train_missingTarget_failsNamingColumn() throws IOException {
    Path store = dir.resolve("store");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", writeData().toString(), "--target", "price",
        "--store", store.toString(), "--name", "m");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("no column 'price'");
    assertNothingPublished(store);
  }

  @Test
  void train_fewerRowsThanParameters_failsAndPublishesNothing() throws IOException {
    Path data = dir.resolve("few.csv");
    Files.writeString(data, "a,b,y\n1,2,3\n4,5,6\n");
    Path store = dir.resolve("store");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y", "--store",
        store.toString(), "--name", "m");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("needs at least 3 rows");
    assertNothingPublished(store);
  }

  @Test
  void train_missingFile_fails() {
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", "nope.csv", "--target", "y", "--store", "s",
        "--name", "m");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("no such file");
  }

  @Test
  void train_featuresWithSpacesAfterCommas_areTrimmedAsHeaderCellsAre() throws IOException {
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", writeData().toString(), "--target", " y",
        "--store", dir.resolve("s").toString(), "--name", "m", "--features", "a, b", "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(object(result.stdout(), "coefficients").keySet()).containsExactly("(intercept)", "a", "b");
  }

  @Test
  void train_weightsColumn_fitsWeightedLeastSquaresAndRecordsTheColumn() throws IOException {
    Path data = dir.resolve("weighted.csv");
    Files.writeString(data, "x,w,y\n1,1,1.5\n2,2,1.9\n3,0,1000\n4,3,3.9\n5,1,5.6\n");
    Path store = dir.resolve("store");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y", "--store",
        store.toString(), "--name", "w", "--weights", "w", "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(object(result.stdout(), "coefficients").keySet()).containsExactly("(intercept)", "x");
    assertThat(number(result.stdout(), "n")).as("the row of weight 0 drops out").isEqualTo(4);
    assertThat(number(result.stdout(), "df_residual")).isEqualTo(2);
    // Weighted normal equations by hand: Σw = 7, Σwx = 22, Σwx² = 82, Σwy = 22.6, Σwxy = 83.9.
    double slope = (7 * 83.9 - 22 * 22.6) / (7 * 82 - 22 * 22.0);
    assertThat(object(result.stdout(), "coefficients").get("x")).isCloseTo(slope,
        org.assertj.core.data.Offset.offset(1e-12));
    try (ModelStore opened = ModelStore.open(store)) {
      assertThat(opened.get("w:1").parameters()).containsEntry("weights", "w");
    }
  }

  @Test
  void train_negativeWeight_failsNamingTheLine() throws IOException {
    Path data = dir.resolve("negative.csv");
    Files.writeString(data, "x,w,y\n1,1,1.5\n2,-2,1.9\n3,1,3\n");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y", "--store",
        dir.resolve("s").toString(), "--name", "w", "--weights", "w");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr().strip()).isEqualTo("maas: line 3: weight -2.0 is negative; weights must be finite and >= 0");
  }

  @Test
  void train_dataIsADirectory_saysSoInOneLine() {
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", dir.toString(), "--target", "y", "--store",
        dir.resolve("s").toString(), "--name", "m");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr().strip()).isEqualTo("maas: " + dir + " is a directory, not a CSV file");
  }

  @Test
  void train_missingRequiredOption_isUsageError() {
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", "x.csv");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("--target");
  }

  private static void assertNothingPublished(Path store) {
    if (Files.exists(store)) {
      try (ModelStore opened = ModelStore.open(store)) {
        assertThat(opened.models()).isEmpty();
      }
    }
  }
}
