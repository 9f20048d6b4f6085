package dev.maas.cli;

import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.ModelVersion;
import dev.maas.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which data columns feed a tabular model: those named with {@code --columns}, else the feature
 * names the model records (a linear model's {@code features}, an exported graph's {@code
 * onnx.custom.features}, or the version's {@code features} parameter), else every column but
 * the excluded ones, in file order. Stateless.
 */
final class ModelColumns {
  private ModelColumns() {}

  /**
   * The model's single tabular input, {@code [-1, p]} in FP32 or FP64, or a clear error naming
   * what the model has instead.
   */
  static TensorSpec tabularInput(ModelVersion version) {
    return tabularInput(version, true);
  }

  /**
   * As {@link #tabularInput(ModelVersion)}; with {@code onePerRow} false the first output may hold
   * several values per row ({@code [-1, k]}: a classifier's probabilities).
   */
  static TensorSpec tabularInput(ModelVersion version, boolean onePerRow) {
    var signature = version.signature();
    if (signature.inputs().size() != 1 || signature.outputs().isEmpty()) {
      throw new IllegalArgumentException(version.reference() + " has " + signature.inputs().size() + " inputs and "
          + signature.outputs().size() + " outputs; table scoring needs one input [-1, p] and scores the first output");
    }
    TensorSpec in = signature.inputs().get(0);
    TensorSpec out = signature.outputs().get(0);
    boolean fits = in.rank() == 2 && (in.dataType() == DataType.FP32 || in.dataType() == DataType.FP64)
        && out.dataType().isNumeric() && (out.rank() == 1 || (out.rank() == 2 && (!onePerRow || out.shape().get(1) == 1)));
    if (!fits) {
      throw new IllegalArgumentException(version.reference() + " takes " + in.name() + " " + in.describe()
          + " and returns " + out.name() + " " + out.describe() + "; table scoring needs an FP32 or FP64 input "
          + "[-1, p] and one value per row; use 'maas infer' for other models");
    }
    return in;
  }

  /** The recorded feature names of the model, if it has them. */
  static List<String> recorded(Model model, ModelVersion version) {
    for (String key : List.of("features", "onnx.custom.features")) {
      String names = model.metadata().get(key);
      if (names != null && !names.isBlank()) {
        return split(names);
      }
    }
    String names = version.parameters().get("features");
    return names == null || names.isBlank() ? List.of() : split(names);
  }

  /** The feature columns to read, checked against the input width. */
  static List<String> choose(List<String> option, Model model, ModelVersion version, List<String> header,
      List<String> excluded) {
    TensorSpec input = tabularInput(version, false);
    long width = input.shape().get(1);
    List<String> columns;
    String source;
    if (option != null && !option.isEmpty()) {
      columns = option.stream().map(String::strip).toList();
      source = "--columns";
    } else if (!recorded(model, version).isEmpty()) {
      columns = recorded(model, version);
      source = "the model's recorded features";
    } else {
      columns = new ArrayList<>(header);
      columns.removeAll(excluded);
      source = "every column" + (excluded.isEmpty() ? "" : " but " + String.join(", ", excluded));
      if (header.isEmpty()) {
        throw new IllegalArgumentException(version.reference() + " records no feature names; name the fields "
            + "with --columns a,b,...");
      }
    }
    if (width >= 0 && columns.size() != width) {
      throw new IllegalArgumentException(version.reference() + " takes " + width + " features per row, but "
          + source + " gives " + columns.size() + " (" + String.join(", ", columns) + "); name them with --columns");
    }
    return List.copyOf(columns);
  }

  private static List<String> split(String names) {
    return Arrays.stream(names.split(",")).map(String::strip).toList();
  }
}
