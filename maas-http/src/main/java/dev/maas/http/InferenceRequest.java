package dev.maas.http;

import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An Open Inference Protocol inference request ({@code $inference_request}): an optional id,
 * parameters, the input tensors and, optionally, the outputs wanted.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param id the request's identifier, echoed in the response, if given
 * @param parameters the request's parameters: each value a {@code String}, {@code Boolean} or
 *     {@code Number}
 * @param inputs the input tensors, with distinct names, in request order
 * @param outputs the outputs asked for; empty for all
 */
public record InferenceRequest(Optional<String> id, Map<String, Object> parameters, List<InferenceTensor> inputs,
    List<RequestedOutput> outputs) {
  /**
   * Validates and copies the components.
   *
   * @throws InvalidInputException if two inputs or two requested outputs share a name
   */
  public InferenceRequest {
    Objects.requireNonNull(id, "id");
    parameters = Parameters.copy(parameters);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Set<String> seen = new HashSet<>();
    for (InferenceTensor input : inputs) {
      if (!seen.add(input.name())) {
        throw new InvalidInputException("input '" + input.name() + "' appears more than once");
      }
    }
    seen.clear();
    for (RequestedOutput output : outputs) {
      if (!seen.add(output.name())) {
        throw new InvalidInputException("output '" + output.name() + "' is requested more than once");
      }
    }
  }

  /** A request for every output, without id or parameters. */
  public static InferenceRequest of(Map<String, Tensor> inputs) {
    return new InferenceRequest(Optional.empty(), Map.of(),
        inputs.entrySet().stream().map(e -> InferenceTensor.of(e.getKey(), e.getValue())).toList(), List.of());
  }

  /** The inputs by name, in request order, as {@link dev.maas.Predictor#predict} takes them. */
  public Map<String, Tensor> inputTensors() {
    Map<String, Tensor> map = new LinkedHashMap<>();
    for (InferenceTensor input : inputs) {
      map.put(input.name(), input.tensor());
    }
    return map;
  }

  /** The names of the outputs asked for, in request order; empty for all. */
  public Set<String> outputNames() {
    Set<String> names = new LinkedHashSet<>();
    for (RequestedOutput output : outputs) {
      names.add(output.name());
    }
    return names;
  }
}
