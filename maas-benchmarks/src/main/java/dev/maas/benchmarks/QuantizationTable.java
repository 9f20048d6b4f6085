package dev.maas.benchmarks;

import dev.maas.Tensor;
import dev.maas.onnx.AccuracyReport;
import dev.maas.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints, as a markdown table, what quantisation does to the benchmark models ({@link
 * QuantizationModels}) apart from speed: each variant's file size, its size against FP32, and its
 * accuracy against FP32 on 8 requests of 32 rows (max absolute error, relative L2, top-1 agreement
 * for the classifier). Deterministic (fixed seeds); the latencies come from {@link
 * QuantizedMlpBenchmark} and {@link QuantizedCnnBenchmark}.
 *
 * <p>Usage: {@code QuantizationTable}. Not thread-safe; one run per process.
 */
public final class QuantizationTable {
  private QuantizationTable() {}

  /** Prints the table to standard output. */
  public static void main(String[] args) {
    System.out.println("| model | variant | file | size ÷ FP32 | max abs error | relative L2 | top-1 agreement |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String model : List.of("mlp", "cnn")) {
      List<String> variants = model.equals("mlp") ? List.of("fp32", "int8Dynamic", "int8DynamicPerChannel", "fp16")
          : List.of("fp32", "int8Static", "int8StaticPerChannel", "fp16");
      byte[] fp32 = QuantizationModels.fp32(model);
      List<Map<String, Tensor>> eval = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        eval.add(Map.of("x", QuantizationModels.input(model, 32, 1000 + i)));
      }
      try (OnnxModel reference = OnnxModel.fromBytes(fp32)) {
        for (String variant : variants) {
          byte[] bytes = QuantizationModels.variant(model, variant);
          try (OnnxModel candidate = OnnxModel.fromBytes(bytes)) {
            AccuracyReport r = AccuracyReport.compare(reference, candidate, eval);
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f MB | %.3f | %.2e | %.2f %% | %s |%n", model, variant,
                bytes.length / 1e6, bytes.length / (double) fp32.length, r.maxAbsError(), 100 * r.relativeL2(),
                r.top1Agreement().isPresent() ? String.format(Locale.ROOT, "%.3f", r.top1Agreement().getAsDouble())
                    : "—");
          }
        }
      }
    }
  }
}
