package dev.maas.cli;

import dev.maas.Lineage;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.explain.Background;
import dev.maas.linear.FitReport;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.RidgeSearch;
import dev.maas.linear.RidgeSelection;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas train}: fits a linear regression to a CSV file in one streaming pass and publishes
 * it as a new version in a file-system store, with the fit report as the version's metrics and
 * the settings as its parameters. Nothing is published if the data are bad.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a linear regression on a CSV file (header row first) and publish it to a store.",
    footerHeading = "%nExample:%n",
    footer = "  maas train --data sales.csv --target revenue --store maas-store --name sales --json")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "Training data, CSV with a header row.")
  Path data;

  @Option(names = "--target", required = true, paramLabel = "COLUMN", description = "The column to predict.")
  String target;

  @Mixin StoreOptions store;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The model name to publish under.")
  String name;

  @Option(names = "--features", split = ",", paramLabel = "a,b,...",
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

  @Option(names = "--plot", paramLabel = "FILE.png", description = "With --ridge auto: draw the cross-validation curve.")
  Path plot;

  @Option(names = "--standardize", description = "Apply the ridge penalty to standardised features.")
  boolean standardize;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Option(names = "--background-rows", defaultValue = "100", paramLabel = "N",
      description = "Training rows sampled (seeded) and stored with the version for explanations; 0 for none"
          + " (default ${DEFAULT-VALUE}).")
  int backgroundRows;

  @Option(names = "--background-seed", defaultValue = "0", paramLabel = "SEED",
      description = "Seed of the background sample (default ${DEFAULT-VALUE}).")
  long backgroundSeed;

  @Override
  public Integer call() throws IOException {
    ModelReference.requireValidName(name, "model name");
    if (backgroundRows < 0) {
      throw new IllegalArgumentException("--background-rows must be 0 or more, got " + backgroundRows);
    }
    boolean auto = ridge.strip().equalsIgnoreCase("auto");
    if (!auto && (plot != null || !spec.commandLine().getParseResult().matchedOptions().stream()
        .noneMatch(o -> List.of("--ridge-grid", "--cv", "--ridge-choice", "--seed").contains(o.longestName())))) {
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
    RidgeSelection selection = null;
    double chosen = 0;
    if (auto) {
      if (weightColumn != null) {
        throw new IllegalArgumentException("--ridge auto does not support --weights; choose the penalty by hand");
      }
      RidgeSearch search = RidgeChoice.search(ridgeGrid, cv, seed);
      RidgeChoice.Pick pick = RidgeChoice.pick(ridgeChoice);
      List<String> names = features != null && !features.isEmpty() ? features.stream().map(String::strip).toList()
          : CsvColumns.header(data).stream().filter(c -> !c.equals(target.strip())).toList();
      selection = RidgeChoice.select(search, builder.build(), data, names, target.strip());
      chosen = RidgeChoice.chosen(selection, pick);
      builder.ridge(chosen);
      if (!json) {
        spec.commandLine().getOut().print(RidgeChoice.text(selection, pick));
      }
      if (plot != null) {
        RidgeChoice.plot(selection, chosen, plot);
      }
    }
    LinearRegressionModel model = builder.build().fitCsv(data, target.strip(), weightColumn);
    FitReport report = model.report().orElseThrow();
    PublishOptions.Builder options = PublishOptions.builder()
        .description("linear regression of '" + target + "' on " + data.getFileName())
        .metrics(report.metrics())
        .parameters(report.parameters())
        .parameter("target", target.strip())
        .lineage(Lineage.ofFile(data, report.rowCount()));
    if (weightColumn != null) {
      options.parameter("weights", weightColumn);
    }
    if (selection != null) {
      options.parameter("ridge_cv", selection.method().label() + (selection.folds() > 0 ? ":" + selection.folds() : ""))
          .parameter("ridge_choice", ridgeChoice.strip().toLowerCase(java.util.Locale.ROOT))
          .parameter("ridge_grid", ridgeGrid.strip())
          .extraFile(RidgeSelection.FILE_NAME, selection.toJson());
    }
    // one pass over the training data, with the fitted model, for the background and the drift reference
    Background.Sampler sampler = backgroundRows > 0
        ? Background.sampler(model.featureNames(), backgroundRows, backgroundSeed) : null;
    ReferenceRows reference = new ReferenceRows(model);
    CsvColumns.forEachRow(data, model.featureNames(), row -> {
      if (sampler != null) {
        sampler.add(row);
      }
      reference.add(row);
    });
    if (sampler != null) {
      options.extraFile(Background.FILE_NAME, sampler.build().toJson());
    }
    reference.build().attachTo(options);
    ModelVersion version;
    try (ModelStore modelStore = store.openOrCreate()) {
      version = modelStore.publish(name, model, options.build());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? TrainOutput.json(version, report, selection, chosen) : TrainOutput.text(version, report));
    out.flush();
    return 0;
  }
}
