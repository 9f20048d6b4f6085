package dev.maas.cli;

import dev.maas.Model;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.linear.PairedComparison;
import dev.maas.linear.RegressionMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code maas evaluate --compare A B ...}: scores every candidate on the same rows in one pass over
 * the data, names the winner (the lowest mean loss: squared error, or log loss for a classifier's
 * probabilities), and tests it against each other candidate with a one-sided paired t-test on the
 * per-row losses, Bonferroni-corrected over the comparisons. With {@code --promote ALIAS} the alias
 * moves to the winner only when every corrected p-value is below {@code alpha}. Stateless.
 */
final class Comparison {
  private static final double LOG_LOSS_FLOOR = 1e-15;
  /** How far a row of FP32 probabilities may sum from 1 (softmax in single precision over many classes). */
  private static final double PROBABILITY_SUM_TOLERANCE = 1e-3;

  private Comparison() {}

  /** One candidate's figures; the test fields are NaN for the winner. */
  record Scored(ModelVersion version, double meanLoss, RegressionMetrics regression, double accuracy,
      PairedComparison test, double adjustedP) {}

  /** The whole comparison. */
  record Result(long rows, boolean classifier, List<Scored> candidates, ModelVersion winner, boolean significant,
      double alpha, Optional<Promotion> promotion) {}

  /** What {@code --promote} did: whether the alias moved, and why. */
  record Promotion(String alias, boolean moved, String message) {}

  static Result run(ModelStore store, List<String> references, Path data, String target, List<String> columns,
      String output, double alpha, String promote) throws IOException {
    if (references.size() < 2) {
      throw new IllegalArgumentException("--compare needs at least two candidates, got " + references.size());
    }
    List<ModelVersion> versions = new ArrayList<>();
    for (String reference : references) {
      ModelVersion v = store.get(reference);
      if (versions.stream().anyMatch(o -> o.name().equals(v.name()) && o.version() == v.version())) {
        throw new IllegalArgumentException("--compare names " + v.reference() + " twice");
      }
      ModelColumns.tabularInput(v, false);
      versions.add(v);
    }
    if (promote != null) {
      ModelReference.requireValidName(promote, "alias");
      if (versions.stream().map(ModelVersion::name).distinct().count() != 1) {
        throw new IllegalArgumentException("--promote moves an alias of one model: the candidates must be versions"
            + " of one model, got " + versions.stream().map(ModelVersion::name).distinct().toList());
      }
    }
    List<Model> models = new ArrayList<>();
    try (Table table = Table.open(data, "--data")) {
      for (ModelVersion v : versions) {
        models.add(store.open(v.reference()));
      }
      String column = target.strip();
      List<List<String>> features = new ArrayList<>();
      LinkedHashSet<String> union = new LinkedHashSet<>();
      for (int m = 0; m < models.size(); m++) {
        List<String> f = ModelColumns.choose(columns, models.get(m), versions.get(m), table.header(), List.of(column));
        if (f.contains(column)) {
          throw new IllegalArgumentException("--target '" + column + "' is also a feature of " + versions.get(m)
              .reference());
        }
        features.add(f);
        union.addAll(f);
      }
      List<String> wanted = new ArrayList<>(union);
      wanted.add(column);
      table.select(wanted, List.of());
      int[][] index = new int[models.size()][];
      for (int m = 0; m < models.size(); m++) {
        index[m] = features.get(m).stream().mapToInt(wanted::indexOf).toArray();
      }
      return score(versions, models, table, index, wanted.size() - 1, output, alpha, store, promote);
    } finally {
      for (Model m : models) {
        m.close();
      }
    }
  }

  /**
   * Log loss means something only for probabilities: a row of logits, scores or a multi-output
   * regression is refused instead of scored as if it were one.
   */
  private static void checkProbabilities(double[] out, int from, int width, long row, ModelVersion version,
      String name) {
    double sum = 0;
    for (int c = 0; c < width; c++) {
      double p = out[from + c];
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException(version.reference() + "'s output '" + name + "' is not class"
            + " probabilities: row " + row + " has " + p + " (choose the probabilities' output with --output)");
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
      throw new IllegalArgumentException(version.reference() + "'s output '" + name + "' is not class"
          + " probabilities: row " + row + " sums to " + sum + ", not 1 (choose the probabilities' output with"
          + " --output)");
    }
  }

  private static Result score(List<ModelVersion> versions, List<Model> models, Table table, int[][] index,
      int targetColumn, String output, double alpha, ModelStore store, String promote) throws IOException {
    int m = models.size();
    Grow actual = new Grow();
    Grow[] losses = new Grow[m];
    Grow[] predictions = new Grow[m];
    long[] correct = new long[m];
    Boolean classifier = null;
    for (int k = 0; k < m; k++) {
      losses[k] = new Grow();
      predictions[k] = new Grow();
    }
    Table.Chunk chunk;
    while ((chunk = table.next()) != null) {
      List<double[]> rows = new ArrayList<>(chunk.lines().size());
      for (int i = 0; i < chunk.lines().size(); i++) {
        String line = chunk.lines().get(i);
        if (!Table.blank(line)) {
          rows.add(table.parse(line, chunk.firstLine() + i).values());
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      int n = rows.size();
      for (int k = 0; k < m; k++) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
          double[] values = rows.get(i);
          double[] row = new double[index[k].length];
          for (int j = 0; j < row.length; j++) {
            row[j] = values[index[k][j]];
          }
          x[i] = row;
        }
        String name = output != null ? output : models.get(k).signature().outputs().get(0).name();
        double[] out = models.get(k).predictor().predictRows(x, name);
        int width = out.length / n;
        boolean isClassifier = width > 1;
        if (classifier == null) {
          classifier = isClassifier;
        } else if (classifier != isClassifier) {
          throw new IllegalArgumentException(versions.get(k).reference() + "'s output '" + name + "' has " + width
              + " values per row, unlike the other candidates': compare like with like (choose one with --output)");
        }
        for (int i = 0; i < n; i++) {
          double y = rows.get(i)[targetColumn];
          if (isClassifier) {
            int label = (int) y;
            if (label != y || label < 0 || label >= width) {
              throw new IllegalArgumentException("row " + (actual.size + i + 1) + ": target " + y + " is not a class"
                  + " index 0.." + (width - 1) + " of the " + width + " probabilities of output '" + name + "'");
            }
            checkProbabilities(out, i * width, width, actual.size + i + 1, versions.get(k), name);
            int best = 0;
            for (int c = 1; c < width; c++) {
              if (out[i * width + c] > out[i * width + best]) {
                best = c;
              }
            }
            if (best == label) {
              correct[k]++;
            }
            double prob = Math.min(1, Math.max(LOG_LOSS_FLOOR, out[i * width + label]));
            losses[k].add(-Math.log(prob));
          } else {
            double e = y - out[i];
            losses[k].add(e * e);
            predictions[k].add(out[i]);
          }
        }
      }
      for (double[] values : rows) {
        actual.add(values[targetColumn]);
      }
    }
    int n = actual.size;
    if (n < 2) {
      throw new IllegalArgumentException("--data has " + n + " rows: a comparison needs at least 2");
    }
    double[] mean = new double[m];
    int winner = 0;
    for (int k = 0; k < m; k++) {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += losses[k].values[i];
      }
      mean[k] = s / n;
      if (mean[k] < mean[winner]) {
        winner = k;
      }
    }
    double[] w = Arrays.copyOf(losses[winner].values, n);
    List<Scored> scored = new ArrayList<>();
    boolean significant = true;
    for (int k = 0; k < m; k++) {
      RegressionMetrics metrics = Boolean.TRUE.equals(classifier) ? null
          : RegressionMetrics.of(Arrays.copyOf(actual.values, n), Arrays.copyOf(predictions[k].values, n));
      double accuracy = Boolean.TRUE.equals(classifier) ? (double) correct[k] / n : Double.NaN;
      if (k == winner) {
        scored.add(new Scored(versions.get(k), mean[k], metrics, accuracy, null, Double.NaN));
        continue;
      }
      PairedComparison test = PairedComparison.ofLosses(Arrays.copyOf(losses[k].values, n), w);
      double adjusted = Math.min(1, test.pValue() * (m - 1));
      significant &= adjusted < alpha;
      scored.add(new Scored(versions.get(k), mean[k], metrics, accuracy, test, adjusted));
    }
    ModelVersion best = versions.get(winner);
    Optional<Promotion> promotion = Optional.empty();
    if (promote != null) {
      promotion = Optional.of(promote(store, best, promote, significant, alpha, scored));
    }
    return new Result(n, Boolean.TRUE.equals(classifier), scored, best, significant, alpha, promotion);
  }

  private static Promotion promote(ModelStore store, ModelVersion best, String alias, boolean significant, double alpha,
      List<Scored> scored) {
    Map<String, Integer> aliases = store.aliases(best.name());
    Integer current = aliases.get(alias);
    if (current != null && current == best.version()) {
      return new Promotion(alias, false, String.format(Locale.ROOT, "alias '%s' already points at %s; not moved", alias,
          best.reference()));
    }
    if (!significant) {
      Scored weakest = scored.stream().filter(s -> s.test() != null)
          .max(java.util.Comparator.comparingDouble(Scored::adjustedP)).orElseThrow();
      return new Promotion(alias, false, String.format(Locale.ROOT,
          "alias '%s' not moved: %s is not better than %s at alpha %s (adjusted p = %s)", alias, best.reference(),
          weakest.version().reference(), alpha, g(weakest.adjustedP())));
    }
    store.setAlias(best.name(), alias, best.version());
    return new Promotion(alias, true, String.format(Locale.ROOT,
        "alias '%s' moved %sto %s: better than every other candidate at alpha %s", alias,
        current == null ? "" : "from version " + current + " ", best.reference(), alpha));
  }

  static String text(Result r) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "%d candidates on the same %,d rows%n", r.candidates().size(), r.rows()));
    if (r.classifier()) {
      s.append(String.format(Locale.ROOT, "  %-22s %10s %12s %14s %12s %10s%n", "model", "accuracy", "log loss",
          "Δ vs winner", "std. error", "p (adj.)"));
    } else {
      s.append(String.format(Locale.ROOT, "  %-22s %12s %12s %10s %14s %12s %10s%n", "model", "RMSE", "MAE",
          "R-squared", "ΔMSE vs winner", "std. error", "p (adj.)"));
    }
    for (Scored c : r.candidates()) {
      String name = c.version().reference().toString();
      String delta = c.test() == null ? "(winner)" : g(c.test().meanDifference());
      String se = c.test() == null ? "" : g(c.test().standardError());
      String p = c.test() == null ? "" : g(c.adjustedP());
      if (r.classifier()) {
        s.append(String.format(Locale.ROOT, "  %-22s %10s %12s %14s %12s %10s%n", name, g(c.accuracy()),
            g(c.meanLoss()), delta, se, p));
      } else {
        s.append(String.format(Locale.ROOT, "  %-22s %12s %12s %10s %14s %12s %10s%n", name, g(c.regression().rmse()),
            g(c.regression().mae()), g(c.regression().rSquared()), delta, se, p));
      }
    }
    int comparisons = r.candidates().size() - 1;
    s.append(String.format(Locale.ROOT, "Winner: %s (%s at alpha %s; one-sided paired t-test on per-row %s,"
        + " Bonferroni over %d comparison%s)", r.winner().reference(),
        r.significant() ? "better than every other candidate" : "not significantly better than every other candidate",
        r.alpha(), r.classifier() ? "log loss" : "squared error", comparisons, comparisons == 1 ? "" : "s"));
    r.promotion().ifPresent(p -> s.append(System.lineSeparator()).append(p.message()));
    return s.toString();
  }

  static String json(Result r) {
    return JsonOutput.write(j -> {
      j.writeStartObject();
      j.writeNumberField("rows", r.rows());
      j.writeStringField("kind", r.classifier() ? "classifier" : "regression");
      j.writeArrayFieldStart("candidates");
      for (Scored c : r.candidates()) {
        j.writeStartObject();
        j.writeStringField("model", c.version().reference().toString());
        if (r.classifier()) {
          j.writeFieldName("accuracy");
          JsonOutput.number(j, c.accuracy());
          j.writeFieldName("log_loss");
          JsonOutput.number(j, c.meanLoss());
        } else {
          j.writeFieldName("rmse");
          JsonOutput.number(j, c.regression().rmse());
          j.writeFieldName("mae");
          JsonOutput.number(j, c.regression().mae());
          j.writeFieldName("r_squared");
          JsonOutput.number(j, c.regression().rSquared());
        }
        if (c.test() != null) {
          j.writeFieldName("loss_difference");
          JsonOutput.number(j, c.test().meanDifference());
          j.writeFieldName("standard_error");
          JsonOutput.number(j, c.test().standardError());
          j.writeFieldName("p_value");
          JsonOutput.number(j, c.test().pValue());
          j.writeFieldName("adjusted_p_value");
          JsonOutput.number(j, c.adjustedP());
        }
        j.writeEndObject();
      }
      j.writeEndArray();
      j.writeStringField("winner", r.winner().reference().toString());
      j.writeBooleanField("significant", r.significant());
      j.writeFieldName("alpha");
      JsonOutput.number(j, r.alpha());
      if (r.promotion().isPresent()) {
        Promotion p = r.promotion().get();
        j.writeObjectFieldStart("promotion");
        j.writeStringField("alias", p.alias());
        j.writeBooleanField("moved", p.moved());
        j.writeStringField("reason", p.message());
        j.writeEndObject();
      }
      j.writeEndObject();
    });
  }

  private static String g(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
  }

  /** A growable array of doubles. */
  private static final class Grow {
    double[] values = new double[1024];
    int size;

    void add(double v) {
      if (size == values.length) {
        if (size > Integer.MAX_VALUE / 2 - 16) {
          throw new IllegalArgumentException("a comparison holds at most " + size + " rows");
        }
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }
  }
}
