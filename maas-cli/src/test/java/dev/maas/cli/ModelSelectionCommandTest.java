package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.RidgeSearch;
import dev.maas.linear.RidgeSelection;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code maas train --ridge auto} and {@code maas evaluate --compare}, run in real child processes. */
class ModelSelectionCommandTest {
  @TempDir Path dir;

  /** y = 1 + 2a - 3b + 0.5c + N(0, 1) noise, with b and c correlated; seeded. */
  private Path data(String name, int rows, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder csv = new StringBuilder("a,b,c,y\n");
    for (int i = 0; i < rows; i++) {
      double a = gaussian(r);
      double b = gaussian(r);
      double c = b + 0.1 * gaussian(r);
      csv.append(a).append(',').append(b).append(',').append(c).append(',')
          .append(1 + 2 * a - 3 * b + 0.5 * c + gaussian(r)).append('\n');
    }
    Path file = dir.resolve(name);
    Files.writeString(file, csv);
    return file;
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ?([-0-9.eE]+)").matcher(json);
    assertThat(m.find()).as("member %s in %s", key, json).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void train_ridgeAuto_choosesTheSearchMinimumAndStoresTheCurve() throws IOException {
    Path train = data("train.csv", 120, 1);
    Path store = dir.resolve("store");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", train.toString(), "--target", "y", "--store",
        store.toString(), "--name", "m", "--ridge", "auto", "--cv", "loo", "--ridge-grid", "1e-3:1e3:13", "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    String json = result.stdout().trim();
    assertThat(json).contains("\"ridge_selection\":{\"cv\":\"loo\"");
    double chosen = number(json, "chosen");

    double[][] rows = Table.readAll(train, "--data", List.of("a", "b", "c", "y"));
    double[][] x = new double[rows.length][];
    double[] y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      x[i] = java.util.Arrays.copyOf(rows[i], 3);
      y[i] = rows[i][3];
    }
    RidgeSelection direct = RidgeSearch.builder().grid(RidgeSearch.logGrid(1e-3, 1e3, 13))
        .method(RidgeSearch.Method.LEAVE_ONE_OUT).build().select(LinearRegressionTrainer.ordinaryLeastSquares(), x, y);
    assertThat(chosen).isEqualTo(direct.best());
    try (ModelStore s = ModelStore.open(store)) {
      ModelVersion v = s.get("m:1");
      assertThat(v.parameters()).containsEntry("ridge", Double.toString(chosen)).containsEntry("ridge_cv", "loo")
          .containsEntry("ridge_choice", "min").containsEntry("ridge_grid", "1e-3:1e3:13");
      RidgeSelection stored = RidgeSelection.fromJson(s.readFile(v, RidgeSelection.FILE_NAME));
      assertThat(stored).isEqualTo(direct);
    }
  }

  @Test
  void train_ridgeAutoDefault_isGeneralizedCrossValidationInTheFitsOwnPass() throws IOException {
    Path train = data("train.csv", 100, 7);
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", train.toString(), "--target", "y", "--store",
        dir.resolve("store").toString(), "--name", "m", "--ridge", "auto", "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("\"cv\":\"gcv\"").contains("\"one_se\":\"NaN\"");
    double[][] rows = Table.readAll(train, "--data", List.of("a", "b", "c", "y"));
    double[][] x = new double[rows.length][];
    double[] y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      x[i] = java.util.Arrays.copyOf(rows[i], 3);
      y[i] = rows[i][3];
    }
    assertThat(number(result.stdout(), "chosen")).isEqualTo(RidgeSearch.builder().build()
        .select(LinearRegressionTrainer.ordinaryLeastSquares(), x, y).best());
  }

  @Test
  void train_ridgeAutoKFoldOneStandardError_printsTheCurveAndPlotsIt() throws IOException {
    Path png = dir.resolve("curve.png");
    CliProcess.Result result = CliProcess.run(dir, "train", "--data", data("train.csv", 150, 2).toString(), "--target",
        "y", "--store", dir.resolve("store").toString(), "--name", "m", "--ridge", "auto", "--cv", "kfold:5", "--seed",
        "3", "--ridge-choice", "1se", "--plot", png.toString());
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("Ridge penalty by 5-fold cross-validation on 150 rows").contains("<- min")
        .contains("Chosen: ridge").contains("the largest within one standard error").contains("published m:1");
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(520);
  }

  @Test
  void train_badSelectionSettings_failWithOneLineNamingTheOption() throws IOException {
    Path train = data("train.csv", 30, 4);
    String[][] cases = {
        {"--cv", "loo"},
        {"--ridge", "auto", "--cv", "kfold:1"},
        {"--ridge", "auto", "--cv", "bootstrap"},
        {"--ridge", "auto", "--ridge-grid", "1e-3:1e3"},
        {"--ridge", "auto", "--ridge-choice", "1se"},
        {"--ridge", "lots"},
    };
    String[] expected = {"need --ridge auto", "at least 2 folds, got 1", "--cv must be loo, gcv or kfold:K",
        "--ridge-grid must read FROM:TO:COUNT", "--ridge-choice 1se needs a standard error",
        "--ridge must be a number >= 0 or auto"};
    for (int k = 0; k < cases.length; k++) {
      List<String> args = new java.util.ArrayList<>(List.of("train", "--data", train.toString(), "--target", "y",
          "--store", dir.resolve("store").toString(), "--name", "m"));
      args.addAll(List.of(cases[k]));
      CliProcess.Result result = CliProcess.run(dir, args.toArray(new String[0]));
      assertThat(result.exitCode()).as(String.join(" ", cases[k])).isNotZero();
      assertThat(result.stderr()).as(String.join(" ", cases[k])).contains(expected[k]);
      assertThat(result.stderr().strip().lines().count()).as(result.stderr()).isEqualTo(1);
    }
    assertThat(Files.exists(dir.resolve("store").resolve("m"))).isFalse();
  }

  @Test
  void evaluateCompare_namesTheWinnerAndPromotesOnlyWhenSignificant() throws IOException {
    Path train = data("train.csv", 200, 5);
    Path holdout = data("holdout.csv", 300, 6);
    Path store = dir.resolve("store");
    assertThat(CliProcess.run(dir, "train", "--data", train.toString(), "--target", "y", "--store", store.toString(),
        "--name", "m").exitCode()).isZero();
    try (ModelStore s = ModelStore.open(store)) {
      s.publish("m", LinearRegressionModel.of(1, new double[] {1.5, -3, 0.5}, List.of("a", "b", "c")));
      s.setAlias("m", "production", 2);
      java.util.Map<String, Double> fitted = s.get("m:1").metrics();
      s.publish("m", LinearRegressionModel.of(fitted.get("coef.(intercept)"), new double[] {fitted.get("coef.a"),
          fitted.get("coef.b"), fitted.get("coef.c")}, List.of("a", "b", "c")));
    }

    CliProcess.Result result = CliProcess.run(dir, "evaluate", "--compare", "m@production", "m:1", "--store",
        store.toString(), "--data", holdout.toString(), "--target", "y", "--promote", "production", "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    String json = result.stdout();
    assertThat(json).contains("\"winner\":\"m:1\"").contains("\"significant\":true")
        .contains("\"moved\":true").contains("alias 'production' moved from version 2 to m:1");
    assertThat(number(json, "rows")).isEqualTo(300);
    assertThat(number(json, "adjusted_p_value")).isLessThan(0.05);

    CliProcess.Result tie = CliProcess.run(dir, "evaluate", "--compare", "m:1", "m:3", "--store", store.toString(),
        "--data", holdout.toString(), "--target", "y", "--promote", "staging");
    assertThat(tie.exitCode()).as(tie.stderr()).isZero();
    assertThat(tie.stdout()).contains("2 candidates on the same 300 rows").contains("(winner)")
        .contains("not significantly better").contains("alias 'staging' not moved");
    try (ModelStore s = ModelStore.open(store)) {
      assertThat(s.aliases("m")).containsEntry("production", 1).doesNotContainKey("staging");
    }
  }

  /** softmax(x W) as ONNX: input x FP32 [batch, 2], output probs FP32 [batch, 3]. */
  private static Path writeClassifier(Path file, float[] weights) throws IOException {
    dev.maas.onnx.OnnxGraph.builder("softmax_classifier")
        .input("x", dev.maas.DataType.FP32, "batch", "2")
        .initializer("w", dev.maas.Tensor.wrap(dev.maas.DataType.FP32, weights, 2, 3))
        .node("MatMul", List.of("x", "w"), List.of("logits"))
        .node("Softmax", List.of("logits"), List.of("probs"), java.util.Map.of("axis", 1L))
        .output("probs", dev.maas.DataType.FP32, "batch", "3")
        .output("logits", dev.maas.DataType.FP32, "batch", "3")
        .build().writeTo(file);
    return file;
  }

  /** Accuracy and mean log loss of softmax(x W) on rows (a, b, label), computed here in double. */
  private static double[] classifierScores(double[][] rows, float[] w) {
    int correct = 0;
    double loss = 0;
    for (double[] row : rows) {
      double[] logits = new double[3];
      for (int c = 0; c < 3; c++) {
        logits[c] = (float) row[0] * w[c] + (float) row[1] * w[3 + c];
      }
      double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
      double total = 0;
      for (int c = 0; c < 3; c++) {
        total += Math.exp(logits[c] - max);
      }
      int label = (int) row[2];
      int best = logits[0] >= logits[1] ? (logits[0] >= logits[2] ? 0 : 2) : (logits[1] >= logits[2] ? 1 : 2);
      correct += best == label ? 1 : 0;
      loss += -((logits[label] - max) - Math.log(total));
    }
    return new double[] {(double) correct / rows.length, loss / rows.length};
  }

  @Test
  void evaluateCompare_onnxClassifiers_scoresAccuracyAndLogLossOfTheNamedOutput() throws IOException {
    // three classes around centres (2, 0), (-1, 2), (-1, -2); label = nearest centre, with noise
    SplittableRandom r = new SplittableRandom(11);
    StringBuilder csv = new StringBuilder("a,b,label,unused\n");
    double[][] centres = {{2, 0}, {-1, 2}, {-1, -2}};
    double[][] rows = new double[400][];
    for (int i = 0; i < rows.length; i++) {
      int label = r.nextInt(3);
      double a = centres[label][0] + 1.2 * gaussian(r);
      double b = centres[label][1] + 1.2 * gaussian(r);
      rows[i] = new double[] {a, b, label};
      csv.append(a).append(',').append(b).append(',').append(label).append(",x\n");
    }
    Path holdout = dir.resolve("holdout.csv");
    Files.writeString(holdout, csv);
    float[] good = {2, -1, -1, 0, 2, -2}; // logits = centre . x
    float[] poor = {1, 0, 0, 0, 0.3f, -0.3f};
    Path store = dir.resolve("store");
    for (float[] w : List.of(poor, good)) {
      Path file = writeClassifier(dir.resolve("clf.onnx"), w);
      CliProcess.Result imported = CliProcess.run(dir, "import", file.toString(), "--store", store.toString(),
          "--name", "clf");
      assertThat(imported.exitCode()).as(imported.stderr()).isZero();
    }

    CliProcess.Result result = CliProcess.run(dir, "evaluate", "--compare", "clf:1", "clf:2", "--store",
        store.toString(), "--data", holdout.toString(), "--columns", "a,b", "--output", "probs", "--target", "label",
        "--json");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    String json = result.stdout();
    assertThat(json).contains("\"winner\":\"clf:2\"");
    double[] poorScores = classifierScores(rows, poor);
    double[] goodScores = classifierScores(rows, good);
    Matcher accuracy = Pattern.compile("\"accuracy\": ?([-0-9.eE]+)").matcher(json);
    Matcher logLoss = Pattern.compile("\"log_loss\": ?([-0-9.eE]+)").matcher(json);
    for (double[] expected : List.of(poorScores, goodScores)) {
      assertThat(accuracy.find()).as(json).isTrue();
      assertThat(logLoss.find()).as(json).isTrue();
      assertThat(Double.parseDouble(accuracy.group(1))).isEqualTo(expected[0]);
      assertThat(Double.parseDouble(logLoss.group(1))).isCloseTo(expected[1], within(1e-5));
    }
    assertThat(goodScores[0]).isGreaterThan(poorScores[0]); // the winner is better on both counts
    assertThat(goodScores[1]).isLessThan(poorScores[1]);

    CliProcess.Result table = CliProcess.run(dir, "evaluate", "--compare", "clf:1", "clf:2", "--store",
        store.toString(), "--data", holdout.toString(), "--columns", "a,b", "--output", "probs", "--target", "label");
    assertThat(table.exitCode()).as(table.stderr()).isZero();
    assertThat(table.stdout()).contains("accuracy").contains("log loss").contains("(winner)");

    CliProcess.Result logits = CliProcess.run(dir, "evaluate", "--compare", "clf:1", "clf:2", "--store",
        store.toString(), "--data", holdout.toString(), "--columns", "a,b", "--output", "logits", "--target", "label");
    assertThat(logits.exitCode()).as("logits are not probabilities: no log loss, no winner").isNotZero();
    assertThat(logits.stderr()).contains("clf:1's output 'logits' is not class probabilities: row ");
    assertThat(logits.stderr().strip().lines().count()).as(logits.stderr()).isEqualTo(1);
  }
}
