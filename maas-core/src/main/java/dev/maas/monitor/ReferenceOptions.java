package dev.maas.monitor;

import java.util.Objects;

/**
 * How a {@link ReferenceBuilder} summarises data: the number of quantile bins of a numeric feature,
 * the most distinct values a feature may have to be treated as categorical, the size of the uniform
 * sample quantiles are taken from, the sample's random seed, and the most features recorded per
 * tensor. Built with {@link #builder()}.
 *
 * <p>Instances are immutable, compare by value and are safe to share between threads; builders are
 * not thread-safe.
 */
public final class ReferenceOptions {
  private static final ReferenceOptions DEFAULTS = builder().build();

  private final int bins;
  private final int maxCategories;
  private final int sampleSize;
  private final long seed;
  private final int maxFeaturesPerTensor;

  private ReferenceOptions(Builder b) {
    this.bins = b.bins;
    this.maxCategories = b.maxCategories;
    this.sampleSize = b.sampleSize;
    this.seed = b.seed;
    this.maxFeaturesPerTensor = b.maxFeaturesPerTensor;
  }

  /** The defaults: 10 bins (deciles), 20 categories, a 10,000-value sample, seed 0, 1,024 features per tensor. */
  public static ReferenceOptions defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of quantile bins of a numeric feature (fewer where quantiles coincide). Default 10. */
  public int bins() {
    return bins;
  }

  /**
   * The most distinct values an integer-valued, boolean or string feature may have to get one bin
   * per value; a numeric feature with more gets quantile bins, a string feature with more keeps its
   * most frequent values and an "other" bin. Default 20.
   */
  public int maxCategories() {
    return maxCategories;
  }

  /**
   * The size of the uniform (reservoir) sample per feature that quantile edges and bin counts come
   * from; with no more values than this the statistics are exact. Default 10,000.
   */
  public int sampleSize() {
    return sampleSize;
  }

  /** The seed of the reservoir sample, so that the same data give the same reference. Default 0. */
  public long seed() {
    return seed;
  }

  /** The most features recorded per tensor (the first ones, in column order). Default 1,024. */
  public int maxFeaturesPerTensor() {
    return maxFeaturesPerTensor;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReferenceOptions r && r.bins == bins && r.maxCategories == maxCategories
        && r.sampleSize == sampleSize && r.seed == seed && r.maxFeaturesPerTensor == maxFeaturesPerTensor;
  }

  @Override
  public int hashCode() {
    return Objects.hash(bins, maxCategories, sampleSize, seed, maxFeaturesPerTensor);
  }

  @Override
  public String toString() {
    return "ReferenceOptions[bins=" + bins + ", maxCategories=" + maxCategories + ", sampleSize=" + sampleSize
        + ", seed=" + seed + ", maxFeaturesPerTensor=" + maxFeaturesPerTensor + "]";
  }

  /** A builder of {@link ReferenceOptions}; each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private int bins = 10;
    private int maxCategories = 20;
    private int sampleSize = 10_000;
    private long seed;
    private int maxFeaturesPerTensor = 1024;

    private Builder() {}

    /** Sets the number of quantile bins, 2 to 1,000. */
    public Builder bins(int bins) {
      if (bins < 2 || bins > 1000) {
        throw new IllegalArgumentException("bins must be 2 to 1000, got " + bins);
      }
      this.bins = bins;
      return this;
    }

    /** Sets the most distinct values of a categorical feature, 1 to 1,000. */
    public Builder maxCategories(int maxCategories) {
      if (maxCategories < 1 || maxCategories > 1000) {
        throw new IllegalArgumentException("maxCategories must be 1 to 1000, got " + maxCategories);
      }
      this.maxCategories = maxCategories;
      return this;
    }

    /** Sets the reservoir sample size per feature, 100 to 10,000,000. */
    public Builder sampleSize(int sampleSize) {
      if (sampleSize < 100 || sampleSize > 10_000_000) {
        throw new IllegalArgumentException("sampleSize must be 100 to 10000000, got " + sampleSize);
      }
      this.sampleSize = sampleSize;
      return this;
    }

    /** Sets the seed of the reservoir sample. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Sets the most features recorded per tensor, 1 to 100,000. */
    public Builder maxFeaturesPerTensor(int maxFeaturesPerTensor) {
      if (maxFeaturesPerTensor < 1 || maxFeaturesPerTensor > 100_000) {
        throw new IllegalArgumentException("maxFeaturesPerTensor must be 1 to 100000, got " + maxFeaturesPerTensor);
      }
      this.maxFeaturesPerTensor = maxFeaturesPerTensor;
      return this;
    }

    /** The options. */
    public ReferenceOptions build() {
      return new ReferenceOptions(this);
    }
  }
}
