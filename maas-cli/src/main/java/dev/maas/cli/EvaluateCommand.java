package dev.maas.cli;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.linear.RegressionMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas evaluate REF --store DIR --data FILE.csv --target COL}: scores held-out data with a
 * stored model and prints RMSE, MAE, R², the largest error and the residual quantiles. Every row
 * must be usable: a bad row stops the evaluation with its line number, since metrics over the rows
 * that happened to parse would mislead.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Measure a stored model on held-out data: RMSE, MAE, R-squared, max error, residual quantiles.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas evaluate demo@production --store maas-store --data holdout.csv \\",
        "      --target price --json",
        "  maas evaluate --compare demo@production demo:3 --store maas-store \\",
        "      --data holdout.csv --target price --promote production"})
final class EvaluateCommand implements Callable<Integer> {
  /** The residual quantiles reported, as R's summary(lm) does plus the 5% and 95% points. */
  static final double[] QUANTILES = {0, 0.05, 0.25, 0.5, 0.75, 0.95, 1};
  private static final String[] QUANTILE_NAMES = {"min", "p05", "p25", "median", "p75", "p95", "max"};

  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", arity = "0..1", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--compare", arity = "2..*", paramLabel = "REF",
      description = "Score two or more candidates on the same rows and name the winner (instead of REF).")
  List<String> compare;

  @Option(names = "--promote", paramLabel = "ALIAS",
      description = "With --compare: move ALIAS to the winner if it is better than every other candidate at --alpha.")
  String promote;

  @Option(names = "--alpha", defaultValue = "0.05", paramLabel = "P",
      description = "With --compare: significance level of the paired tests (default ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--output", paramLabel = "NAME",
      description = "With --compare: the model output to score (default: each model's first output).")
  String output;

  @Option(names = "--data", required = true, paramLabel = "FILE.csv",
      description = "Held-out data: CSV with a header row, or .jsonl; must hold the target column.")
  Path data;

  @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "The column with the true values.")
  String target;

  @Option(names = "--columns", split = ",", paramLabel = "a,b,...",
      description = "Feature columns in the model's input order (default: the features the model records).")
  List<String> columns;

  @Option(names = "--json", description = "Print the metrics as one JSON object.")
  boolean json;

  /** The measured figures. */
  record Result(ModelVersion version, RegressionMetrics metrics, double maxError, double[] quantiles) {}

  @Override
  public Integer call() throws IOException {
    if (compare != null) {
      return compare();
    }
    if (reference == null) {
      throw new IllegalArgumentException("name the model to evaluate (REF), or two or more with --compare");
    }
    if (promote != null || output != null) {
      throw new IllegalArgumentException("--promote and --output need --compare");
    }
    Result result;
    try (ModelStore s = store.open()) {
      ModelVersion version = s.get(reference);
      ModelColumns.tabularInput(version);
      try (Model model = s.open(version.reference()); Table table = Table.open(data, "--data")) {
        String column = target.strip();
        List<String> features = ModelColumns.choose(columns, model, version, table.header(), List.of(column));
        if (features.contains(column)) {
          throw new IllegalArgumentException("--target '" + column + "' is also a feature of " + version.reference());
        }
        List<String> wanted = new ArrayList<>(features);
        wanted.add(column);
        table.select(wanted, List.of());
        result = evaluate(version, model, table, features.size());
        if (result == null) {
          throw new IllegalArgumentException("--data '" + data + "' has no rows to evaluate");
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? json(result) : text(result));
    return 0;
  }

  private int compare() throws IOException {
    if (reference != null) {
      throw new IllegalArgumentException("give the candidates with --compare only, not REF too ('" + reference + "')");
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("--alpha must be between 0 and 1, got " + alpha);
    }
    Comparison.Result result;
    try (ModelStore s = store.open()) {
      result = Comparison.run(s, compare, data, target, columns, output, alpha,
          promote == null ? null : promote.strip());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? Comparison.json(result) : Comparison.text(result));
    return 0;
  }

  private static Result evaluate(ModelVersion version, Model model, Table table, int p) throws IOException {
    double[] actual = new double[1024];
    double[] predicted = new double[1024];
    int n = 0;
    Table.Chunk chunk;
    while ((chunk = table.next()) != null) {
      List<double[]> rows = new ArrayList<>(chunk.lines().size());
      List<Double> targets = new ArrayList<>(chunk.lines().size());
      for (int i = 0; i < chunk.lines().size(); i++) {
        String line = chunk.lines().get(i);
        if (Table.blank(line)) {
          continue;
        }
        double[] values = table.parse(line, chunk.firstLine() + i).values();
        rows.add(Arrays.copyOf(values, p));
        targets.add(values[p]);
      }
      if (rows.isEmpty()) {
        continue;
      }
      double[] scores = model.predictor().predictRows(rows.toArray(new double[0][]));
      if (n + scores.length > actual.length) {
        int size = Math.max(actual.length * 2, n + scores.length);
        if (size < 0 || size > Integer.MAX_VALUE - 16) {
          throw new IllegalArgumentException("evaluate holds at most " + (Integer.MAX_VALUE - 16) + " rows");
        }
        actual = Arrays.copyOf(actual, size);
        predicted = Arrays.copyOf(predicted, size);
      }
      for (int i = 0; i < scores.length; i++) {
        actual[n] = targets.get(i);
        predicted[n] = scores[i];
        n++;
      }
    }
    if (n == 0) {
      return null;
    }
    actual = Arrays.copyOf(actual, n);
    predicted = Arrays.copyOf(predicted, n);
    RegressionMetrics metrics = RegressionMetrics.of(actual, predicted);
    double[] residuals = new double[n];
    double maxError = 0;
    for (int i = 0; i < n; i++) {
      residuals[i] = actual[i] - predicted[i];
      maxError = Math.max(maxError, Math.abs(residuals[i]));
    }
    Arrays.sort(residuals);
    double[] quantiles = new double[QUANTILES.length];
    for (int q = 0; q < quantiles.length; q++) {
      quantiles[q] = quantile(residuals, QUANTILES[q]);
    }
    return new Result(version, metrics, maxError, quantiles);
  }

  /** The {@code q} quantile of sorted {@code x}, interpolated linearly (R's default, type 7). */
  static double quantile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static String text(Result r) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "%s on %,d rows%n", r.version().reference(), r.metrics().count()));
    s.append(String.format(Locale.ROOT, "  %-10s %s%n", "RMSE", g(r.metrics().rmse())));
    s.append(String.format(Locale.ROOT, "  %-10s %s%n", "MAE", g(r.metrics().mae())));
    s.append(String.format(Locale.ROOT, "  %-10s %s%n", "R-squared", g(r.metrics().rSquared())));
    s.append(String.format(Locale.ROOT, "  %-10s %s%n", "max error", g(r.maxError())));
    s.append("Residuals (actual - predicted):\n");
    s.append(String.format(Locale.ROOT, "  %12s %12s %12s %12s %12s %12s %12s%n", "Min", "5%", "1Q", "Median", "3Q",
        "95%", "Max"));
    s.append("  ");
    for (double q : r.quantiles()) {
      s.append(String.format(Locale.ROOT, " %12s", g(q)));
    }
    return s.toString();
  }

  private static String g(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
  }

  private static String json(Result r) {
    return JsonOutput.write(j -> {
      j.writeStartObject();
      j.writeStringField("model", r.version().reference().toString());
      j.writeNumberField("n", r.metrics().count());
      j.writeFieldName("rmse");
      JsonOutput.number(j, r.metrics().rmse());
      j.writeFieldName("mae");
      JsonOutput.number(j, r.metrics().mae());
      j.writeFieldName("r_squared");
      JsonOutput.number(j, r.metrics().rSquared());
      j.writeFieldName("max_error");
      JsonOutput.number(j, r.maxError());
      j.writeObjectFieldStart("residual_quantiles");
      for (int q = 0; q < QUANTILES.length; q++) {
        j.writeFieldName(QUANTILE_NAMES[q]);
        JsonOutput.number(j, r.quantiles()[q]);
      }
      j.writeEndObject();
      j.writeEndObject();
    });
  }
}
