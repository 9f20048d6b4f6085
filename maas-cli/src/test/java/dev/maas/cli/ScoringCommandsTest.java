package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import dev.maas.linear.Interval;
import dev.maas.linear.LinearRegressionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export, evaluate and predict as a user runs them: train, export, import, then score with both versions. */
class ScoringCommandsTest {
  @TempDir Path dir;
  private String store;
  private Path csv;

  @BeforeEach
  void train() throws IOException {
    StringBuilder data = new StringBuilder("id,area,rooms,price\n");
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      double area = 30 + 170 * random.nextDouble();
      int rooms = 1 + random.nextInt(6);
      data.append(String.format(Locale.ROOT, "%d,%.2f,%d,%.2f%n", i, area, rooms,
          1000 + 30 * area + 5000 * rooms + random.nextGaussian() * 200));
    }
    csv = Files.writeString(dir.resolve("houses.csv"), data);
    store = dir.resolve("store").toString();
    CliProcess.Result r = CliProcess.run(dir, "train", "--data", csv.toString(), "--target", "price", "--features",
        "area,rooms", "--store", store, "--name", "houses");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
  }

  @Test
  void predictAndExport_writeFilesWithTheUmasksPermissions_jsonLinesKeepsNumericIdsNumeric() throws IOException {
    Path reference = Files.createFile(dir.resolve("made-by-the-umask"));
    var expected = Files.getPosixFilePermissions(reference);
    Path jsonl = dir.resolve("scores.jsonl");
    Path input = Files.writeString(dir.resolve("few.csv"), "id,area,rooms,note\n7,80,3,x\n007,120,4,y\n");
    CliProcess.Result p = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", input.toString(),
        "--output", jsonl.toString(), "--keep", "id,note");
    assertThat(p.exitCode()).as(p.stderr()).isZero();
    List<String> lines = Files.readAllLines(jsonl);
    assertThat(lines.get(0)).startsWith("{\"id\":7,\"note\":\"x\",\"prediction\":");
    assertThat(lines.get(1)).as("leading zeros keep the id a string").startsWith("{\"id\":\"007\",");
    Path jsonInput = Files.writeString(dir.resolve("few.jsonl"), "{\"id\": \"8\", \"area\": 80, \"rooms\": 3}\n");
    Path jsonOut = dir.resolve("from-json.jsonl");
    CliProcess.Result q = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", jsonInput.toString(),
        "--output", jsonOut.toString(), "--keep", "id");
    assertThat(q.exitCode()).as(q.stderr()).isZero();
    assertThat(Files.readString(jsonOut)).as("a JSON string stays a string").startsWith("{\"id\":\"8\",");
    assertThat(Files.getPosixFilePermissions(jsonl)).isEqualTo(expected);
    Path onnx = dir.resolve("mode.onnx");
    CliProcess.Result e = CliProcess.run(dir, "export", "houses", "--store", store, "--format", "onnx", "--output",
        onnx.toString());
    assertThat(e.exitCode()).as(e.stderr()).isZero();
    assertThat(Files.getPosixFilePermissions(onnx)).isEqualTo(expected);
  }

  @Test
  void trainExportImportPredict_bothVersionsAgree() throws IOException {
    Path onnx = dir.resolve("houses.onnx");
    CliProcess.Result export = CliProcess.run(dir, "export", "houses", "--store", store, "--format", "onnx",
        "--output", onnx.toString());
    assertThat(export.exitCode()).as(export.stderr()).isZero();
    assertThat(export.stdout()).contains("checked with ONNX Runtime");
    assertThat(onnx).isRegularFile();
    CliProcess.Result imported = CliProcess.run(dir, "import", onnx.toString(), "--store", store, "--name", "houses");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();

    Path linear = dir.resolve("linear.csv");
    Path graph = dir.resolve("graph.csv");
    CliProcess.Result p1 = CliProcess.run(dir, "predict", "houses:1", "--store", store, "--input", csv.toString(),
        "--output", linear.toString(), "--keep", "id");
    CliProcess.Result p2 = CliProcess.run(dir, "predict", "houses:2", "--store", store, "--input", csv.toString(),
        "--output", graph.toString(), "--keep", "id", "--threads", "3");
    assertThat(p1.exitCode()).as(p1.stderr()).isZero();
    assertThat(p2.exitCode()).as(p2.stderr()).isZero();
    assertThat(p1.stdout()).contains("scored 500 rows");
    List<String> a = Files.readAllLines(linear);
    List<String> b = Files.readAllLines(graph);
    assertThat(a).hasSize(501).first().isEqualTo("id,prediction");
    assertThat(b).hasSize(501);
    for (int i = 1; i <= 500; i++) {
      String[] x = a.get(i).split(",");
      String[] y = b.get(i).split(",");
      assertThat(x[0]).isEqualTo(Integer.toString(i - 1)).isEqualTo(y[0]);
      double expected = Double.parseDouble(x[1]);
      assertThat(Double.parseDouble(y[1])).as("row %d", i).isCloseTo(expected, within(1e-5 * Math.abs(expected)));
    }
  }

  @Test
  void predict_badRows_reportedWithLineNumbersAndLeftEmpty() throws IOException {
    Path in = Files.writeString(dir.resolve("in.csv"), "id,area,rooms\n1,50,2\n2,abc,3\n3,70,\n4,80,4\n5,3.0\0,1\n");
    Path out = dir.resolve("out.csv");
    CliProcess.Result r = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", in.toString(),
        "--output", out.toString(), "--keep", "id");
    assertThat(r.exitCode()).isEqualTo(PredictCommand.SOME_ROWS_REJECTED);
    assertThat(r.stderr()).contains("line 3, column 'area': 'abc' is not a number", "line 4, column 'rooms' is empty",
        "line 6, column 'area': '3.0\\u0000' is not a number").doesNotContain("\tat ");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(6);
    assertThat(lines.get(2)).isEqualTo("2,");
    assertThat(lines.get(4)).startsWith("4,").hasSizeGreaterThan(3);
  }

  @Test
  void predict_failFast_stopsAtFirstBadRowAndWritesNothing() throws IOException {
    Path in = Files.writeString(dir.resolve("in.csv"), "area,rooms\n50,2\nabc,3\n");
    Path out = dir.resolve("out.csv");
    CliProcess.Result r = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", in.toString(),
        "--output", out.toString(), "--fail-fast");
    ErrorMessagesTest.assertOneLine(r, 1, "line 3", "abc");
    assertThat(out).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".maas-predict"));
    }
  }

  @Test
  void predict_jsonLines_inAndOut() throws IOException {
    Path in = Files.writeString(dir.resolve("in.jsonl"),
        "{\"id\": \"a\", \"area\": 50, \"rooms\": 2}\n{\"id\": \"b\", \"area\": \"NaN\", \"rooms\": 2}\n");
    Path out = dir.resolve("out.jsonl");
    CliProcess.Result r = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", in.toString(),
        "--output", out.toString(), "--keep", "id");
    assertThat(r.exitCode()).isEqualTo(PredictCommand.SOME_ROWS_REJECTED);
    assertThat(r.stderr()).contains("line 2: field 'area' must be a number, got the string \"NaN\"");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).startsWith("{\"id\":\"a\",\"prediction\":");
    assertThat(lines.get(1)).startsWith("{\"id\":\"b\",\"prediction\":null,\"line\":2,\"error\":");
  }

  @Test
  void predict_mixedLines_writeExactlyWhatTheJavaApiPredicts() throws IOException {
    // plain lines (parsed in place), a quoted one, a non-ASCII id, spaces, CRLF and a blank line
    Path in = Files.writeString(dir.resolve("in.csv"), "id,area,rooms\r\n1, 50.5 ,2\r\n\"2\",61.25,3\r\n"
        + "\u00e9t\u00e9,1e2,4\r\n\r\n4,0.000123,1\r\n5,123456.78901234567,6");
    Path out = dir.resolve("out.csv");
    CliProcess.Result r = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", in.toString(),
        "--output", out.toString(), "--keep", "id");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(6).first().isEqualTo("id,prediction");
    double[][] rows = {{50.5, 2}, {61.25, 3}, {100, 4}, {0.000123, 1}, {123456.78901234567, 6}};
    String[] ids = {"1", "2", "\u00e9t\u00e9", "4", "5"};
    try (ModelStore opened = ModelStore.open(Path.of(store)); Model model = opened.open("houses")) {
      double[] expected = model.predictor().predictRows(rows);
      for (int i = 0; i < rows.length; i++) {
        String[] cells = lines.get(i + 1).split(",");
        assertThat(cells[0]).isEqualTo(ids[i]);
        assertThat(Double.parseDouble(cells[1])).as("row %d", i + 1).isEqualTo(expected[i]);
      }
    }
  }

  @Test
  void predict_interval_writesTheBoundsTheJavaApiComputes() throws IOException {
    Path in = Files.writeString(dir.resolve("in.csv"), "id,area,rooms\n1,50,2\n2,120,5\n3,abc,1\n");
    Path out = dir.resolve("out.csv");
    CliProcess.Result r = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", in.toString(),
        "--output", out.toString(), "--keep", "id", "--interval", "PREDICTION", "--level", "0.9");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(PredictCommand.SOME_ROWS_REJECTED);
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).containsSubsequence("id,prediction,lower,upper", "3,,,");
    Path confidence = dir.resolve("confidence.jsonl");
    CliProcess.Result c = CliProcess.run(dir, "predict", "houses", "--store", store, "--input", in.toString(),
        "--output", confidence.toString(), "--interval", "confidence");
    assertThat(c.exitCode()).as(c.stderr()).isEqualTo(PredictCommand.SOME_ROWS_REJECTED);
    List<String> json = Files.readAllLines(confidence);
    assertThat(json.get(2)).startsWith("{\"prediction\":null,\"lower\":null,\"upper\":null,\"line\":4,");
    try (ModelStore opened = ModelStore.open(Path.of(store));
        LinearRegressionModel model = (LinearRegressionModel) opened.open("houses").model();
        LinearRegressionModel prediction = model.withIntervals(Interval.PREDICTION, 0.9);
        LinearRegressionModel mean = model.withIntervals(Interval.CONFIDENCE, 0.95)) {
      Tensor x = Tensor.ofDoubles(new double[] {50, 2, 120, 5}, 2, 2);
      Set<String> outputs = Set.of(LinearRegressionModel.OUTPUT, LinearRegressionModel.LOWER,
          LinearRegressionModel.UPPER);
      Map<String, Tensor> p = prediction.predictor().predict(Map.of(LinearRegressionModel.INPUT, x), outputs);
      Map<String, Tensor> m = mean.predictor().predict(Map.of(LinearRegressionModel.INPUT, x), outputs);
      for (int i = 0; i < 2; i++) {
        String[] cells = lines.get(i + 1).split(",");
        assertThat(cells[0]).isEqualTo(Integer.toString(i + 1));
        assertThat(Double.parseDouble(cells[1])).isEqualTo(p.get("prediction").getDouble(i));
        assertThat(Double.parseDouble(cells[2])).isEqualTo(p.get("lower").getDouble(i));
        assertThat(Double.parseDouble(cells[3])).isEqualTo(p.get("upper").getDouble(i));
        assertThat(json.get(i)).isEqualTo("{\"prediction\":" + m.get("prediction").getDouble(i) + ",\"lower\":"
            + m.get("lower").getDouble(i) + ",\"upper\":" + m.get("upper").getDouble(i) + "}");
        assertThat(m.get("upper").getDouble(i) - m.get("lower").getDouble(i))
            .isLessThan(p.get("upper").getDouble(i) - p.get("lower").getDouble(i));
      }
    }
  }

  @Test
  void predict_intervalOfAModelWithoutIntervals_isOneLineError() throws IOException {
    Path onnx = dir.resolve("houses.onnx");
    assertThat(CliProcess.run(dir, "export", "houses", "--store", store, "--format", "onnx", "--output",
        onnx.toString()).exitCode()).isZero();
    assertThat(CliProcess.run(dir, "import", onnx.toString(), "--store", store, "--name", "houses").exitCode())
        .isZero();
    Path out = dir.resolve("out.csv");
    CliProcess.Result r = CliProcess.run(dir, "predict", "houses:2", "--store", store, "--input", csv.toString(),
        "--output", out.toString(), "--interval", "confidence");
    ErrorMessagesTest.assertOneLine(r, 1, "--interval", "houses:2 has no intervals");
    assertThat(out).doesNotExist();
  }

  @Test
  void predict_levelWithoutIntervalOrOutOfRange_isOneLineError() {
    Path out = dir.resolve("out.csv");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "predict", "houses", "--store", store, "--input",
        csv.toString(), "--output", out.toString(), "--level", "0.9"), 1, "--level needs --interval");
    ErrorMessagesTest.assertOneLine(CliProcess.run(dir, "predict", "houses", "--store", store, "--input",
        csv.toString(), "--output", out.toString(), "--interval", "prediction", "--level", "95"), 1,
        "--level must be between 0 and 1", "95");
    assertThat(out).doesNotExist();
  }

  @Test
  void evaluate_json_reportsMetricsOfAGoodFit() {
    CliProcess.Result r = CliProcess.run(dir, "evaluate", "houses", "--store", store, "--data", csv.toString(),
        "--target", "price", "--json");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("{\"model\":\"houses:1\",\"n\":500,\"rmse\":")
        .contains("\"r_squared\":0.99", "\"residual_quantiles\":{\"min\":", "\"median\":", "\"max_error\":");
    CliProcess.Result text = CliProcess.run(dir, "evaluate", "houses", "--store", store, "--data", csv.toString(),
        "--target", "price");
    assertThat(text.stdout()).contains("RMSE", "MAE", "R-squared", "max error", "Median");
  }

  @Test
  void evaluate_missingTarget_namesColumns() {
    CliProcess.Result r = CliProcess.run(dir, "evaluate", "houses", "--store", store, "--data", csv.toString(),
        "--target", "cost");
    ErrorMessagesTest.assertOneLine(r, 1, "'cost'", "area");
  }

  @Test
  void evaluate_quantile_interpolatesLikeR() {
    double[] sorted = {1, 2, 3, 4};
    assertThat(EvaluateCommand.quantile(sorted, 0.25)).isCloseTo(1.75, within(1e-15));
    assertThat(EvaluateCommand.quantile(sorted, 0.5)).isCloseTo(2.5, within(1e-15));
    assertThat(EvaluateCommand.quantile(sorted, 1)).isEqualTo(4);
  }
}
