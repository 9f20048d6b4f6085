package dev.maas.monitor;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@link ReferenceStatistics} in one pass over a model's data: feed it batches of inputs
 * (and, where known, the model's outputs for them) and call {@link #build()}. Each feature keeps
 * exact counts of values, missing values, the range and, while there are at most {@link
 * ReferenceOptions#maxCategories()}, of each distinct value; quantile edges come from a seeded
 * uniform reservoir sample of {@link ReferenceOptions#sampleSize()} values, so a reference is exact
 * for data no larger than the sample and has a rank error near {@code 1/sqrt(sampleSize)} beyond.
 * Memory is bounded by features times sample size.
 *
 * <p>Not thread-safe: one thread feeds a builder.
 */
public final class ReferenceBuilder {
  private final ModelSignature signature;
  private final ReferenceOptions options;
  private final Map<String, List<String>> names = new HashMap<>();
  private final Map<String, Integer> axes = new HashMap<>();
  private final Map<String, Side> inputs = new HashMap<>();
  private final Map<String, Side> outputs = new HashMap<>();
  private long rows;
  private boolean built;

  ReferenceBuilder(ModelSignature signature, ReferenceOptions options) {
    this.signature = Objects.requireNonNull(signature, "signature");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Names the columns of tensor {@code tensor} (an input or output): feature {@code i} is called
   * {@code names.get(i)} instead of {@code "i"}. Call before the tensor's first data.
   */
  public ReferenceBuilder featureNames(String tensor, List<String> columnNames) {
    Objects.requireNonNull(tensor, "tensor");
    List<String> copy = List.copyOf(columnNames);
    if (copy.stream().distinct().count() != copy.size()) {
      throw new IllegalArgumentException("feature names of '" + tensor + "' must be distinct, got " + copy);
    }
    if (inputs.containsKey(tensor) || outputs.containsKey(tensor)) {
      throw new IllegalStateException("feature names of '" + tensor + "' must be set before its first data");
    }
    names.put(tensor, copy);
    return this;
  }

  /**
   * Splits tensor {@code tensor} (an input or output) into one feature per index on dimension
   * {@code axis}: feature {@code i} holds every value whose index there is {@code i} (the channels
   * of an image {@code [n, channels, height, width]} with axis 1, say). Without it a rank-2 tensor
   * has one feature per column and any other tensor one feature of all its values. Call before the
   * tensor's first data.
   *
   * @throws IllegalArgumentException if the model has no such tensor, the tensor has no dimension
   *     {@code axis}, or {@code axis} is the batch dimension of a batched signature
   */
  public ReferenceBuilder featureAxis(String tensor, int axis) {
    Objects.requireNonNull(tensor, "tensor");
    TensorSpec spec = signature.input(tensor).or(() -> signature.output(tensor)).orElseThrow(
        () -> new IllegalArgumentException("the model has no input or output '" + tensor + "' to split along an axis"));
    if (axis < 0 || axis >= spec.rank()) {
      throw new IllegalArgumentException("'" + tensor + "' is " + spec.describe() + ": its axes are 0.."
          + (spec.rank() - 1) + ", not " + axis);
    }
    if (axis == 0 && signature.batched()) {
      throw new IllegalArgumentException("axis 0 of '" + tensor + "' is the batch: split along another axis");
    }
    if (inputs.containsKey(tensor) || outputs.containsKey(tensor)) {
      throw new IllegalStateException("the feature axis of '" + tensor + "' must be set before its first data");
    }
    axes.put(tensor, axis);
    return this;
  }

  /**
   * Adds one batch of inputs: every input of the signature, each holding the same rows.
   *
   * @throws InvalidInputException if an input is missing, has the wrong type or shape, or changes width
   */
  public ReferenceBuilder addInputs(Map<String, Tensor> batch) {
    checkOpen();
    signature.validateInputs(batch);
    rows += rowsOf(batch);
    for (TensorSpec spec : signature.inputs()) {
      add(inputs, spec, batch.get(spec.name()), "input");
    }
    return this;
  }

  private long rowsOf(Map<String, Tensor> batch) {
    if (signature.batched()) {
      return signature.batchSize(batch);
    }
    if (signature.inputs().isEmpty()) {
      return 1;
    }
    Tensor first = batch.get(signature.inputs().get(0).name());
    return first.rank() == 0 ? 1 : first.dim(0);
  }

  /**
   * Adds the model's outputs for the latest batch of inputs; outputs the signature lacks are refused,
   * outputs not given are not recorded.
   */
  public ReferenceBuilder addOutputs(Map<String, Tensor> batch) {
    checkOpen();
    for (Map.Entry<String, Tensor> e : batch.entrySet()) {
      TensorSpec spec = signature.output(e.getKey()).orElseThrow(() -> new InvalidInputException(
          "the model has no output '" + e.getKey() + "'; its outputs are "
              + signature.outputs().stream().map(TensorSpec::name).toList()));
      if (!spec.accepts(e.getValue())) {
        throw new InvalidInputException("output '" + spec.name() + "': expected " + spec.describe() + ", got "
            + e.getValue().dataType() + " " + java.util.Arrays.toString(e.getValue().shape()));
      }
      add(outputs, spec, e.getValue(), "output");
    }
    return this;
  }

  /**
   * The statistics of everything added. Tensors that got no data are left out (a model whose
   * outputs were never added has a reference of its inputs only). The builder cannot be used after.
   */
  public ReferenceStatistics build() {
    checkOpen();
    built = true;
    return new ReferenceStatistics(rows, finish(inputs, signature.inputs()), finish(outputs, signature.outputs()));
  }

  private void checkOpen() {
    if (built) {
      throw new InvalidInputException("this reference builder has already built its statistics");
    }
  }

  private List<TensorReference> finish(Map<String, Side> sides, List<TensorSpec> specs) {
    List<TensorReference> out = new ArrayList<>();
    for (TensorSpec spec : specs) {
      Side side = sides.get(spec.name());
      if (side != null) {
        List<FeatureReference> features = new ArrayList<>();
        for (FeatureAccumulator f : side.features) {
          features.add(f.build());
        }
        out.add(new TensorReference(spec.name(), side.axis, side.columns, features));
      }
    }
    return out;
  }

  private void add(Map<String, Side> sides, TensorSpec spec, Tensor tensor, String what) {
    int axis = axes.getOrDefault(spec.name(), TensorReference.DEFAULT_AXIS);
    int columns = ReferenceLayout.columns(spec, tensor, axis);
    Side side = sides.get(spec.name());
    if (side == null) {
      side = newSide(spec, axis, columns, sides == inputs ? 0 : 1_000_003);
      sides.put(spec.name(), side);
    } else if (side.columns != columns) {
      throw new InvalidInputException(what + " '" + spec.name() + "' had " + side.columns
          + (axis == TensorReference.DEFAULT_AXIS ? " columns" : " features along axis " + axis)
          + " in earlier data, now " + columns);
    }
    if (columns == 0) {
      return;
    }
    int inner = ReferenceLayout.inner(tensor, axis);
    int block = columns * inner;
    int n = block == 0 ? 0 : tensor.size() / block;
    int tracked = side.features.size();
    boolean strings = tensor.dataType() == DataType.BYTES;
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < tracked; c++) {
        FeatureAccumulator f = side.features.get(c);
        for (int j = 0, at = r * block + c * inner; j < inner; j++, at++) {
          if (strings) {
            f.add(tensor.getString(at));
          } else {
            f.add(tensor.getDouble(at));
          }
        }
      }
    }
  }

  private Side newSide(TensorSpec spec, int axis, int columns, long salt) {
    List<String> given = names.get(spec.name());
    if (given != null && given.size() != columns) {
      throw new InvalidInputException("feature names of '" + spec.name() + "': " + given.size() + " names for "
          + columns + " columns");
    }
    int tracked = Math.min(columns, options.maxFeaturesPerTensor());
    List<FeatureAccumulator> features = new ArrayList<>(tracked);
    boolean strings = spec.dataType() == DataType.BYTES;
    for (int c = 0; c < tracked; c++) {
      String name = given != null ? given.get(c)
          : axis == TensorReference.DEFAULT_AXIS && (spec.rank() > 2 || spec.rank() == 0) ? "all"
              : Integer.toString(c);
      long seed = options.seed() * 0x9E3779B97F4A7C15L + salt + spec.name().hashCode() * 31L + c;
      features.add(new FeatureAccumulator(name, c, strings, options, seed));
    }
    return new Side(axis, columns, features);
  }

  private record Side(int axis, int columns, List<FeatureAccumulator> features) {}
}
