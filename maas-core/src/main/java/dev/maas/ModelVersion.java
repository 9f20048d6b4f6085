package dev.maas;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a store records about one immutable version of a named model: everything but the artifact
 * bytes themselves.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param name the model name
 * @param version the version number, 1 for the first
 * @param format the name of the {@link dev.maas.spi.ModelFormat} that wrote the artifact
 * @param signature the model's inputs and outputs
 * @param files artifact file name to lower-case hex SHA-256 of its content
 * @param createdAt when the version was published
 * @param description free text, possibly empty
 * @param metrics named numbers (such as {@code r_squared}) measured on the model
 * @param parameters named settings the model was made with (such as {@code ridge})
 * @param tags free key-value labels
 * @param lineage where the model came from
 */
public record ModelVersion(
    String name,
    int version,
    String format,
    ModelSignature signature,
    Map<String, String> files,
    Instant createdAt,
    String description,
    Map<String, Double> metrics,
    Map<String, String> parameters,
    Map<String, String> tags,
    Lineage lineage) {

  /** Validates and copies the components; maps are kept sorted by key. */
  public ModelVersion {
    ModelReference.requireValidName(name, "model name");
    if (version < 1) {
      throw new InvalidInputException("version must be 1 or more, got " + version);
    }
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(lineage, "lineage");
    files = sortedCopy(files);
    metrics = sortedCopy(metrics);
    parameters = sortedCopy(parameters);
    tags = sortedCopy(tags);
  }

  private static <V> Map<String, V> sortedCopy(Map<String, V> map) {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(map)));
  }

  /** The reference that names exactly this version: {@code name:version}. */
  public ModelReference reference() {
    return ModelReference.ofVersion(name, version);
  }
}
