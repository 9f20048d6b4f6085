package dev.maas.cli;

import dev.maas.DataType;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.http.InferenceJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the requests {@code maas optimize --quantize} calibrates and evaluates on: a JSON Lines
 * file of Open Inference Protocol request bodies (one per line, {@code .jsonl} or {@code .ndjson}),
 * or, for a model with one FP32 or FP64 input of shape {@code [-1, n]}, a CSV file whose header names
 * {@code n} numeric columns, read as requests of up to {@value #CSV_ROWS_PER_REQUEST} rows.
 *
 * <p>Stateless.
 */
final class QuantizeData {
  static final int CSV_ROWS_PER_REQUEST = 64;

  private QuantizeData() {}

  static List<Map<String, Tensor>> read(Path file, String option, ModelSignature signature) throws IOException {
    InputFiles.requireReadable(file, option, "a .jsonl file of inference requests, or a CSV file with a header row");
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    List<Map<String, Tensor>> requests = name.endsWith(".jsonl") || name.endsWith(".ndjson") ? jsonLines(file, option)
        : csv(file, option, signature);
    if (requests.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + " holds no requests");
    }
    return requests;
  }

  private static List<Map<String, Tensor>> jsonLines(Path file, String option) throws IOException {
    List<Map<String, Tensor>> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(InferenceJson.readRequest(line).inputTensors());
        } catch (dev.maas.InvalidInputException e) {
          throw new IllegalArgumentException(option + " " + file + " line " + number + ": " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static List<Map<String, Tensor>> csv(Path file, String option, ModelSignature signature) throws IOException {
    List<TensorSpec> inputs = signature.inputs();
    TensorSpec in = inputs.size() == 1 ? inputs.get(0) : null;
    if (in == null || in.shape().size() != 2 || in.shape().get(0) != TensorSpec.DYNAMIC || in.shape().get(1) < 1
        || (in.dataType() != DataType.FP32 && in.dataType() != DataType.FP64)) {
      throw new IllegalArgumentException(option + " " + file + ": CSV rows fit only a model with one FP32 or FP64 "
          + "input of shape [-1, n]; this one takes " + inputs + "; give a .jsonl file of inference requests");
    }
    List<String> header = Table.header(file, option);
    long width = in.shape().get(1);
    if (header.size() != width) {
      throw new IllegalArgumentException(option + " " + file + ": " + header.size() + " columns, but input '"
          + in.name() + "' takes " + width);
    }
    double[][] rows = Table.readAll(file, option, header);
    List<Map<String, Tensor>> out = new ArrayList<>();
    for (int from = 0; from < rows.length; from += CSV_ROWS_PER_REQUEST) {
      int n = Math.min(CSV_ROWS_PER_REQUEST, rows.length - from);
      double[] flat = new double[n * (int) width];
      for (int r = 0; r < n; r++) {
        System.arraycopy(rows[from + r], 0, flat, r * (int) width, (int) width);
      }
      Tensor t;
      if (in.dataType() == DataType.FP64) {
        t = Tensor.ofDoubles(flat, n, width);
      } else {
        float[] f = new float[flat.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) flat[i];
        }
        t = Tensor.ofFloats(f, n, width);
      }
      out.add(Map.of(in.name(), t));
    }
    return out;
  }
}
