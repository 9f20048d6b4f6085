package dev.maas.cli;

import dev.maas.InvalidInputException;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PredictionException;
import dev.maas.PublishOptions;
import dev.maas.TensorSpec;
import dev.maas.http.InferenceJson;
import dev.maas.http.InferenceRequest;
import dev.maas.onnx.OnnxModel;
import java.io.IOException;
import java.io.PrintWriter;
import dev.maas.signing.ModelSigner;
import dev.maas.signing.ModelVerifier;
import dev.maas.signing.VerifiedSignature;
import java.nio.file.Files;
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
    footerHeading = "%nExample:%n", footer = "  maas import demo.onnx --store maas-store --name demo --sample request.json")
final class ImportCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The .onnx file (external-data files beside it are copied too), or a "
      + "directory holding model.onnx (as maas export --format directory writes it); with --require-signature its "
      + "model.sig must verify before anything is published.")
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

  @Option(names = "--reference-axis", split = ",", paramLabel = "TENSOR=AXIS", hideParamSyntax = true,
      description = "With --reference: split tensor TENSOR into one drift feature per index on dimension AXIS (the"
          + " channels of an image [n, 3, h, w] with img=1), instead of the columns of a [-1, p] tensor or all"
          + " values as one feature. Repeatable as a comma-separated list.")
  java.util.Map<String, Integer> referenceAxes;

  @Option(names = "--sample", paramLabel = "FILE",
      description = "An inference request body (Open Inference Protocol JSON) the model answers: checked now, stored"
          + " with the version and used to warm it up when served (a version failing on it is not served).")
  Path sample;

  @Option(names = "--sign-key", paramLabel = "KEY.pem",
      description = "Sign the new version with this ECDSA private key once it is published (as maas sign does), so "
          + "that a store or server requiring signatures opens it.")
  Path signKey;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    ModelSigner signer = signKey == null ? null : ModelSigner.fromPemFile(signKey);
    VerifiedSignature verified = null;
    PublishOptions.Builder options = PublishOptions.builder()
        .description(description != null ? description : "imported from " + file.getFileName())
        .parameter("source", file.getFileName().toString())
        .format("onnx");
    if (Files.isDirectory(file)) {
      Path dir = file;
      if (Files.exists(dir.resolve(ModelSigner.SIGNATURE_FILE)) && !store.requireSignature.isEmpty()) {
        verified = ModelVerifier.fromPemFiles(store.requireSignature).verify(dir);
        out.println("signature of " + dir + " verified (" + verified.files().size() + " files, key "
            + verified.keyHint().substring(0, 16) + "...)");
      } else if (!store.requireSignature.isEmpty()) {
        throw new IllegalArgumentException(dir + " is not signed (no " + ModelSigner.SIGNATURE_FILE
            + ") and --require-signature is given; nothing was imported");
      } else if (Files.exists(dir.resolve(ModelSigner.SIGNATURE_FILE))) {
        spec.commandLine().getErr().println("maas: note: the signature " + dir.resolve(ModelSigner.SIGNATURE_FILE)
            + " was not checked; give --require-signature PUB.pem to check it before importing");
      }
      file = dir.resolve("model.onnx");
    }
    InputFiles.requireReadable(file, "FILE", "an .onnx model file");
    if (referenceData != null) {
      InputFiles.requireReadable(referenceData, "--reference", "a CSV or JSON Lines file");
    } else if (referenceAxes != null) {
      throw new IllegalArgumentException("--reference-axis needs --reference");
    }
    byte[] sampleBody = sample == null ? null : readSample(sample);
    try (OnnxModel model = OnnxModel.open(file); ModelStore s = store.openOrCreate()) {
      if (referenceData != null) {
        MonitorData.reference(referenceData, model, file.getFileName().toString(),
            referenceAxes == null ? java.util.Map.of() : referenceAxes).attachTo(options);
      }
      if (sampleBody != null) {
        try {
          InferenceRequest request = InferenceJson.readRequest(sampleBody);
          model.predictor().predict(request.inputTensors(), request.outputNames());
        } catch (InvalidInputException | PredictionException e) {
          throw new InvalidInputException("--sample '" + sample + "': the model does not answer it: "
              + e.getMessage(), e);
        }
        options.sample(sampleBody);
      }
      ModelVersion version = s.publish(name, model, options.build());
      if (verified != null) {
        checkAgainstSignature(s, version, verified);
        out.println("published files of " + version.reference() + " match the signature of " + file.getParent());
      }
      out.println(version.reference());
      if (signer != null) {
        VerifiedSignature signed = s.sign(version.reference(), signer);
        out.println("signed " + signed.subject() + " (" + signed.files().size() + " files, key "
            + signed.keyHint().substring(0, 16) + "...)");
      }
      print(out, "inputs", version.signature().inputs());
      print(out, "outputs", version.signature().outputs());
    }
    return 0;
  }

  /**
   * Reads the new version's artifact files back from the store and compares them with the digests
   * the verified signature covers; on a difference the version is deleted and the import fails.
   */
  private static void checkAgainstSignature(ModelStore s, ModelVersion version, VerifiedSignature verified) {
    if (!verified.files().containsKey("model.onnx")) {
      fail(s, version, "the signature does not cover model.onnx");
    }
    for (String fileName : version.files().keySet()) {
      String signed = verified.files().get(fileName);
      if (signed == null) {
        continue; // written by this import (--sample, --reference), not part of the signed directory
      }
      String stored = dev.maas.internal.Sha256.of(s.readFile(version, fileName));
      if (!stored.equals(signed)) {
        fail(s, version, "file " + fileName + " as stored differs from the signed file (SHA-256 " + stored
            + ", signed " + signed + ")");
      }
    }
  }

  private static void fail(ModelStore s, ModelVersion version, String why) {
    try {
      s.delete(version.name(), version.version());
    } catch (RuntimeException e) {
      throw new Failures.CommandFailedException(version.reference() + ": " + why + "; deleting it failed too: "
          + e.getMessage());
    }
    throw new Failures.CommandFailedException(version.reference() + ": " + why + "; the version was deleted");
  }

  private static byte[] readSample(Path file) throws IOException {
    InputFiles.requireReadable(file, "--sample", "an inference request JSON file");
    if (Files.size(file) > InferenceJson.DEFAULT_MAX_BODY_BYTES) {
      throw new IllegalArgumentException("--sample '" + file + "' is larger than "
          + (InferenceJson.DEFAULT_MAX_BODY_BYTES >> 20) + " MiB; give a small request");
    }
    return Files.readAllBytes(file);
  }

  private static void print(PrintWriter out, String title, List<TensorSpec> specs) {
    out.println(title + ":");
    for (TensorSpec spec : specs) {
      out.println("  " + spec.name() + " " + spec.describe());
    }
  }
}
