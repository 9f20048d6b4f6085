package dev.maas.spark;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.TensorSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How one model is fed from, and appends to, rows of values: for each input, the slots (column
 * positions of a DataFrame row, or argument positions of a SQL call) that feed it; for each output,
 * the column it becomes. Decided on the driver, where a mismatch is an {@link
 * InvalidInputException} before any task runs, and shipped to executors with the tasks.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class ScoringPlan implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Set<DataType> FED_TYPES = Set.of(DataType.FP64, DataType.FP32, DataType.INT64, DataType.INT32);

  /** One input: its slots, each a number per row, or one slot holding an array per row. */
  static final class Input implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final DataType type;
    /** The tensor's dimensions after the batch, -1 where the array's length decides. */
    final long[] rowDims;
    final int[] slots;
    final boolean array;

    Input(String name, DataType type, long[] rowDims, int[] slots, boolean array) {
      this.name = name;
      this.type = type;
      this.rowDims = rowDims;
      this.slots = slots;
      this.array = array;
    }
  }

  /** One output and whether it has one value per row (a double column) or several (an array). */
  static final class Output implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final String column;
    final boolean scalar;

    Output(String name, String column, boolean scalar) {
      this.name = name;
      this.column = column;
      this.scalar = scalar;
    }

    org.apache.spark.sql.types.DataType sparkType() {
      return scalar ? DataTypes.DoubleType : DataTypes.createArrayType(DataTypes.DoubleType, false);
    }
  }

  final List<Input> inputs;
  final List<Output> outputs;
  final int batchRows;

  private ScoringPlan(List<Input> inputs, List<Output> outputs, int batchRows) {
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.batchRows = batchRows;
  }

  /** The plan for rows of {@code schema}; see {@link ScoringOptions} for the mapping rules. */
  static ScoringPlan forData(String model, ModelSignature signature, Map<String, String> metadata,
      StructType schema, ScoringOptions options) {
    for (String input : options.inputColumns().keySet()) {
      if (signature.input(input).isEmpty()) {
        throw new InvalidInputException("model " + model + " has no input '" + input + "'; inputs: " + names(signature.inputs()));
      }
    }
    List<String> columns = Arrays.asList(schema.fieldNames());
    List<Input> inputs = new ArrayList<>();
    for (TensorSpec spec : signature.inputs()) {
      List<String> explicit = options.inputColumns().get(spec.name());
      if (explicit == null && columns.contains(spec.name())) {
        StructField field = schema.apply(spec.name());
        if (field.dataType() instanceof ArrayType) {
          inputs.add(arrayInput(model, spec, field, schema.fieldIndex(spec.name())));
          continue;
        }
        explicit = List.of(spec.name());
      }
      if (explicit == null) {
        explicit = metadataFeatures(spec, metadata);
      }
      if (explicit == null) {
        throw new InvalidInputException("model " + model + ": no column feeds input '" + spec.name() + "' "
            + spec.describe() + "; name the columns with ScoringOptions.inputColumns(\"" + spec.name()
            + "\", ...) or add a column '" + spec.name() + "'; columns: " + columns);
      }
      inputs.add(columnsInput(model, spec, explicit, schema));
    }
    List<Output> outputs = outputs(model, signature, options);
    for (Output out : outputs) {
      if (columns.contains(out.column)) {
        throw new InvalidInputException("model " + model + ": output '" + out.name + "' would replace the existing column '"
            + out.column + "'; rename it with ScoringOptions.outputColumn(\"" + out.name + "\", ...)");
      }
    }
    return new ScoringPlan(inputs, outputs, batchRows(model, signature, options));
  }

  /**
   * The plan for a SQL function: its arguments, in order, are the columns of each input in
   * signature order (p numbers for an input {@code [-1, p]}, one number for {@code [-1]}, one array
   * for any other shape); it returns the single output asked for.
   */
  static ScoringPlan forSql(String model, ModelSignature signature, ScoringOptions options) {
    List<Input> inputs = new ArrayList<>();
    int slot = 0;
    for (TensorSpec spec : signature.inputs()) {
      requireFedType(model, spec);
      long[] dims = spec.dims();
      if (dims.length == 1) {
        inputs.add(new Input(spec.name(), spec.dataType(), new long[0], new int[] {slot++}, false));
      } else if (dims.length == 2 && dims[1] > 0) {
        int[] slots = new int[(int) dims[1]];
        for (int j = 0; j < slots.length; j++) {
          slots[j] = slot++;
        }
        inputs.add(new Input(spec.name(), spec.dataType(), new long[] {dims[1]}, slots, false));
      } else {
        inputs.add(new Input(spec.name(), spec.dataType(), rowDims(model, spec), new int[] {slot++}, true));
      }
    }
    List<Output> outputs = outputs(model, signature, options);
    if (outputs.size() != 1) {
      throw new InvalidInputException("model " + model + " has outputs " + names(signature.outputs())
          + "; a SQL function returns one: choose it with ScoringOptions.outputs(List.of(...))");
    }
    return new ScoringPlan(inputs, outputs, 1);
  }

  /** The number of values a SQL call takes. */
  int arity() {
    int n = 0;
    for (Input in : inputs) {
      n += in.slots.length;
    }
    return n;
  }

  /** {@code schema} with the output columns appended. */
  StructType appendTo(StructType schema) {
    StructType out = schema;
    for (Output o : outputs) {
      out = out.add(o.column, o.sparkType(), true);
    }
    return out;
  }

  private static int batchRows(String model, ModelSignature signature, ScoringOptions options) {
    for (TensorSpec spec : signature.inputs()) {
      long batch = spec.rank() == 0 ? 1 : spec.dims()[0];
      if (batch == 1) {
        return 1;
      }
      if (batch != TensorSpec.DYNAMIC) {
        throw new InvalidInputException("model " + model + ": input '" + spec.name() + "' " + spec.describe()
            + " has a fixed batch of " + batch + " rows; maas-spark needs a dynamic first dimension (or 1)");
      }
    }
    return options.batchRows();
  }

  private static List<Output> outputs(String model, ModelSignature signature, ScoringOptions options) {
    List<String> wanted = options.outputs().isEmpty() ? names(signature.outputs()) : options.outputs();
    for (String renamed : options.outputColumns().keySet()) {
      if (!wanted.contains(renamed)) {
        throw new InvalidInputException("model " + model + ": output '" + renamed + "' is renamed but not scored; outputs: "
            + wanted);
      }
    }
    List<Output> out = new ArrayList<>();
    Set<String> columns = new HashSet<>();
    for (String name : wanted) {
      TensorSpec spec = signature.output(name).orElseThrow(() -> new InvalidInputException(
          "model " + model + " has no output '" + name + "'; outputs: " + names(signature.outputs())));
      if (!spec.dataType().isNumeric()) {
        throw new InvalidInputException("model " + model + ": output '" + name + "' is " + spec.dataType()
            + "; maas-spark appends numeric outputs only (leave it out with ScoringOptions.outputs)");
      }
      long[] dims = spec.dims();
      boolean scalar = dims.length == 1 || (dims.length == 2 && dims[1] == 1);
      String column = options.outputColumns().getOrDefault(name, name);
      if (!columns.add(column)) {
        throw new InvalidInputException("model " + model + ": two outputs would both become column '" + column + "'");
      }
      out.add(new Output(name, column, scalar));
    }
    return out;
  }

  private static List<String> metadataFeatures(TensorSpec spec, Map<String, String> metadata) {
    String features = metadata.get("features");
    if (features == null || features.isEmpty() || spec.rank() != 2) {
      return null;
    }
    List<String> names = Arrays.asList(features.split(",", -1));
    long p = spec.dims()[1];
    return p == TensorSpec.DYNAMIC || p == names.size() ? names : null;
  }

  private static Input columnsInput(String model, TensorSpec spec, List<String> columns, StructType schema) {
    requireFedType(model, spec);
    long[] dims = spec.dims();
    boolean fits = (dims.length == 1 && columns.size() == 1)
        || (dims.length == 2 && (dims[1] == TensorSpec.DYNAMIC || dims[1] == columns.size()));
    if (!fits) {
      throw new InvalidInputException("model " + model + ": input '" + spec.name() + "' " + spec.describe() + " cannot be fed by "
          + columns.size() + " numeric column" + (columns.size() == 1 ? "" : "s") + " " + columns);
    }
    List<String> available = Arrays.asList(schema.fieldNames());
    int[] slots = new int[columns.size()];
    for (int j = 0; j < slots.length; j++) {
      String column = columns.get(j);
      if (!available.contains(column)) {
        throw new InvalidInputException("model " + model + ": no column '" + column + "' for input '" + spec.name()
            + "'; columns: " + available);
      }
      StructField field = schema.apply(column);
      if (!(field.dataType() instanceof NumericType)) {
        throw new InvalidInputException("model " + model + ": column '" + column + "' for input '" + spec.name() + "' is "
            + field.dataType().simpleString() + ", expected a number");
      }
      if (isInteger(spec.dataType()) && !(field.dataType() instanceof IntegralType)) {
        throw new InvalidInputException("model " + model + ": column '" + column + "' is " + field.dataType().simpleString()
            + " but input '" + spec.name() + "' is " + spec.dataType() + "; cast it to an integer type");
      }
      slots[j] = schema.fieldIndex(column);
    }
    long[] rowDims = dims.length == 1 ? new long[0] : new long[] {columns.size()};
    return new Input(spec.name(), spec.dataType(), rowDims, slots, false);
  }

  private static Input arrayInput(String model, TensorSpec spec, StructField field, int slot) {
    requireFedType(model, spec);
    org.apache.spark.sql.types.DataType element = field.dataType();
    while (element instanceof ArrayType a) {
      element = a.elementType();
    }
    if (!(element instanceof NumericType)) {
      throw new InvalidInputException("model " + model + ": column '" + field.name() + "' for input '" + spec.name() + "' is "
          + field.dataType().simpleString() + ", expected an array of numbers");
    }
    if (isInteger(spec.dataType()) && !(element instanceof IntegralType)) {
      throw new InvalidInputException("model " + model + ": column '" + field.name() + "' holds "
          + element.simpleString() + " but input '" + spec.name() + "' is " + spec.dataType());
    }
    return new Input(spec.name(), spec.dataType(), rowDims(model, spec), new int[] {slot}, true);
  }

  private static long[] rowDims(String model, TensorSpec spec) {
    long[] dims = spec.dims();
    if (dims.length < 2) {
      throw new InvalidInputException("model " + model + ": input '" + spec.name() + "' " + spec.describe()
          + " has one value per row; feed it from a numeric column, not an array");
    }
    long[] rowDims = Arrays.copyOfRange(dims, 1, dims.length);
    int dynamic = 0;
    for (long d : rowDims) {
      if (d == TensorSpec.DYNAMIC) {
        dynamic++;
      }
    }
    if (dynamic > 1) {
      throw new InvalidInputException("model " + model + ": input '" + spec.name() + "' " + spec.describe()
          + " has more than one dynamic dimension after the batch; an array column cannot tell them apart");
    }
    return rowDims;
  }

  private static void requireFedType(String model, TensorSpec spec) {
    if (!FED_TYPES.contains(spec.dataType())) {
      throw new InvalidInputException("model " + model + ": input '" + spec.name() + "' is " + spec.dataType()
          + "; maas-spark feeds FP64, FP32, INT64 and INT32 inputs");
    }
  }

  static boolean isInteger(DataType type) {
    return type == DataType.INT64 || type == DataType.INT32;
  }

  private static List<String> names(List<TensorSpec> specs) {
    List<String> out = new ArrayList<>();
    for (TensorSpec s : specs) {
      out.add(s.name());
    }
    return out;
  }
}
