package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxGraph;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maas explain}, run in real child processes against a store that {@code maas train} filled. */
class ExplainCommandTest {
  @TempDir static Path dir;
  private static Path store;
  private static Path data;

  /** y = 1 + 2a − 3b + small deterministic noise, 40 rows, and a column the model does not use; trained once. */
  @BeforeAll
  static void train() throws IOException {
    StringBuilder csv = new StringBuilder("a,b,note,y\n");
    for (int i = 0; i < 40; i++) {
      double a = i * 0.5;
      double b = (i * 7 % 11) - 5;
      double noise = ((i * 13) % 5 - 2) * 0.01;
      csv.append(a).append(',').append(b).append(",\"x, y\",").append(1 + 2 * a - 3 * b + noise).append('\n');
    }
    data = dir.resolve("data.csv");
    Files.writeString(data, csv);
    store = dir.resolve("store");
    CliProcess.Result trained = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y",
        "--features", "a,b", "--store", store.toString(), "--name", "house");
    assertThat(trained.exitCode()).as(trained.stderr()).isZero();
  }

  private static Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static CliProcess.Result explain(String... args) {
    List<String> all = new ArrayList<>(List.of("explain"));
    all.addAll(List.of(args));
    all.addAll(List.of("--store", store.toString()));
    return CliProcess.run(dir, all.toArray(new String[0]));
  }

  @Test
  void explain_json_followsTheContractWithStoredBackground() throws IOException {
    Path input = write("input1.csv", "b,extra,a\n2,9,3\n-1,9,7.5\n0,0,9.75\n");
    CliProcess.Result r = explain("house", "--input", input.toString(), "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    Map<String, Object> json = object(r.stdout());
    assertThat(json.keySet()).containsExactly("model", "features", "base_value", "rows");
    assertThat(json.get("features")).isEqualTo(List.of("a", "b"));
    assertThat(json.get("model")).isEqualTo("house:1");
    double base = (Double) json.get("base_value");
    List<?> rows = (List<?>) json.get("rows");
    assertThat(rows).hasSize(3);
    double[][] x = {{3, 2}, {7.5, -1}, {9.75, 0}};
    double meanA = 9.75;
    double meanB = 0;
    for (int i = 0; i < 40; i++) {
      meanB += ((i * 7 % 11) - 5) / 40.0;
    }
    @SuppressWarnings("unchecked")
    Map<String, Double> first = (Map<String, Double>) ((Map<String, Object>) rows.get(0)).get("attributions");
    @SuppressWarnings("unchecked")
    Map<String, Double> second = (Map<String, Double>) ((Map<String, Object>) rows.get(1)).get("attributions");
    double coefA = (first.get("a") - second.get("a")) / (x[0][0] - x[1][0]);
    double coefB = (first.get("b") - second.get("b")) / (x[0][1] - x[1][1]);
    assertThat(coefA).isCloseTo(2, within(0.01));
    assertThat(coefB).isCloseTo(-3, within(0.01));
    for (int i = 0; i < 3; i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) rows.get(i);
      assertThat(row.keySet()).containsExactly("prediction", "attributions");
      @SuppressWarnings("unchecked")
      Map<String, Double> attributions = (Map<String, Double>) row.get("attributions");
      assertThat(attributions.keySet()).containsExactly("a", "b");
      assertThat(attributions.get("a")).as("coefficient × (x − background mean)")
          .isCloseTo(coefA * (x[i][0] - meanA), within(1e-9));
      assertThat(attributions.get("b")).isCloseTo(coefB * (x[i][1] - meanB), within(1e-9));
      assertThat(attributions.get("a") + attributions.get("b")).as("local accuracy")
          .isCloseTo((Double) row.get("prediction") - base, within(1e-9));
    }
  }

  @Test
  void explain_table_sortsByContributionWithBars() throws IOException {
    Path input = write("input2.csv", "a,b\n9,4\n");
    CliProcess.Result r = explain("house", "--input", input.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String out = r.stdout();
    assertThat(out).startsWith("house:1, output 'prediction': base value ").contains("mean over 40 background rows")
        .contains("exact (the model's own explainer)").contains("row 1: prediction ")
        .contains("\ncolumns: a, b (the model's features, read by name; other columns ignored)\n");
    List<String> lines = out.lines().filter(l -> l.startsWith("  a ") || l.startsWith("  b ")).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).as("b moves the output most: -3 × (4 − mean)").startsWith("  b ").contains("-")
        .endsWith("####################|");
    assertThat(lines.get(1)).startsWith("  a ").contains("|");
  }

  @Test
  void explain_plot_writesWaterfallPng() throws IOException {
    Path input = write("input3.csv", "a,b\n3,4\n12,-2\n");
    Path png = dir.resolve("why.png");
    CliProcess.Result r = explain("house", "--input", input.toString(), "--plot", png.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(2 * (130 + 30 * 2));
    assertThat(image.getRGB(450, 100)).as("not a blank image").isNotNull();
    boolean red = false;
    for (int x = 0; x < image.getWidth() && !red; x++) {
      for (int y = 0; y < image.getHeight() && !red; y++) {
        red = (image.getRGB(x, y) & 0xFFFFFF) == 0xFF0051;
      }
    }
    assertThat(red).as("a red bar for a positive contribution").isTrue();
  }

  @Test
  void explain_plotOfMoreRowsThanItDraws_plotsTheFirstAndSaysSo() throws IOException {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < ExplainCommand.MAX_PLOT_ROWS + 3; i++) {
      csv.append(i).append(',').append(i % 7).append('\n');
    }
    Path input = write("input-many.csv", csv.toString());
    Path png = dir.resolve("many.png");
    CliProcess.Result r = explain("house", "--input", input.toString(), "--plot", png.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("row 53: prediction");
    assertThat(r.stderr().strip()).isEqualTo("maas: --plot drew the first 50 of 53 rows into " + png);
    assertThat(ImageIO.read(png.toFile()).getHeight()).isEqualTo(50 * (130 + 30 * 2));
  }

  @Test
  void explain_givenBackground_usesIt() throws IOException {
    Path input = write("input4.csv", "a,b\n3,4\n");
    Path background = write("bg1.csv", "a,b\n0,0\n");
    CliProcess.Result r = explain("house", "--input", input.toString(), "--background", background.toString(),
        "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Map<String, Object> json = object(r.stdout());
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) ((List<?>) json.get("rows")).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Double> attributions = (Map<String, Double>) row.get("attributions");
    assertThat(attributions.get("a")).isCloseTo(6, within(0.05));
    assertThat(attributions.get("b")).isCloseTo(-12, within(0.05));
    assertThat((Double) json.get("base_value")).isCloseTo(1, within(0.1));
  }

  @Test
  void explain_badInput_failsWithOneLineMessages() throws IOException {
    Path input = write("input5.csv", "a,b\n3,4\n");
    CliProcess.Result noBackground = CliProcess.run(dir, "train", "--data", data.toString(), "--target", "y",
        "--features", "a,b", "--store", store.toString(), "--name", "bare", "--background-rows", "0");
    assertThat(noBackground.exitCode()).as(noBackground.stderr()).isZero();
    assertFails(explain("bare", "--input", input.toString()),
        "maas: bare:1 has no stored background; pass one with --background FILE.csv");
    assertFails(explain("house", "--input", write("missing1.csv", "a,c\n1,2\n").toString()),
        "maas: no column 'b' in the header of " + dir.resolve("missing1.csv") + "; columns: a, c");
    assertFails(explain("house", "--input", write("nan1.csv", "a,b\n1,NaN\n").toString()),
        "maas: " + dir.resolve("nan1.csv") + " line 2, column 'b': 'NaN' is not a number");
    assertFails(explain("house", "--input", input.toString(), "--background",
        write("empty1.csv", "a,b\n").toString()),
        "maas: background: no rows; an explanation needs at least one background row");
    assertFails(explain("house", "--input", input.toString(), "--background",
        write("wrong1.csv", "a,z\n1,2\n").toString()),
        "maas: no column 'b' in the header of " + dir.resolve("wrong1.csv") + "; columns: a, z");
    assertFails(explain("house", "--input", input.toString(), "--column", "1"),
        "maas: --column 1 is out of range: output 'prediction' has 1 column");
    CliProcess.Result unknown = explain("nobody", "--input", input.toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr().strip()).startsWith("maas: ").contains("'nobody'").doesNotContain("\n");
  }

  @Test
  void explain_importedOnnxClassifier_needsBackgroundAndColumn() throws IOException {
    double[] w = {1, -1, 0.5, 2, 0, -2};
    byte[] graph = OnnxGraph.builder("classifier").input("x", DataType.FP32, "batch", "2")
        .initializer("w", Tensor.ofFloats(toFloats(w), 2, 3))
        .node("MatMul", List.of("x", "w"), List.of("logits"))
        .node("Softmax", List.of("logits"), List.of("probabilities"), Map.of("axis", 1L))
        .output("probabilities", DataType.FP32, "batch", "3").build().toByteArray();
    Path onnx = dir.resolve("classifier.onnx");
    Files.write(onnx, graph);
    CliProcess.Result imported = CliProcess.run(dir, "import", onnx.toString(), "--name", "cls", "--store",
        store.toString());
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    Path input = write("input6.csv", "u,v\n1,2\n");
    Path background = write("bg2.csv", "u,v\n0,0\n1,1\n-1,0.5\n");
    assertFails(explain("cls", "--input", input.toString()),
        "maas: cls:1 has no stored background; pass one with --background FILE.csv");
    assertFails(explain("cls", "--input", input.toString(), "--background", background.toString()),
        "maas: output 'probabilities' has 3 columns; choose one with --column 0..2");
    CliProcess.Result r = explain("cls", "--input", input.toString(), "--background", background.toString(),
        "--column", "2", "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Map<String, Object> json = object(r.stdout());
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) ((List<?>) json.get("rows")).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Double> attributions = (Map<String, Double>) row.get("attributions");
    assertThat(attributions.keySet()).containsExactly("u", "v");
    assertThat(attributions.get("u") + attributions.get("v")).isCloseTo((Double) row.get("prediction")
        - (Double) json.get("base_value"), within(1e-9));
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static void assertFails(CliProcess.Result r, String message) {
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(1);
    assertThat(r.stderr().strip()).isEqualTo(message);
  }

  private static Map<String, Object> object(String json) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(json)) {
      p.nextToken();
      @SuppressWarnings("unchecked")
      Map<String, Object> out = (Map<String, Object>) value(p);
      assertThat(p.nextToken()).as("one JSON value").isNull();
      return out;
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        m.put(name, value(p));
      }
      return m;
    }
    if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(value(p));
      }
      return l;
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    return p.getText();
  }
}
