package dev.maas.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link MaasSpark#predict} scores a DataFrame: rows per predictor call, which outputs to
 * append, and how columns map to inputs and outputs to columns where the defaults do not fit.
 * Built with {@link #builder()}; {@link #defaults()} is 1,024 rows per call, every output, default
 * mappings.
 *
 * <p>Default mappings: an input is fed by the columns {@link Builder#inputColumns} names for it;
 * otherwise by the column named as the input (a numeric column for an input of one value per row,
 * an array column for any other shape); otherwise, for an input {@code [-1, p]}, by the numeric
 * columns the model lists as its features (the {@code features} entry of its metadata, as linear
 * models have). An output becomes a column named as the output ({@link Builder#outputColumn}
 * renames it): a double column when it has one value per row, else an array of doubles.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ScoringOptions {
  /** The default number of rows per predictor call. */
  public static final int DEFAULT_BATCH_ROWS = 1024;
  private static final ScoringOptions DEFAULTS = builder().build();

  private final int batchRows;
  private final List<String> outputs;
  private final Map<String, List<String>> inputColumns;
  private final Map<String, String> outputColumns;

  private ScoringOptions(Builder b) {
    this.batchRows = b.batchRows;
    this.outputs = List.copyOf(b.outputs);
    this.inputColumns = Map.copyOf(b.inputColumns);
    this.outputColumns = Map.copyOf(b.outputColumns);
  }

  /** 1,024 rows per call, every output, default mappings. */
  public static ScoringOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Rows per predictor call. */
  public int batchRows() {
    return batchRows;
  }

  /** The outputs to append, in order; empty for every output of the model. */
  public List<String> outputs() {
    return outputs;
  }

  /** Input name to the numeric columns that feed it, for inputs mapped explicitly. */
  public Map<String, List<String>> inputColumns() {
    return inputColumns;
  }

  /** Output name to the name of the column it becomes, for outputs renamed. */
  public Map<String, String> outputColumns() {
    return outputColumns;
  }

  /**
   * Collects {@link ScoringOptions}; each setter checks its argument at once.
   *
   * <p>Builders are not thread-safe.
   */
  public static final class Builder {
    private int batchRows = DEFAULT_BATCH_ROWS;
    private List<String> outputs = List.of();
    private final Map<String, List<String>> inputColumns = new LinkedHashMap<>();
    private final Map<String, String> outputColumns = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Rows per predictor call (default 1,024): larger batches amortise the call, smaller ones
     * bound the memory of one call.
     *
     * @throws IllegalArgumentException unless {@code rows} is between 1 and 1,048,576
     */
    public Builder batchRows(int rows) {
      if (rows < 1 || rows > (1 << 20)) {
        throw new IllegalArgumentException("batchRows must be between 1 and 1048576, got " + rows);
      }
      this.batchRows = rows;
      return this;
    }

    /**
     * The outputs to append, in this order (default: every output, in signature order).
     *
     * @throws IllegalArgumentException if a name is repeated
     */
    public Builder outputs(List<String> names) {
      List<String> copy = List.copyOf(names);
      if (Set.copyOf(copy).size() != copy.size()) {
        throw new IllegalArgumentException("outputs must be distinct: " + copy);
      }
      this.outputs = copy;
      return this;
    }

    /**
     * Feeds input {@code input} with the numeric {@code columns}, in this order: row i of the input
     * holds row i's values of the columns.
     *
     * @throws IllegalArgumentException if there is no column or one is repeated
     */
    public Builder inputColumns(String input, List<String> columns) {
      Objects.requireNonNull(input, "input");
      List<String> copy = List.copyOf(columns);
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("input '" + input + "' needs at least one column");
      }
      if (Set.copyOf(copy).size() != copy.size()) {
        throw new IllegalArgumentException("the columns of input '" + input + "' must be distinct: " + copy);
      }
      inputColumns.put(input, copy);
      return this;
    }

    /**
     * Names the column that output {@code output} becomes (default: the output's name).
     *
     * @throws IllegalArgumentException if {@code column} is empty
     */
    public Builder outputColumn(String output, String column) {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(column, "column");
      if (column.isEmpty()) {
        throw new IllegalArgumentException("the column of output '" + output + "' must not be empty");
      }
      outputColumns.put(output, column);
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException if two outputs are renamed to the same column
     */
    public ScoringOptions build() {
      if (Set.copyOf(outputColumns.values()).size() != outputColumns.size()) {
        throw new IllegalStateException("two outputs renamed to the same column: " + outputColumns);
      }
      return new ScoringOptions(this);
    }
  }
}
