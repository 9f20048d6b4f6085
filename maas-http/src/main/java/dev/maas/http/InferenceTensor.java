package dev.maas.http;

import dev.maas.Tensor;
import java.util.Map;
import java.util.Objects;

/**
 * One named tensor of an inference request ({@code $request_input}) or response ({@code
 * $response_output}), with its protocol parameters.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param name the tensor's name
 * @param tensor its type, shape and elements
 * @param parameters the tensor's parameters: each value a {@code String}, {@code Boolean} or {@code
 *     Number}
 */
public record InferenceTensor(String name, Tensor tensor, Map<String, Object> parameters) {
  /** Validates and copies the components. */
  public InferenceTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tensor, "tensor");
    parameters = Parameters.copy(parameters);
  }

  /** A tensor without parameters. */
  public static InferenceTensor of(String name, Tensor tensor) {
    return new InferenceTensor(name, tensor, Map.of());
  }
}
