package dev.maas;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The ordered inputs and outputs a model declares, and whether dimension 0 of every one of them is
 * a batch axis. Every request is checked against it by {@link #validateInputs} before any backend
 * runs.
 *
 * <p>A signature is {@link #batched()} when row {@code i} of every output depends only on row
 * {@code i} of the inputs, along dimension 0 of each: requests can then be split or stacked along
 * that axis ({@link BatchingPredictor} does). Each format derives it: linear models always, ONNX models when
 * every input and output has a symbolic or unknown first dimension, the same symbol wherever one is
 * named. A dynamic dimension 0 alone does not make a batch axis (it may be a sequence).
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param inputs the input specs, in the model's order, with distinct names
 * @param outputs the output specs, in the model's order, with distinct names
 * @param batched whether dimension 0 of every input and output is one shared batch axis; if so,
 *     every spec has a rank of at least 1 and a dynamic dimension 0, and there is an input
 */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs, boolean batched) {
  /** Validates and copies the components. */
  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (outputs.isEmpty()) {
      throw new InvalidInputException("a signature needs at least one output");
    }
    requireDistinct("input", inputs);
    requireDistinct("output", outputs);
    if (batched) {
      if (inputs.isEmpty()) {
        throw new InvalidInputException("a batched signature needs at least one input");
      }
      for (TensorSpec spec : inputs) {
        requireBatchAxis(spec);
      }
      for (TensorSpec spec : outputs) {
        requireBatchAxis(spec);
      }
    }
  }

  /** A signature without a batch axis; see {@link #ModelSignature(List, List, boolean)}. */
  public ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    this(inputs, outputs, false);
  }

  private static void requireBatchAxis(TensorSpec spec) {
    if (spec.rank() == 0 || spec.shape().get(0) != TensorSpec.DYNAMIC) {
      throw new InvalidInputException("tensor '" + spec.name() + "' is " + spec.describe()
          + "; in a batched signature every tensor has a dynamic dimension 0");
    }
  }

  /** The number of rows of a request that fits a batched signature: dimension 0 of its first input. */
  public long batchSize(Map<String, Tensor> inputs) {
    if (!batched) {
      throw new InvalidInputException("the signature has no batch axis");
    }
    Tensor first = inputs.get(this.inputs.get(0).name());
    if (first == null) {
      throw new InvalidInputException("missing input '" + this.inputs.get(0).name() + "'");
    }
    return first.dim(0);
  }

  private static void requireDistinct(String kind, List<TensorSpec> specs) {
    Set<String> seen = new HashSet<>();
    for (TensorSpec spec : specs) {
      if (!seen.add(spec.name())) {
        throw new InvalidInputException("duplicate " + kind + " name '" + spec.name() + "'");
      }
    }
  }

  /** The input named {@code name}, if declared. */
  public Optional<TensorSpec> input(String name) {
    return find(inputs, name);
  }

  /** The output named {@code name}, if declared. */
  public Optional<TensorSpec> output(String name) {
    return find(outputs, name);
  }

  private static Optional<TensorSpec> find(List<TensorSpec> specs, String name) {
    for (TensorSpec spec : specs) {
      if (spec.name().equals(name)) {
        return Optional.of(spec);
      }
    }
    return Optional.empty();
  }

  /**
   * Checks that {@code tensors} supplies every declared input, and nothing else, with the declared
   * type, rank and fixed dimensions. In a {@link #batched()} signature, dimension 0 must agree
   * across inputs (one batch).
   *
   * @throws InvalidInputException naming the first input that does not fit, what was expected and
   *     what came
   */
  public void validateInputs(Map<String, Tensor> tensors) {
    Objects.requireNonNull(tensors, "inputs");
    // Allocation-free when the request fits: this runs before every prediction.
    long batch = -1;
    String batchInput = null;
    for (TensorSpec spec : inputs) {
      Tensor t = tensors.get(spec.name());
      if (t == null) {
        reportUnexpected(tensors);
        throw new InvalidInputException("missing input '" + spec.name() + "': expected " + spec.describe(), null,
            MaasException.Context.ofInput(spec.name()));
      }
      if (!spec.accepts(t)) {
        throw new InvalidInputException(
            "input '" + spec.name() + "': expected " + spec.describe() + ", got " + t.dataType() + " "
                + Arrays.toString(t.shape()), null, MaasException.Context.ofInput(spec.name()));
      }
      if (batched) {
        if (batch >= 0 && t.dim(0) != batch) {
          throw new InvalidInputException(
              "input '" + spec.name() + "': batch size " + t.dim(0) + " differs from input '" + batchInput
                  + "' with batch size " + batch, null, MaasException.Context.ofInput(spec.name()));
        }
        batch = t.dim(0);
        batchInput = spec.name();
      }
    }
    if (tensors.size() != inputs.size()) {
      reportUnexpected(tensors);
    }
  }

  private void reportUnexpected(Map<String, Tensor> tensors) {
    for (String name : tensors.keySet()) {
      if (input(name).isEmpty()) {
        throw new InvalidInputException(
            "unexpected input '" + name + "'; the model takes " + names(inputs), null,
            MaasException.Context.ofInput(name));
      }
    }
  }

  /**
   * Checks that every name in {@code requested} is a declared output.
   *
   * @throws InvalidInputException naming the first unknown output
   */
  public void validateOutputNames(Set<String> requested) {
    for (String name : requested) {
      if (output(name).isEmpty()) {
        throw new InvalidInputException("unknown output '" + name + "'; the model returns " + names(outputs));
      }
    }
  }

  private static List<String> names(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).toList();
  }
}
