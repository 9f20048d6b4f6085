package dev.maas.cli;

import dev.maas.FileSystemModelStore;
import dev.maas.Lineage;
import dev.maas.Model;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.Tensor;
import dev.maas.http.InferenceJson;
import dev.maas.http.InferenceRequest;
import dev.maas.http.InferenceResponse;
import dev.maas.linear.FitReport;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.onnx.OnnxExporter;
import dev.maas.onnx.OnnxModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas quickstart}: the main job in one command. Writes a seeded demo data set (house
 * prices) as CSV files the user can open, trains a linear model and prints its fit report,
 * publishes it as {@code demo} with alias {@code production}, exports it to ONNX and publishes the
 * graph as the next version, then answers an Open Inference Protocol request with each version and
 * prints request and response. Re-running adds new versions and moves the alias.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Train, publish, export and query a demo model end to end, on the embedded store.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas quickstart", "  maas quickstart --store /tmp/maas-store --exit"})
final class QuickstartCommand implements Callable<Integer> {
  static final String MODEL = "demo";
  static final List<String> FEATURES = List.of("area_m2", "bedrooms", "age_years", "distance_km");
  static final String TARGET = "price_eur";
  private static final long SEED = 20261201L;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--store", paramLabel = "DIR", defaultValue = "maas-store",
      description = "The model store directory, created if missing (default: ${DEFAULT-VALUE}). The demo data are "
          + "written beside it.")
  Path store;

  @Option(names = "--exit", description = "Stop after the self-test instead of staying up (exit 0 when it passed).")
  boolean exit;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    StoreOptions storeOptions = new StoreOptions();
    storeOptions.directory = store;
    Path home = store.toAbsolutePath().normalize().getParent();
    Path train = home.resolve("demo-houses.csv");
    Path holdout = home.resolve("demo-houses-holdout.csv");
    Path onnx = home.resolve("demo.onnx");

    step(out, 1, "demo data");
    writeHouses(train, 2_000, SEED);
    writeHouses(holdout, 500, SEED + 1);
    out.printf("  wrote %s (2,000 houses) and %s (500 held out)%n", home.relativize(train), home.relativize(holdout));
    out.printf("  columns: %s -> %s%n", String.join(", ", FEATURES), TARGET);

    step(out, 2, "train a linear regression");
    LinearRegressionModel model = LinearRegressionTrainer.builder().featureNames(FEATURES).build().fitCsv(train, TARGET);
    FitReport report = model.report().orElseThrow();

    try (FileSystemModelStore s = storeOptions.openOrCreate()) {
      ModelVersion linear = s.publish(MODEL, model, PublishOptions.builder()
          .description("quickstart: linear regression of '" + TARGET + "' on " + train.getFileName())
          .metrics(report.metrics())
          .parameters(report.parameters())
          .parameter("target", TARGET)
          .lineage(Lineage.ofFile(train, report.rowCount()))
          .build());
      s.setAlias(MODEL, "production", linear.version());
      out.println(indent(TrainOutput.text(linear, report)));

      step(out, 3, "publish");
      out.printf("  %s in %s, alias production -> %s%n", linear.reference(), store, linear.reference());

      step(out, 4, "export to ONNX and publish the graph");
      OnnxExporter.export(model, OnnxExporter.Precision.FP32).writeTo(onnx);
      ModelVersion graph;
      try (OnnxModel exported = OnnxModel.open(onnx)) {
        graph = s.publish(MODEL, exported, PublishOptions.builder()
            .description("quickstart: " + linear.reference() + " exported to ONNX (FP32)")
            .parameter("exported_from", linear.reference().toString())
            .parameter("features", String.join(",", FEATURES))
            .metrics(linear.metrics())
            .lineage(linear.lineage())
            .format("onnx")
            .build());
      }
      out.printf("  wrote %s and published it as %s%n", home.relativize(onnx), graph.reference());

      step(out, 5, "self-test: an Open Inference Protocol request to each version");
      String request = "{\"inputs\": [{\"name\": \"features\", \"shape\": [2, 4], \"datatype\": \"FP32\", "
          + "\"data\": [85, 3, 20, 4.5, 120, 4, 5, 12]}]}";
      for (ModelVersion version : List.of(linear, graph)) {
        String response = inferInProcess(s, version, request);
        out.printf("  %s (%s)%n", version.reference(), version.format());
        out.println("    request:  " + request);
        out.println("    response: " + response);
      }
    }
    out.println();
    out.println("Next: score a file, measure the model, look at the store:");
    out.printf("  ./maas predict %s@production --store %s --input %s --output scores.csv%n", MODEL, store,
        home.relativize(holdout));
    out.printf("  ./maas evaluate %s@production --store %s --data %s --target %s%n", MODEL, store,
        home.relativize(holdout), TARGET);
    out.printf("  ./maas models list --store %s%n", store);
    out.flush();
    return 0;
  }

  private static String inferInProcess(FileSystemModelStore s, ModelVersion version, String body) {
    InferenceRequest request = InferenceJson.readRequest(body);
    try (Model model = s.open(version.reference())) {
      Map<String, Tensor> outputs = model.predictor().predict(request.inputTensors(), request.outputNames());
      return InferenceJson.toJson(InferenceResponse.answering(request, version.name(),
          Optional.of(Integer.toString(version.version())), outputs));
    }
  }

  private static void step(PrintWriter out, int n, String title) {
    out.printf("%n[%d/5] %s%n", n, title);
  }

  private static String indent(String text) {
    return "  " + text.replace("\n", "\n  ");
  }

  /**
   * Writes {@code rows} seeded houses: price = 1,800 EUR per m² + 9,000 per bedroom - 1,100 per
   * year of age - 2,400 per km from the centre + 60,000, plus noise of 18,000 EUR.
   */
  static void writeHouses(Path file, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", FEATURES) + "," + TARGET + "\n");
      for (int i = 0; i < rows; i++) {
        int bedrooms = 1 + random.nextInt(5);
        double area = Math.max(25, 22 * bedrooms + 25 + random.nextGaussian() * 18);
        int age = random.nextInt(80);
        double distance = Math.abs(random.nextGaussian() * 8);
        double price = 60_000 + 1_800 * area + 9_000 * bedrooms - 1_100 * age - 2_400 * distance
            + random.nextGaussian() * 18_000;
        w.write(String.format(Locale.ROOT, "%.1f,%d,%d,%.2f,%.0f%n", area, bedrooms, age, distance, price));
      }
    }
  }
}
