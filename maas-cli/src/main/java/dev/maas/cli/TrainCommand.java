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

  @Option(names = "--ridge", defaultValue = "0", paramLabel = "L", description = "L2 penalty (default ${DEFAULT-VALUE}).")
  double ridge;

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
    LinearRegressionTrainer.Builder builder = LinearRegressionTrainer.builder()
        .intercept(!noIntercept).ridge(ridge).standardize(standardize);
    if (features != null && !features.isEmpty()) {
      builder.featureNames(features.stream().map(String::strip).toList());
    }
    String weightColumn = weights == null ? null : weights.strip();
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
    out.println(json ? TrainOutput.json(version, report) : TrainOutput.text(version, report));
    out.flush();
    return 0;
  }
}
