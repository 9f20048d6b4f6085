package dev.maas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a caller records with a new version besides the model itself: description, metrics,
 * parameters, tags, lineage, and optionally which format writes it. Built with {@link #builder()}.
 *
 * <p>Instances are immutable, compare by value and are safe to share between threads; builders are
 * not thread-safe.
 */
public final class PublishOptions {
  /**
   * The extra file holding a version's {@linkplain Builder#sample(byte[]) stored sample}: an Open
   * Inference Protocol inference request body (JSON) that the model answers.
   */
  public static final String SAMPLE_FILE_NAME = "maas-sample-request.json";

  private static final PublishOptions DEFAULTS = builder().build();

  private final String description;
  private final Map<String, Double> metrics;
  private final Map<String, String> parameters;
  private final Map<String, String> tags;
  private final Lineage lineage;
  private final Optional<String> format;
  private final Map<String, byte[]> extraFiles;

  private PublishOptions(Builder b) {
    this.description = b.description;
    this.metrics = Map.copyOf(b.metrics);
    this.parameters = Map.copyOf(b.parameters);
    this.tags = Map.copyOf(b.tags);
    this.lineage = b.lineage;
    this.format = Optional.ofNullable(b.format);
    this.extraFiles = copyFiles(b.extraFiles);
  }

  /** Options with nothing recorded but what the store fills in itself. */
  public static PublishOptions defaults() {
    return DEFAULTS;
  }

  /** A builder with empty description, metrics, parameters and tags and unknown lineage. */
  public static Builder builder() {
    return new Builder();
  }

  /** The free-text description; empty by default. */
  public String description() {
    return description;
  }

  /** Named numbers measured on the model. */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /** Named settings the model was made with. */
  public Map<String, String> parameters() {
    return parameters;
  }

  /** Free key-value labels. */
  public Map<String, String> tags() {
    return tags;
  }

  /** Where the model came from. */
  public Lineage lineage() {
    return lineage;
  }

  /** The format that must write the model; empty to let the store pick the one that can. */
  public Optional<String> format() {
    return format;
  }

  /**
   * Extra files stored with the version beside the artifact, file name to content (copies), sorted
   * by name; the store checksums them like the artifact's files and {@link ModelStore#readFile}
   * reads them back. Explanations keep a version's background this way (see {@code
   * dev.maas.explain.Background#FILE_NAME}). Empty by default.
   */
  public Map<String, byte[]> extraFiles() {
    return copyFiles(extraFiles);
  }

  /** The stored sample request body (a copy), if one was given; see {@link Builder#sample(byte[])}. */
  public Optional<byte[]> sample() {
    byte[] sample = extraFiles.get(SAMPLE_FILE_NAME);
    return sample == null ? Optional.empty() : Optional.of(sample.clone());
  }

  private static Map<String, byte[]> copyFiles(Map<String, byte[]> files) {
    Map<String, byte[]> copy = new java.util.TreeMap<>();
    files.forEach((name, content) -> copy.put(name, content.clone()));
    return java.util.Collections.unmodifiableMap(copy);
  }

  private static boolean sameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
    return a.keySet().equals(b.keySet())
        && a.entrySet().stream().allMatch(e -> java.util.Arrays.equals(e.getValue(), b.get(e.getKey())));
  }

  private static int filesHash(Map<String, byte[]> files) {
    int h = 0;
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      h += e.getKey().hashCode() ^ java.util.Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublishOptions other && description.equals(other.description)
        && metrics.equals(other.metrics) && parameters.equals(other.parameters) && tags.equals(other.tags)
        && lineage.equals(other.lineage) && format.equals(other.format) && sameFiles(extraFiles, other.extraFiles);
  }

  @Override
  public int hashCode() {
    return Objects.hash(description, metrics, parameters, tags, lineage, format, filesHash(extraFiles));
  }

  @Override
  public String toString() {
    return "PublishOptions[description=" + description + ", metrics=" + new java.util.TreeMap<>(metrics)
        + ", parameters=" + new java.util.TreeMap<>(parameters) + ", tags=" + new java.util.TreeMap<>(tags)
        + ", lineage=" + lineage + ", format=" + format.orElse("any")
        + ", extraFiles=" + extraFiles.keySet() + "]";
  }

  /**
   * Collects publish options; each setter checks its argument at once. Setting the description,
   * lineage, format or an extra file of the same name twice is a mistake and throws; a metric, parameter or tag recorded again
   * replaces the earlier value (merging maps is common).
   */
  public static final class Builder {
    private String description = "";
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private Lineage lineage = Lineage.UNKNOWN;
    private String format;
    private final java.util.Set<String> set = new java.util.HashSet<>();
    private final Map<String, byte[]> extraFiles = new LinkedHashMap<>();

    private Builder() {}

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** Sets the free-text description. */
    public Builder description(String description) {
      once("description");
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Records metric {@code name}; NaN and infinities are refused, since JSON cannot hold them. */
    public Builder metric(String name, double value) {
      requireKey(name, "metric");
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("metric '" + name + "' must be finite, got " + value);
      }
      metrics.put(name, value);
      return this;
    }

    /** Records every entry of {@code values} as a metric. */
    public Builder metrics(Map<String, Double> values) {
      values.forEach(this::metric);
      return this;
    }

    /** Records parameter {@code name}. */
    public Builder parameter(String name, String value) {
      requireKey(name, "parameter");
      parameters.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Records every entry of {@code values} as a parameter. */
    public Builder parameters(Map<String, String> values) {
      values.forEach(this::parameter);
      return this;
    }

    /** Records tag {@code name}. */
    public Builder tag(String name, String value) {
      requireKey(name, "tag");
      tags.put(name, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Records every entry of {@code values} as a tag. */
    public Builder tags(Map<String, String> values) {
      values.forEach(this::tag);
      return this;
    }

    /** Sets the lineage. */
    public Builder lineage(Lineage lineage) {
      once("lineage");
      this.lineage = Objects.requireNonNull(lineage, "lineage");
      return this;
    }

    /** Names the format that must write the model. */
    public Builder format(String format) {
      once("format");
      if (Objects.requireNonNull(format, "format").isEmpty()) {
        throw new IllegalArgumentException("format must not be empty");
      }
      this.format = format;
      return this;
    }

    /**
     * Stores {@code content} (copied) with the version as file {@code fileName}, beside the
     * artifact's files.
     *
     * @throws IllegalArgumentException if {@code fileName} is not a valid artifact file name ({@link
     *     dev.maas.spi.ArtifactWriter#FILE_NAME_RULE}) or was given before
     */
    public Builder extraFile(String fileName, byte[] content) {
      Objects.requireNonNull(fileName, "fileName");
      Objects.requireNonNull(content, "content");
      if (!dev.maas.spi.ArtifactWriter.isValidFileName(fileName)) {
        throw new IllegalArgumentException("invalid extra file name '" + fileName + "': "
            + dev.maas.spi.ArtifactWriter.FILE_NAME_RULE);
      }
      if (extraFiles.containsKey(fileName)) {
        throw new IllegalStateException("extra file '" + fileName + "' is already set");
      }
      extraFiles.put(fileName, content.clone());
      return this;
    }

    /**
     * Stores {@code requestJson} (copied), an Open Inference Protocol inference request body that
     * the model answers, with the version as extra file {@link #SAMPLE_FILE_NAME}. A server warms
     * the version up with it and refuses to serve the version if the model fails on it, since the
     * publisher vouched for the input; without a sample it warms up with a request made up from
     * the signature. The store checks only that the body is not empty: its content is read when
     * the version is loaded.
     *
     * @throws IllegalArgumentException if {@code requestJson} is empty or a sample was given before
     */
    public Builder sample(byte[] requestJson) {
      if (Objects.requireNonNull(requestJson, "requestJson").length == 0) {
        throw new IllegalArgumentException("the sample request body is empty");
      }
      return extraFile(SAMPLE_FILE_NAME, requestJson);
    }

    /** The options collected so far. */
    public PublishOptions build() {
      return new PublishOptions(this);
    }

    private static void requireKey(String key, String what) {
      if (Objects.requireNonNull(key, what + " name").isEmpty()) {
        throw new IllegalArgumentException(what + " name must not be empty");
      }
    }
  }
}
