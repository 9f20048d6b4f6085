package dev.maas.cli;

import dev.maas.Lineage;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.Tensor;
import dev.maas.explain.Background;
import dev.maas.internal.Sha256;
import dev.maas.linear.CsvObserver;
import dev.maas.linear.FitReport;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.RidgeSearch;
import dev.maas.linear.RidgeSelection;
import dev.maas.http.InferenceJson;
import dev.maas.http.InferenceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas train}: fits a linear regression to a CSV file in one streaming pass and publishes
 * it as a new version in a file-system store, with the fit report as the version's metrics and
 * the settings as its parameters. The data's SHA-256 (the version's lineage) and the background
 * sample for explanations are taken on the fit's own read of the file. Nothing is published if the
 * data are bad.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a linear regression on a CSV file (header row first) and publish it to a store.",
    footerHeading = "%nExample:%n",
    footer = {"  maas train --data sales.csv --target revenue --store maas-store \\",
      "      --name sales --json"})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "CSV", description = "Training data, CSV with a header row.")
  Path data;

  @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "The column to predict.")
  String target;

  @Mixin StoreOptions store;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The model name to publish under.")
  String name;

  @Option(names = "--features", split = ",", paramLabel = "COLUMN,...", hideParamSyntax = true,
      description = "Feature columns (default: every column but the target).")
  List<String> features;

  @Option(names = "--weights", paramLabel = "COLUMN",
      description = "Column of per-row weights: weighted least squares as R's lm(weights = ); rows of weight 0 drop out.")
  String weights;

  @Option(names = "--no-intercept", description = "Fit without an intercept.")
  boolean noIntercept;

  @Option(names = "--ridge", defaultValue = "0", paramLabel = "L|auto",
      description = "L2 penalty, or auto to choose it by cross-validation on --ridge-grid (default ${DEFAULT-VALUE}).")
  String ridge;

  @Option(names = "--ridge-grid", defaultValue = "1e-4:1e4:33", paramLabel = "FROM:TO:N",
      description = "With --ridge auto: N penalties evenly spaced in log from FROM to TO (default ${DEFAULT-VALUE}).")
  String ridgeGrid;

  @Option(names = "--cv", defaultValue = "gcv", paramLabel = "loo|gcv|kfold:K",
      description = "With --ridge auto: exact leave-one-out, generalised or K-fold cross-validation"
          + " (default ${DEFAULT-VALUE}).")
  String cv;

  @Option(names = "--ridge-choice", defaultValue = "min", paramLabel = "min|1se",
      description = "With --ridge auto: the penalty at the minimum, or the largest within one standard error of it"
          + " (loo and kfold only; default ${DEFAULT-VALUE}).")
  String ridgeChoice;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "SEED",
      description = "With --cv kfold: seed of the fold assignment (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--plot", paramLabel = "PNG", description = "With --ridge auto: draw the cross-validation curve.")
  Path plot;

  @Option(names = "--standardize", description = "Apply the ridge penalty to standardised features.")
  boolean standardize;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Option(names = "--quiet", description = "No progress bar even on a terminal.")
  boolean quiet;

  @Option(names = "--background-rows", defaultValue = "100", paramLabel = "N",
      description = "Training rows sampled (seeded) and stored with the version for explanations; 0 for none"
          + " (default ${DEFAULT-VALUE}).")
  int backgroundRows;

  @Option(names = "--background-seed", defaultValue = "0", paramLabel = "SEED",
      description = "Seed of the background sample (default ${DEFAULT-VALUE}).")
  long backgroundSeed;

  /** A progress bar over the file's bytes on a terminal (stderr), as {@code maas predict} shows; else null. */
  private ProgressBar progressBar() throws IOException {
    if (quiet || System.console() == null || !Files.isRegularFile(data)) {
      return null;
    }
    return new ProgressBarBuilder().setTaskName("training").setInitialMax(Math.max(Files.size(data), 1))
        .setUnit(" MiB", 1 << 20).showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
        .build();
  }

  /** Training rows stored as the version's sample request (warm-up when served). */
  static final int SAMPLE_ROWS = 4;

  @Override
  public Integer call() throws IOException {
    ModelReference.requireValidName(name, "model name");
    if (backgroundRows < 0) {
      throw new IllegalArgumentException("--background-rows must be 0 or more, got " + backgroundRows);
    }
    boolean auto = ridge.strip().equalsIgnoreCase("auto");
    boolean searchOptions = plot != null || spec.commandLine().getParseResult().matchedOptions().stream()
        .anyMatch(o -> List.of("--ridge-grid", "--cv", "--ridge-choice", "--seed").contains(o.longestName()));
    if (!auto && searchOptions) {
      throw new IllegalArgumentException("--ridge-grid, --cv, --ridge-choice, --seed and --plot need --ridge auto");
    }
    LinearRegressionTrainer.Builder builder = LinearRegressionTrainer.builder()
        .intercept(!noIntercept).standardize(standardize);
    if (!auto) {
      try {
        builder.ridge(Double.parseDouble(ridge.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--ridge must be a number >= 0 or auto, got '" + ridge + "'");
      }
    }
    if (features != null && !features.isEmpty()) {
      builder.featureNames(features.stream().map(String::strip).toList());
    }
    String weightColumn = weights == null ? null : weights.strip();
    OnePass pass = new OnePass(backgroundRows, backgroundSeed);
    RidgeSelection selection = null;
    double chosen = 0;
    LinearRegressionModel model;
    try (ProgressBar bar = progressBar()) {
      pass.progress = bar;
      if (auto) {
        if (weightColumn != null) {
          throw new IllegalArgumentException("--ridge auto does not support --weights; choose the penalty by hand");
        }
        RidgeSearch search = RidgeChoice.search(ridgeGrid, cv, seed);
        RidgeChoice.Pick pick = RidgeChoice.pick(ridgeChoice);
        if (search.method() == RidgeSearch.Method.GENERALIZED) {
          RidgeChoice.requireStandardError(pick);
          RidgeSearch.RidgeFit fit = search.fitCsv(builder.build(), data, target.strip(), pass);
          selection = fit.selection();
          model = fit.model();
          chosen = selection.best();
        } else {
          List<String> names = features != null && !features.isEmpty()
              ? features.stream().map(String::strip).toList()
              : Table.header(data, "--data").stream().filter(c -> !c.equals(target.strip())).toList();
          selection = RidgeChoice.select(search, builder.build(), data, names, target.strip());
          chosen = RidgeChoice.chosen(selection, pick);
          model = builder.ridge(chosen).build().fitCsv(data, target.strip(), null, pass);
        }
        if (!json) {
          spec.commandLine().getOut().print(RidgeChoice.text(selection, pick));
        }
        if (plot != null) {
          RidgeChoice.plot(selection, chosen, plot);
        }
      } else {
        model = builder.build().fitCsv(data, target.strip(), weightColumn, pass);
      }
    }
    FitReport report = model.report().orElseThrow();
    PublishOptions.Builder options = PublishOptions.builder()
        .description("linear regression of '" + target + "' on " + data.getFileName())
        .metrics(report.metrics())
        .parameters(report.parameters())
        .parameter("target", target.strip())
        .lineage(Lineage.of(data.getFileName().toString(), "sha256:" + pass.sha256(), report.rowCount()));
    if (weightColumn != null) {
      options.parameter("weights", weightColumn);
    }
    if (selection != null) {
      options.parameter("ridge_cv", selection.method().label() + (selection.folds() > 0 ? ":" + selection.folds() : ""))
          .parameter("ridge_choice", ridgeChoice.strip().toLowerCase(java.util.Locale.ROOT))
          .parameter("ridge_grid", ridgeGrid.strip())
          .extraFile(RidgeSelection.FILE_NAME, selection.toJson());
    }
    if (pass.sampler != null) {
      options.extraFile(Background.FILE_NAME, pass.sampler.build().toJson());
    }
    if (!pass.firstRows.isEmpty()) {
      options.sample(sample(pass.firstRows, model.featureNames().size()));
    }
    pass.reference.build(model).attachTo(options);
    ModelVersion version;
    try (ModelStore modelStore = store.openOrCreate()) {
      version = modelStore.publish(name, model, options.build());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? TrainOutput.json(version, report, selection, chosen) : TrainOutput.text(version, report));
    out.flush();
    return 0;
  }

  /** What rides on the fit's one read of the file: the SHA-256 of its bytes and the background sample. */
  private static final class OnePass implements CsvObserver {
    private final MessageDigest digest = Sha256.newDigest();
    private final int backgroundRows;
    private final long backgroundSeed;
    Background.Sampler sampler;
    /** The drift reference, built from the same rows. */
    ReferenceRows reference;
    /** The first rows whose values are all finite, for the sample request. */
    final List<double[]> firstRows = new java.util.ArrayList<>(SAMPLE_ROWS);
    /** The progress bar the bytes read move, or null. */
    ProgressBar progress;
    private long read;

    OnePass(int backgroundRows, long backgroundSeed) {
      this.backgroundRows = backgroundRows;
      this.backgroundSeed = backgroundSeed;
    }

    @Override
    public void begin(List<String> featureNames) {
      if (backgroundRows > 0) {
        sampler = Background.sampler(featureNames, backgroundRows, backgroundSeed);
      }
      reference = new ReferenceRows(featureNames);
    }

    @Override
    public void bytes(byte[] data, int offset, int length) {
      digest.update(data, offset, length);
      read += length;
      if (progress != null) {
        progress.stepTo(read);
      }
    }

    @Override
    public void row(double[] features) {
      if (firstRows.size() < SAMPLE_ROWS && java.util.Arrays.stream(features).allMatch(Double::isFinite)) {
        firstRows.add(features.clone());
      }
      if (sampler != null) {
        sampler.add(features);
      }
      reference.add(features);
    }

    String sha256() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }

  /** An inference request body of the first training rows, as the model's one input takes them. */
  private static byte[] sample(List<double[]> rows, int columns) throws IOException {
    double[] values = new double[rows.size() * columns];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, values, i * columns, columns);
    }
    InferenceRequest request = InferenceRequest.of(Map.of(LinearRegressionModel.INPUT,
        Tensor.ofDoubles(values, rows.size(), columns)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InferenceJson.writeRequest(request, out);
    return out.toByteArray();
  }
}
