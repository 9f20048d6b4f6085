package dev.maas.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Checks and copies protocol parameter maps (name to String, Boolean or Number), widening integers
 * to {@code Long} and floats to {@code Double} so that equal JSON gives equal maps. Stateless.
 */
final class Parameters {
  private Parameters() {}

  static Map<String, Object> copy(Map<String, Object> parameters) {
    Objects.requireNonNull(parameters, "parameters");
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : parameters.entrySet()) {
      Object v = Objects.requireNonNull(e.getValue(), "parameter " + e.getKey());
      if (!(v instanceof String || v instanceof Boolean || v instanceof Number)) {
        throw new IllegalArgumentException("parameter '" + e.getKey() + "' must be a string, number or boolean, got "
            + v.getClass().getSimpleName());
      }
      if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
        v = ((Number) v).longValue();
      } else if (v instanceof Float f) {
        v = f.doubleValue();
      }
      copy.put(Objects.requireNonNull(e.getKey(), "parameter name"), v);
    }
    return Collections.unmodifiableMap(copy);
  }
}
