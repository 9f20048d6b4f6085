package dev.maas.cli;

import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.http.InferenceJson;
import dev.maas.monitor.ReferenceBuilder;
import dev.maas.monitor.ReferenceOptions;
import dev.maas.monitor.ReferenceStatistics;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the data that reference statistics are built from and that drift is measured on, as
 * batches of a model's inputs: JSON Lines of inference request bodies (a {@code .jsonl} file), or
 * a CSV file for a model with one tabular input, whose feature columns are chosen by {@link
 * #columns}. An empty CSV cell, {@code NA} or {@code NaN} is a missing value. Stateless.
 */
final class MonitorData {
  private static final int BATCH_ROWS = 1024;

  private MonitorData() {}

  static boolean isJsonLines(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
  }

  /**
   * The CSV columns feeding the model's tabular input: {@code preferred} (a reference's feature
   * names) when the header has them all, else the model's recorded feature names, else every
   * column; checked against the input's width.
   */
  static List<String> columns(Path file, String option, Model model, String what, List<String> preferred)
      throws IOException {
    TensorSpec input = tabularInput(model.signature(), what);
    List<String> header = Table.header(file, option);
    List<String> columns;
    String source;
    if (!preferred.isEmpty() && header.containsAll(preferred)) {
      columns = preferred;
      source = "the reference's features";
    } else {
      columns = recorded(model);
      source = "the model's recorded features";
      if (columns.isEmpty()) {
        columns = header;
        source = "every column";
      }
    }
    long width = input.dims()[1];
    if (width >= 0 && columns.size() != width) {
      throw new IllegalArgumentException(file + ": " + what + " takes " + width + " features per row, but " + source
          + " of the file gives " + columns.size() + " (" + String.join(", ", columns) + ")");
    }
    return List.copyOf(columns);
  }

  private static List<String> recorded(Model model) {
    for (String key : List.of("features", "onnx.custom.features")) {
      String names = model.metadata().get(key);
      if (names != null && !names.isBlank()) {
        return java.util.Arrays.stream(names.split(",")).map(String::strip).toList();
      }
    }
    return List.of();
  }

  private static TensorSpec tabularInput(ModelSignature signature, String what) {
    TensorSpec in = signature.inputs().isEmpty() ? null : signature.inputs().get(0);
    if (signature.inputs().size() != 1 || in.rank() != 2
        || (in.dataType() != DataType.FP32 && in.dataType() != DataType.FP64)) {
      throw new IllegalArgumentException(what + " takes " + signature.inputs().stream()
          .map(t -> t.name() + " " + t.describe()).toList() + "; a CSV file feeds only one FP32 or FP64 input"
          + " [-1, p]; give inference requests as JSON Lines (.jsonl) instead");
    }
    return in;
  }

  /** Hands the inputs of {@code file}, in batches, to {@code sink}; returns the number of rows. */
  static long forEachBatch(Path file, String option, ModelSignature signature, List<String> columns,
      Consumer<Map<String, Tensor>> sink) throws IOException {
    InputFiles.requireReadable(file, option, "a CSV or JSON Lines file");
    return isJsonLines(file) ? jsonLines(file, signature, sink) : csv(file, option, signature, columns, sink);
  }

  private static long jsonLines(Path file, ModelSignature signature, Consumer<Map<String, Tensor>> sink)
      throws IOException {
    long rows = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        Map<String, Tensor> inputs;
        try {
          inputs = InferenceJson.readRequest(line).inputTensors();
          signature.validateInputs(inputs);
        } catch (dev.maas.InvalidInputException e) {
          throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage());
        }
        rows += signature.batched() ? signature.batchSize(inputs) : 1;
        sink.accept(inputs);
      }
    }
    return rows;
  }

  private static long csv(Path file, String option, ModelSignature signature, List<String> columns,
      Consumer<Map<String, Tensor>> sink) throws IOException {
    TensorSpec input = signature.inputs().get(0);
    List<String> header = Table.header(file, option);
    int[] index = new int[columns.size()];
    for (int j = 0; j < index.length; j++) {
      index[j] = header.indexOf(columns.get(j));
      if (index[j] < 0) {
        throw new IllegalArgumentException(file + ": no column '" + columns.get(j) + "' (needed: "
            + String.join(", ", columns) + "; the file has: " + String.join(", ", header) + ")");
      }
    }
    int p = index.length;
    long rows = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      in.readLine();
      String line;
      long number = 1;
      double[] batch = new double[BATCH_ROWS * p];
      int filled = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        List<String> cells = Table.splitCsv(line, number);
        if (cells.size() != header.size()) {
          throw new IllegalArgumentException(file + " line " + number + ": " + cells.size()
              + " cells, but the header has " + header.size());
        }
        for (int j = 0; j < p; j++) {
          batch[filled * p + j] = cell(cells.get(index[j]), file, number, columns.get(j));
        }
        rows++;
        if (++filled == BATCH_ROWS) {
          sink.accept(Map.of(input.name(), tensor(input, batch, filled, p)));
          filled = 0;
        }
      }
      if (filled > 0) {
        sink.accept(Map.of(input.name(), tensor(input, batch, filled, p)));
      }
    }
    return rows;
  }

  private static Tensor tensor(TensorSpec input, double[] batch, int rows, int p) {
    if (input.dataType() == DataType.FP64) {
      return Tensor.ofDoubles(java.util.Arrays.copyOf(batch, rows * p), rows, p);
    }
    float[] f = new float[rows * p];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) batch[i];
    }
    return Tensor.wrap(DataType.FP32, f, rows, p);
  }

  private static double cell(String cell, Path file, long line, String column) {
    String text = cell.strip();
    if (text.isEmpty() || text.equalsIgnoreCase("NA") || text.equalsIgnoreCase("NaN")) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " line " + line + ", column '" + column + "': '"
          + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "' is not a number");
    }
  }

  /**
   * Reference statistics of {@code file} for {@code model}: its inputs, and the model's outputs for
   * them, in one pass; tensors named in {@code axes} split into one feature per index on that axis.
   */
  static ReferenceStatistics reference(Path file, Model model, String what, java.util.Map<String, Integer> axes)
      throws IOException {
    ModelSignature signature = model.signature();
    ReferenceBuilder builder = ReferenceStatistics.builder(signature, ReferenceOptions.defaults());
    axes.forEach((tensor, axis) -> {
      try {
        builder.featureAxis(tensor, axis);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--reference-axis " + tensor + "=" + axis + ": " + e.getMessage(), e);
      }
    });
    List<String> columns = List.of();
    if (!isJsonLines(file)) {
      columns = columns(file, "--reference", model, what, List.of());
      builder.featureNames(signature.inputs().get(0).name(), columns);
    }
    var predictor = model.predictor();
    long rows = forEachBatch(file, "--reference", signature, columns, batch -> {
      builder.addInputs(batch);
      builder.addOutputs(predictor.predict(batch));
    });
    if (rows == 0) {
      throw new IllegalArgumentException(file + " holds no rows to build reference statistics from");
    }
    return builder.build();
  }

  /** The reference's feature names of the model's first input, in column order. */
  static List<String> featureNames(ReferenceStatistics reference, ModelSignature signature) {
    List<String> names = new ArrayList<>();
    reference.input(signature.inputs().get(0).name()).ifPresent(t -> t.features().forEach(f -> names.add(f.name())));
    return names;
  }
}
