package dev.maas.http;

import java.util.Map;
import java.util.Objects;

/**
 * An output an inference request asks for ({@code $request_output}), with its parameters.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param name the output's name
 * @param parameters its parameters: each value a {@code String}, {@code Boolean} or {@code Number}
 */
public record RequestedOutput(String name, Map<String, Object> parameters) {
  /** Validates and copies the components. */
  public RequestedOutput {
    Objects.requireNonNull(name, "name");
    parameters = Parameters.copy(parameters);
  }

  /** An output request without parameters. */
  public static RequestedOutput of(String name) {
    return new RequestedOutput(name, Map.of());
  }
}
