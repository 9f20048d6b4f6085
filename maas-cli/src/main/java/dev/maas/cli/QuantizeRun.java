package dev.maas.cli;

import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.Tensor;
import dev.maas.onnx.AccuracyReport;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxModelFormat;
import dev.maas.onnx.OnnxQuantizer;
import dev.maas.onnx.QuantizedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code maas optimize REF --quantize METHOD}: quantises a stored ONNX model with {@link
 * OnnxQuantizer}, measures the quantised model against its parent on the evaluation (or
 * calibration) requests with {@link AccuracyReport}, and publishes it as the model's next version
 * with its lineage (parameter {@value #PARENT}, the method and its settings under {@code
 * quantization.}) and the report as metrics. A refusal (nothing to quantise, already quantised,
 * external data, an opset that cannot be moved) publishes nothing.
 *
 * <p>Not thread-safe; one run per command.
 */
final class QuantizeRun {
  /** The parameter that names the version a quantised version was made from. */
  static final String PARENT = "parent";
  /** The prefix of the quantisation settings among a version's parameters. */
  static final String PREFIX = "quantization.";

  private final OptimizeCommand command;

  QuantizeRun(OptimizeCommand command) {
    this.command = command;
  }

  void run() throws IOException {
    OnnxQuantizer.Method method = OnnxQuantizer.Method.ofLabel(command.quantize);
    OnnxQuantizer quantizer = quantizer(method);
    if (method == OnnxQuantizer.Method.INT8_STATIC && command.calibration == null) {
      throw new IllegalArgumentException("--quantize int8-static needs --calibration FILE: requests to measure the "
          + "activations' ranges on");
    }
    if (command.eval == null && command.calibration == null) {
      throw new IllegalArgumentException("--quantize needs --eval FILE (or --calibration FILE): requests to measure "
          + "the quantised model's accuracy against its parent on");
    }
    try (ModelStore s = command.store.open()) {
      ModelVersion source = s.get(command.reference);
      if (!source.format().equals(OnnxModelFormat.NAME)) {
        throw new IllegalArgumentException(source.reference() + " is a '" + source.format()
            + "' model; only onnx models can be quantised");
      }
      List<Map<String, Tensor>> calibration = command.calibration == null ? List.of()
          : QuantizeData.read(command.calibration, "--calibration", source.signature());
      List<Map<String, Tensor>> eval = command.eval == null ? calibration
          : QuantizeData.read(command.eval, "--eval", source.signature());
      byte[] parentBytes = s.readFile(source, OnnxModelFormat.MODEL_FILE);
      QuantizedModel quantized = switch (method) {
        case INT8_DYNAMIC -> quantizer.int8Dynamic(parentBytes);
        case INT8_STATIC -> quantizer.int8Static(parentBytes, calibration);
        case FP16 -> quantizer.fp16(parentBytes);
      };
      Path work = Files.createTempDirectory("maas-quantize");
      try {
        Path file = work.resolve(OnnxModelFormat.MODEL_FILE);
        quantized.graph().writeTo(file);
        try (Model parent = s.open(source.reference()); OnnxModel child = OnnxModel.open(file)) {
          if (!child.signature().equals(source.signature())) {
            throw new ModelLoadException("the quantised graph of " + source.reference() + " changed the signature to "
                + child.signature());
          }
          AccuracyReport report = AccuracyReport.compare(parent, child, eval);
          PublishOptions.Builder options = PublishOptions.builder()
              .description(method.label() + " quantised from " + source.reference())
              .parameter(PARENT, source.reference().toString())
              .metrics(report.metrics())
              .metric("quantization.size_ratio", quantized.graph().size() / (double) parentBytes.length)
              .tags(source.tags())
              .lineage(source.lineage())
              .format(OnnxModelFormat.NAME);
          quantized.settings().forEach((k, v) -> options.parameter(PREFIX + k, v));
          if (command.eval != null) {
            options.parameter(PREFIX + "eval_data", command.eval.getFileName().toString());
          }
          if (command.calibration != null && method == OnnxQuantizer.Method.INT8_STATIC) {
            options.parameter(PREFIX + "calibration_data", command.calibration.getFileName().toString());
          }
          ModelVersion published = s.publish(source.name(), child, options.build());
          print(published, source, quantized, report, parentBytes.length);
        }
      } finally {
        Files.deleteIfExists(work.resolve(OnnxModelFormat.MODEL_FILE));
        Files.deleteIfExists(work);
      }
    }
  }

  private OnnxQuantizer quantizer(OnnxQuantizer.Method method) {
    var parsed = command.spec.commandLine().getParseResult();
    if (method == OnnxQuantizer.Method.FP16 && command.perChannel) {
      throw new IllegalArgumentException("--per-channel applies to int8-dynamic and int8-static, not fp16");
    }
    if (method != OnnxQuantizer.Method.INT8_STATIC) {
      for (String option : List.of("--calibration-method", "--percentile")) {
        if (parsed.hasMatchedOption(option)) {
          throw new IllegalArgumentException(option + " applies only to --quantize int8-static");
        }
      }
    }
    if (method != OnnxQuantizer.Method.INT8_DYNAMIC && parsed.hasMatchedOption("--min-weights")) {
      throw new IllegalArgumentException("--min-weights applies only to --quantize int8-dynamic");
    }
    OnnxQuantizer.Calibration calibration = switch (command.calibrationMethod.toLowerCase(Locale.ROOT)) {
      case "min-max" -> OnnxQuantizer.Calibration.MIN_MAX;
      case "percentile" -> OnnxQuantizer.Calibration.PERCENTILE;
      default -> throw new IllegalArgumentException("--calibration-method: unknown value '"
          + command.calibrationMethod + "' (min-max or percentile)");
    };
    return OnnxQuantizer.builder()
        .granularity(command.perChannel ? OnnxQuantizer.Granularity.PER_CHANNEL : OnnxQuantizer.Granularity.PER_TENSOR)
        .calibration(calibration).percentile(command.percentile).minimumWeightElements(command.minimumWeights).build();
  }

  private void print(ModelVersion published, ModelVersion source, QuantizedModel quantized, AccuracyReport report,
      long parentSize) {
    PrintWriter out = command.spec.commandLine().getOut();
    if (command.json) {
      out.println(JsonOutput.write(j -> {
        j.writeStartObject();
        j.writeStringField("model", published.name());
        j.writeNumberField("version", published.version());
        j.writeStringField("reference", published.reference().toString());
        j.writeStringField("parent", source.reference().toString());
        j.writeStringField("method", quantized.method().label());
        j.writeObjectFieldStart("settings");
        for (Map.Entry<String, String> e : quantized.settings().entrySet()) {
          j.writeStringField(e.getKey(), e.getValue());
        }
        j.writeEndObject();
        j.writeNumberField("size_bytes", quantized.graph().size());
        j.writeNumberField("parent_size_bytes", parentSize);
        j.writeObjectFieldStart("accuracy");
        j.writeNumberField("requests", report.requests());
        j.writeNumberField("values", report.values());
        j.writeFieldName("max_abs_error");
        JsonOutput.number(j, report.maxAbsError());
        j.writeFieldName("relative_l2");
        JsonOutput.number(j, report.relativeL2());
        if (report.top1Agreement().isPresent()) {
          j.writeNumberField("top1_agreement", report.top1Agreement().getAsDouble());
        }
        j.writeEndObject();
        j.writeEndObject();
      }));
    } else {
      out.println(published.reference());
      out.printf(Locale.ROOT, "%s from %s: %d of %d bytes (%.3f); against the parent on %d requests: max abs error "
          + "%.3g, relative L2 %.3g%s%n", quantized.method().label(), source.reference(), quantized.graph().size(),
          parentSize, quantized.graph().size() / (double) parentSize, report.requests(), report.maxAbsError(),
          report.relativeL2(), report.top1Agreement().isPresent()
              ? String.format(Locale.ROOT, ", top-1 agreement %.4f", report.top1Agreement().getAsDouble()) : "");
    }
    out.flush();
  }
}
