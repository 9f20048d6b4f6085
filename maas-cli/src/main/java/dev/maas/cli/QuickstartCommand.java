package dev.maas.cli;

import dev.maas.Lineage;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.http.InferenceServer;
import dev.maas.http.ServerStartException;
import dev.maas.linear.FitReport;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.onnx.OnnxExporter;
import dev.maas.onnx.OnnxModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas quickstart}: the main job in one command. Writes a seeded demo data set (house
 * prices) as CSV files the user can open, trains a linear model and prints its fit report,
 * publishes it as {@code demo} with alias {@code production}, exports it to ONNX and publishes the
 * graph as the next version, starts the HTTP server on the store, sends it a real Open Inference
 * Protocol request for each version and prints request and response, then serves until Ctrl-C
 * ({@code --exit} stops after the self-test). Re-running adds new versions and moves the alias.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Train, publish, export and serve a demo model end to end: the main job in one command.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas quickstart", "  maas quickstart --store /tmp/maas-store --port 9090 --exit"})
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

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
      description = "The HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--exit", description = "Stop after the self-test instead of serving (exit 0 when it passed).")
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

    checkPortFree();
    step(out, 1, "demo data");
    writeHouses(train, 2_000, SEED);
    writeHouses(holdout, 500, SEED + 1);
    out.printf("  wrote %s (2,000 houses) and %s (500 held out)%n", shown(train), shown(holdout));
    out.printf("  columns: %s -> %s%n", String.join(", ", FEATURES), TARGET);

    step(out, 2, "train a linear regression");
    LinearRegressionModel model = LinearRegressionTrainer.builder().featureNames(FEATURES).build().fitCsv(train, TARGET);
    FitReport report = model.report().orElseThrow();

    try (ModelStore s = storeOptions.openOrCreate()) {
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
      out.printf("  wrote %s and published it as %s%n", shown(onnx), graph.reference());

      step(out, 5, "serve over HTTP (Open Inference Protocol)");
      InferenceServer server = startServer(s);
      try {
        out.printf("  serving every model of %s on %s (%s at its alias production)%n", store, server.uri(), MODEL);

        step(out, 6, "self-test: a real request to each version");
        String request = "{\"inputs\": [{\"name\": \"features\", \"shape\": [2, 4], \"datatype\": \"FP32\", "
            + "\"data\": [85, 3, 20, 4.5, 120, 4, 5, 12]}]}";
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (ModelVersion version : List.of(linear, graph)) {
          URI uri = server.uri().resolve("/v2/models/" + MODEL + "/versions/" + version.version() + "/infer");
          HttpResponse<String> response = post(client, uri, request);
          out.printf("  %s (%s): POST %s%n", version.reference(), version.format(), uri);
          out.println("    request:  " + request);
          out.println("    response: " + response.statusCode() + " " + response.body());
          if (response.statusCode() != 200) {
            throw new Failures.CommandFailedException("self-test failed: " + uri + " answered " + response.statusCode()
                + " " + Failures.oneLine(response.body()));
          }
        }
        out.println();
        out.println("Try it yourself:");
        out.printf("  curl -s %s -H 'Content-Type: application/json' -d '%s'%n",
            server.uri().resolve("/v2/models/" + MODEL + "/infer"), request);
        printNext(out, home, holdout);
        if (exit) {
          out.println("self-test passed; stopping (--exit)");
          out.flush();
          return 0;
        }
        out.printf("%nserving on %s until Ctrl-C%n", server.uri());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          server.close();
          stopped.countDown();
        }, "maas-quickstart-shutdown"));
        try {
          stopped.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return 0;
      } finally {
        server.close();
      }
    }
  }

  /** Fails before anything is trained or published when the port is taken (the server binds it again later). */
  private void checkPortFree() throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
    }
    if (port == 0) {
      return;
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
    } catch (BindException e) {
      throw portInUse();
    }
  }

  private Failures.CommandFailedException portInUse() {
    return new Failures.CommandFailedException("port " + port + " on 127.0.0.1 is in use; choose another with --port "
        + "(for example --port " + (port == 65535 ? 8081 : port + 1) + ", or --port 0 for any free port)");
  }

  private InferenceServer startServer(ModelStore s) {
    try {
      return InferenceServer.builder().store(s).host("127.0.0.1").port(port).build().start();
    } catch (ServerStartException e) {
      if (e.getCause() instanceof BindException) {
        throw portInUse();
      }
      throw e;
    }
  }

  private static HttpResponse<String> post(HttpClient client, URI uri, String body) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + uri, e);
    }
  }

  private void printNext(PrintWriter out, Path home, Path holdout) {
    out.println();
    out.println("Next: score a file, measure the model, look at the store:");
    out.printf("  ./maas predict %s@production --store %s --input %s --output scores.csv%n", MODEL, store,
        shown(holdout));
    out.printf("  ./maas evaluate %s@production --store %s --data %s --target %s%n", MODEL, store,
        shown(holdout), TARGET);
    out.printf("  ./maas models list --store %s%n", store);
  }

  /** {@code file} as the user can type it: relative to the working directory when inside it. */
  private static Path shown(Path file) {
    Path cwd = Path.of("").toAbsolutePath();
    return file.startsWith(cwd) ? cwd.relativize(file) : file;
  }

  private static void step(PrintWriter out, int n, String title) {
    out.printf("%n[%d/6] %s%n", n, title);
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
