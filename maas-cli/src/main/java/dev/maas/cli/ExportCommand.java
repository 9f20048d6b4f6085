package dev.maas.cli;

import dev.maas.StoredModel;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.TensorSpec;
import dev.maas.onnx.OnnxExporter;
import dev.maas.onnx.OnnxGraph;
import dev.maas.onnx.OnnxModel;
import dev.maas.spi.AffineModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas export REF --store DIR --format onnx --output FILE}: writes a stored model as a
 * standalone ONNX file, then opens the file with ONNX Runtime and checks that it predicts what the
 * stored model predicts before reporting success.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a stored model as an ONNX file that any ONNX runtime can load (checked with ONNX Runtime "
        + "against the stored model before it is kept).",
    footerHeading = "%nExamples:%n",
    footer = {"  maas export demo@production --store maas-store --format onnx \\",
      "      --output demo.onnx",
      "  maas export demo:3 --store maas-store --format directory --output demo-3",
      "  maas export demo:1 --store maas-store --format onnx --precision fp64 \\",
      "      --output demo-fp64.onnx"})
final class ExportCommand implements Callable<Integer> {
  /** The file formats a model can be exported to. */
  enum Format {
    ONNX,
    DIRECTORY
  }

  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--format", required = true, paramLabel = "FORMAT",
      description = "onnx (a standalone ONNX graph) or directory (the version's files, maas-version.json and its "
          + "signature model.sig, verifiable with maas verify DIR; encrypted versions are written decrypted).")
  Format format;

  @Option(names = "--precision", defaultValue = "FP32", paramLabel = "fp32|fp64",
      description = "Element type of the exported graph (default ${DEFAULT-VALUE}: what every ONNX runtime accepts).")
  OnnxExporter.Precision precision;

  @Option(names = "--output", required = true, paramLabel = "FILE", description = "The .onnx file to write.")
  Path output;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (format == Format.DIRECTORY) {
      try (ModelStore s = store.open()) {
        ModelVersion version = s.get(reference);
        s.exportVersion(version.reference(), output);
        boolean signed = Files.exists(output.resolve("model.sig"));
        spec.commandLine().getOut().printf(Locale.ROOT, "exported %s to %s (%d files%s)%n", version.reference(), output,
            version.files().size() + 1, signed ? " and its signature model.sig" : ", unsigned");
      }
      return 0;
    }
    InputFiles.requireWritable(output, "--output");
    ModelVersion version;
    OnnxGraph graph;
    double expected;
    double[] probe;
    try (ModelStore s = store.open()) {
      version = References.resolve(s, reference);
      try (StoredModel model = s.open(version.reference())) {
        if (!(model.model() instanceof AffineModel affine)) {
          throw new IllegalArgumentException(version.reference() + " has format '" + version.format() + "'; "
              + (version.format().equals("onnx") ? "it is ONNX already: 'maas models show " + version.reference()
                  + "' names its file" : "only models that are affine functions (linear) can be exported"));
        }
        graph = OnnxExporter.export(affine, precision);
        probe = new double[affine.coefficients().length];
        for (int j = 0; j < probe.length; j++) {
          probe[j] = j + 1;
        }
        expected = model.predictor().predictRow(probe);
      }
    }
    Path temp = InputFiles.createTempBeside(output, "maas-export-", ".onnx");
    double actual;
    try {
      graph.writeTo(temp);
      try (OnnxModel check = OnnxModel.open(temp)) {
        actual = check.predictor().predictRow(probe);
      }
      double tolerance = (precision == OnnxExporter.Precision.FP32 ? 1e-5 : 1e-12) * Math.max(1, Math.abs(expected));
      if (!(Math.abs(actual - expected) <= tolerance)) {
        throw new Failures.CommandFailedException("the exported graph predicts " + actual + " where " + version.reference()
            + " predicts " + expected + "; nothing was written");
      }
      Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    PrintWriter out = spec.commandLine().getOut();
    TensorSpec in = version.signature().inputs().get(0);
    TensorSpec result = version.signature().outputs().get(0);
    String type = precision.name();
    if (json) {
      out.println(JsonOutput.write(j -> {
        j.writeStartObject();
        j.writeStringField("model", version.reference().toString());
        j.writeStringField("format", "onnx");
        j.writeStringField("precision", type);
        j.writeStringField("output", output.toString());
        j.writeNumberField("bytes", graph.size());
        j.writeStringField("input", in.name());
        j.writeStringField("output_tensor", result.name());
        j.writeEndObject();
      }));
    } else {
      out.printf(Locale.ROOT, "exported %s to %s (ONNX, %s, %d bytes)%n", version.reference(), output, type,
          graph.size());
      out.printf(Locale.ROOT, "  input  %s %s [-1, %d]%n", in.name(), type, probe.length);
      out.printf(Locale.ROOT, "  output %s %s%n", result.name(), type);
      out.printf(Locale.ROOT, "checked with ONNX Runtime: same prediction as %s (%s vs %s)%n", version.reference(),
          format(actual), format(expected));
    }
    return 0;
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.9g", v);
  }
}
