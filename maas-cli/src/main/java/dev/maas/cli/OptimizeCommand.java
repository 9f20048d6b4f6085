package dev.maas.cli;

import dev.maas.ModelLoadException;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.monitor.ReferenceStatistics;
import dev.maas.monitor.TensorReference;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxModelFormat;
import dev.maas.onnx.OnnxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas optimize REF --store DIR}: lets ONNX Runtime rewrite a stored ONNX model's graph
 * once, offline, and publishes the rewritten graph as the model's next version, so that servers
 * load the optimised graph instead of optimising at every start. With {@code --quantize METHOD} it
 * publishes an INT8 or FP16 version instead (see {@link QuantizeRun}).
 */
@Command(name = "optimize", mixinStandardHelpOptions = true,
    description = {"Optimise a stored ONNX model's graph with ONNX Runtime, or quantise it (--quantize), and publish "
        + "the result as the next version."},
    footerHeading = "%nExamples:%n", footer = {"  maas optimize mlp --store maas-store --level all",
        "  maas optimize mlp --store maas-store --quantize int8-dynamic --per-channel \\",
        "      --eval requests.jsonl",
        "  maas optimize cnn --store maas-store --quantize int8-static \\",
        "      --calibration images.jsonl --json"})
final class OptimizeCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS of an onnx model")
  String reference;

  @Option(names = "--level", defaultValue = "EXTENDED", paramLabel = "LEVEL",
      description = "BASIC, EXTENDED or ALL (ALL adds layout rewrites that only suit this machine's hardware). "
          + "Default: ${DEFAULT-VALUE}.")
  OnnxOptions.OptimizationLevel level;

  @Option(names = "--quantize", paramLabel = "METHOD",
      description = "Publish a quantised version instead: int8-dynamic (MatMul/Gemm weights INT8, activations at run"
          + " time), int8-static (Conv/MatMul in QDQ form, needs --calibration) or fp16 (weights stored as FP16).")
  String quantize;

  @Option(names = "--per-channel", description = "With --quantize int8-*: one weight scale per output channel.")
  boolean perChannel;

  @Option(names = "--calibration", paramLabel = "FILE",
      description = "Requests the FP32 model is run on to calibrate int8-static: a .jsonl file of Open Inference "
          + "Protocol request bodies, or CSV rows for a model with one [-1, n] input.")
  Path calibration;

  @Option(names = "--calibration-method", defaultValue = "min-max", paramLabel = "min-max|percentile",
      description = "How int8-static picks activation ranges. Default: ${DEFAULT-VALUE}.")
  String calibrationMethod;

  @Option(names = "--percentile", defaultValue = "99.99", paramLabel = "P",
      description = "With --calibration-method percentile: the percentile kept. Default: ${DEFAULT-VALUE}.")
  double percentile;

  @Option(names = "--min-weights", defaultValue = "4096", paramLabel = "N",
      description = "int8-dynamic leaves MatMul/Gemm layers with fewer weights alone. Default: ${DEFAULT-VALUE}.")
  int minimumWeights;

  @Option(names = "--eval", paramLabel = "FILE",
      description = "Requests the accuracy against the parent is measured on (same formats as --calibration); "
          + "default: the calibration requests.")
  Path eval;

  @Option(names = "--json", description = "With --quantize: print the new version and its accuracy report as JSON.")
  boolean json;

  @Option(names = "--reference", paramLabel = "FILE",
      description = "Data (JSON Lines requests or CSV) to recompute the drift reference's output statistics on with"
          + " the optimised graph; the input statistics are always the parent's. Without it the parent's"
          + " reference is kept whole (the optimised graph computes the same function).")
  Path referenceData;

  @Override
  public Integer call() throws IOException {
    var parsed = spec.commandLine().getParseResult();
    if (quantize != null) {
      if (parsed.hasMatchedOption("--level")) {
        throw new IllegalArgumentException("--level and --quantize do not combine; quantise, then optimise the "
            + "quantised version if wanted");
      }
      new QuantizeRun(this).run();
      return 0;
    }
    for (String option : java.util.List.of("--per-channel", "--calibration", "--calibration-method", "--percentile",
        "--min-weights", "--eval", "--json")) {
      if (parsed.hasMatchedOption(option)) {
        throw new IllegalArgumentException(option + " applies only with --quantize");
      }
    }
    if (level == OnnxOptions.OptimizationLevel.DISABLED) {
      throw new IllegalArgumentException("--level DISABLED would not optimise anything");
    }
    // ONNX Runtime writes the optimised graph only to a file: of an encrypted version, into memory.
    Path work = store.encryptionKey != null ? memoryWorkDirectory() : Files.createTempDirectory("maas-optimize");
    try {
      Path optimized = work.resolve(OnnxModelFormat.MODEL_FILE);
      OnnxOptions options = OnnxOptions.builder().optimizationLevel(level).optimizedModelPath(optimized).build();
      try (ModelStore s = store.open(List.of(new OnnxModelFormat(options)))) {
        ModelVersion source = References.resolve(s, reference);
        if (!source.format().equals(OnnxModelFormat.NAME)) {
          throw new IllegalArgumentException(source.reference() + " has format '" + source.format()
              + "'; only ONNX models can be optimised");
        }
        s.open(source.reference()).close(); // creating the session writes the optimised graph
        if (!Files.isRegularFile(optimized)) {
          throw new ModelLoadException("ONNX Runtime wrote no optimised graph for " + source.reference());
        }
        try (OnnxModel model = OnnxModel.open(optimized)) {
          if (!model.signature().equals(source.signature())) {
            throw new ModelLoadException("the optimised graph of " + source.reference() + " changed the signature to "
                + model.signature());
          }
          PublishOptions.Builder publish = PublishOptions.builder()
              .description("optimised (" + level + ") from " + source.reference())
              .parameter("optimized_from", source.reference().toString())
              .parameter("optimization_level", level.name())
              .metrics(source.metrics())
              .tags(source.tags())
              .lineage(source.lineage())
              .format(OnnxModelFormat.NAME);
          Optional<ReferenceStatistics> parent = ReferenceStatistics.stored(s, source);
          if (referenceData != null && parent.isEmpty()) {
            throw new IllegalArgumentException(source.reference() + " has no drift reference to inherit; "
                + "--reference recomputes only the outputs of an inherited one");
          }
          if (parent.isPresent()) {
            ReferenceStatistics inherited = parent.get();
            if (referenceData != null) {
              Map<String, Integer> axes = new HashMap<>(); // the parent's declared axes
              Stream.concat(inherited.inputs().stream(), inherited.outputs().stream())
                  .filter(t -> t.axis() != TensorReference.DEFAULT_AXIS)
                  .forEach(t -> axes.put(t.name(), t.axis()));
              inherited = inherited.withOutputsOf(MonitorData.reference(referenceData, model,
                  source.reference().toString(), axes));
            }
            inherited.attachTo(publish);
          }
          ModelVersion published = s.publish(source.name(), model, publish.build());
          spec.commandLine().getOut().println(published.reference());
        }
      }
    } finally {
      try (Stream<Path> walk = Files.walk(work)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    return 0;
  }

  /** The directory where the graph ONNX Runtime optimises is written when it must not reach disk. */
  static final Path MEMORY_DIRECTORY = Path.of("/dev/shm");

  /**
   * A directory only this user can read, on a memory-backed file system (/dev/shm on Linux), for
   * the optimised graph of an encrypted version: decrypted, it never reaches disk.
   */
  private static Path memoryWorkDirectory() throws java.io.IOException {
    if (!Files.isDirectory(MEMORY_DIRECTORY) || !Files.isWritable(MEMORY_DIRECTORY)) {
      throw new IllegalArgumentException("--encryption-key: maas optimize writes the decrypted, optimised graph to"
          + " a memory-backed directory (" + MEMORY_DIRECTORY + "), so that it never reaches disk, and this system"
          + " has no writable " + MEMORY_DIRECTORY);
    }
    return Files.createTempDirectory(MEMORY_DIRECTORY, "maas-optimize-",
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
  }
}
