package dev.maas.cli;

import dev.maas.ModelLoadException;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.monitor.ReferenceStatistics;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxModelFormat;
import dev.maas.onnx.OnnxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
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
 * load the optimised graph instead of optimising at every start.
 */
@Command(name = "optimize", mixinStandardHelpOptions = true,
    description = "Optimise a stored ONNX model's graph with ONNX Runtime and publish it as the next version.",
    footerHeading = "%nExample:%n", footer = "  maas optimize mlp --store maas-store --level all")
final class OptimizeCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS of an onnx model")
  String reference;

  @Option(names = "--level", defaultValue = "EXTENDED", paramLabel = "LEVEL",
      description = "BASIC, EXTENDED or ALL (ALL adds layout rewrites that only suit this machine's hardware). "
          + "Default: ${DEFAULT-VALUE}.")
  OnnxOptions.OptimizationLevel level;

  @Option(names = "--reference", paramLabel = "FILE",
      description = "Data (JSON Lines requests or CSV) to recompute the drift reference's output statistics on with"
          + " the optimised graph; the input statistics are always the parent's. Without it the parent's"
          + " reference is kept whole (the optimised graph computes the same function).")
  Path referenceData;

  @Override
  public Integer call() throws IOException {
    if (level == OnnxOptions.OptimizationLevel.DISABLED) {
      throw new IllegalArgumentException("--level DISABLED would not optimise anything");
    }
    Path work = Files.createTempDirectory("maas-optimize");
    try {
      Path optimized = work.resolve(OnnxModelFormat.MODEL_FILE);
      OnnxOptions options = OnnxOptions.builder().optimizationLevel(level).optimizedModelPath(optimized).build();
      try (ModelStore s = ModelStore.open(store.existing(), List.of(new OnnxModelFormat(options)))) {
        ModelVersion source = s.get(reference);
        if (!source.format().equals(OnnxModelFormat.NAME)) {
          throw new IllegalArgumentException(source.reference() + " is a '" + source.format()
              + "' model; only onnx models can be optimised");
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
              inherited = inherited.withOutputsOf(MonitorData.reference(referenceData, model,
                  source.reference().toString()));
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
}
