package dev.maas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a caller records with a new version besides the model itself: description, metrics,
 * parameters, tags, lineage, and optionally which format writes it. Built with {@link #builder()}.
 *
 * <p>Instances are immutable and safe to share between threads; builders are not.
 */
public final class PublishOptions {
  private static final PublishOptions DEFAULTS = builder().build();

  private final String description;
  private final Map<String, Double> metrics;
  private final Map<String, String> parameters;
  private final Map<String, String> tags;
  private final Lineage lineage;
  private final Optional<String> format;

  private PublishOptions(Builder b) {
    this.description = b.description;
    this.metrics = Map.copyOf(b.metrics);
    this.parameters = Map.copyOf(b.parameters);
    this.tags = Map.copyOf(b.tags);
    this.lineage = b.lineage;
    this.format = Optional.ofNullable(b.format);
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

  /** Collects publish options; each setter checks its argument at once. */
  public static final class Builder {
    private String description = "";
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private Lineage lineage = Lineage.UNKNOWN;
    private String format;

    private Builder() {}

    /** Sets the free-text description. */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Records metric {@code name}; NaN and infinities are refused, since JSON cannot hold them. */
    public Builder metric(String name, double value) {
      requireKey(name, "metric");
      if (!Double.isFinite(value)) {
        throw new InvalidInputException("metric '" + name + "' must be finite, got " + value);
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
      this.lineage = Objects.requireNonNull(lineage, "lineage");
      return this;
    }

    /** Names the format that must write the model. */
    public Builder format(String format) {
      if (Objects.requireNonNull(format, "format").isEmpty()) {
        throw new InvalidInputException("format must not be empty");
      }
      this.format = format;
      return this;
    }

    /** The options collected so far. */
    public PublishOptions build() {
      return new PublishOptions(this);
    }

    private static void requireKey(String key, String what) {
      if (Objects.requireNonNull(key, what + " name").isEmpty()) {
        throw new InvalidInputException(what + " name must not be empty");
      }
    }
  }
}
