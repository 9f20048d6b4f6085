package dev.maas.cli;

import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.TensorSpec;
import dev.maas.onnx.OnnxModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas import FILE.onnx --store DIR --name NAME}: publishes an ONNX model as the next
 * version of a model in the store and prints its reference and signature.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Publish an ONNX model file as a new version of a model in the store.",
    footerHeading = "%nExample:%n", footer = "  maas import demo.onnx --store maas-store --name demo")
final class ImportCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The .onnx file (external-data files beside it are copied too).")
  Path file;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The model name to publish under.")
  String name;

  @Option(names = "--description", paramLabel = "TEXT", description = "Free text recorded with the version.")
  String description;

  @Option(names = "--reference", paramLabel = "FILE",
      description = "Reference data for drift monitoring: inference request bodies as JSON Lines (.jsonl), or CSV"
          + " for a model with one [-1, p] input; their statistics and the model's outputs for them are stored"
          + " with the version.")
  Path referenceData;

  @Override
  public Integer call() throws java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    PublishOptions.Builder options = PublishOptions.builder()
        .description(description != null ? description : "imported from " + file.getFileName())
        .parameter("source", file.getFileName().toString())
        .format("onnx");
    InputFiles.requireReadable(file, "FILE", "an .onnx model file");
    if (referenceData != null) {
      InputFiles.requireReadable(referenceData, "--reference", "a CSV or JSON Lines file");
    }
    try (OnnxModel model = OnnxModel.open(file); ModelStore s = store.openOrCreate()) {
      if (referenceData != null) {
        MonitorData.reference(referenceData, model, file.getFileName().toString()).attachTo(options);
      }
      ModelVersion version = s.publish(name, model, options.build());
      out.println(version.reference());
      print(out, "inputs", version.signature().inputs());
      print(out, "outputs", version.signature().outputs());
    }
    return 0;
  }

  private static void print(PrintWriter out, String title, List<TensorSpec> specs) {
    out.println(title + ":");
    for (TensorSpec spec : specs) {
      out.println("  " + spec.name() + " " + spec.describe());
    }
  }
}
