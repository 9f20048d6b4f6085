package dev.maas.monitor;

import dev.maas.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The reference distribution of one feature (a column of a tabular tensor, or all values of any
 * other tensor): how many values the reference data held and how many were missing (NaN, or an
 * empty string), the smallest and largest value, the bins live values are counted in (quantile
 * edges of a {@link FeatureKind#NUMERIC} feature, the values of a {@link FeatureKind#CATEGORICAL}
 * or {@link FeatureKind#STRING} one) with the reference count in each, and the frequent values.
 *
 * <p>The bin counts come from the uniform sample the reference was built from, so they sum to at
 * most {@link ReferenceOptions#sampleSize()}; {@link #count()} and {@link #missing()} count all
 * values. Instances are immutable and safe to share between threads; accessors return copies.
 */
public final class FeatureReference {
  private final String name;
  private final int column;
  private final FeatureKind kind;
  private final long count;
  private final long missing;
  private final double min;
  private final double max;
  private final double[] edges;
  private final double[] categoryValues;
  private final List<String> categoryStrings;
  private final long[] binCounts;
  private final List<FrequentValue> frequentValues;

  FeatureReference(String name, int column, FeatureKind kind, long count, long missing, double min, double max,
      double[] edges, double[] categoryValues, List<String> categoryStrings, long[] binCounts,
      List<FrequentValue> frequentValues) {
    this.name = Objects.requireNonNull(name, "name");
    this.column = column;
    this.kind = Objects.requireNonNull(kind, "kind");
    this.count = count;
    this.missing = missing;
    this.min = min;
    this.max = max;
    this.edges = edges.clone();
    this.categoryValues = categoryValues.clone();
    this.categoryStrings = List.copyOf(categoryStrings);
    this.binCounts = binCounts.clone();
    this.frequentValues = List.copyOf(frequentValues);
    String what = "feature '" + name + "'";
    if (column < 0 || count < 0 || missing < 0 || missing > count) {
      throw new InvalidInputException(what + ": column, count and missing must be 0 <= missing <= count, got column "
          + column + ", count " + count + ", missing " + missing);
    }
    for (int i = 1; i < this.edges.length; i++) {
      if (!(this.edges[i] > this.edges[i - 1])) {
        throw new InvalidInputException(what + ": bin edges must increase, got " + Arrays.toString(this.edges));
      }
    }
    for (double e : this.edges) {
      if (!Double.isFinite(e)) {
        throw new InvalidInputException(what + ": bin edges must be finite, got " + Arrays.toString(this.edges));
      }
    }
    for (int i = 1; i < this.categoryValues.length; i++) {
      if (!(this.categoryValues[i] > this.categoryValues[i - 1])) {
        throw new InvalidInputException(what + ": category values must increase, got "
            + Arrays.toString(this.categoryValues));
      }
    }
    int bins = switch (kind) {
      case NUMERIC -> {
        if (this.categoryValues.length != 0 || !this.categoryStrings.isEmpty()) {
          throw new InvalidInputException(what + ": a numeric feature has no categories");
        }
        yield this.edges.length + 1;
      }
      case CATEGORICAL -> {
        if (this.edges.length != 0 || !this.categoryStrings.isEmpty()) {
          throw new InvalidInputException(what + ": a categorical feature has numeric categories only");
        }
        yield this.categoryValues.length + 1;
      }
      case STRING -> {
        if (this.edges.length != 0 || this.categoryValues.length != 0) {
          throw new InvalidInputException(what + ": a string feature has string categories only");
        }
        if (this.categoryStrings.stream().distinct().count() != this.categoryStrings.size()) {
          throw new InvalidInputException(what + ": string categories must be distinct");
        }
        yield this.categoryStrings.size() + 1;
      }
    };
    if (this.binCounts.length != bins) {
      throw new InvalidInputException(what + ": expected " + bins + " bin counts, got " + this.binCounts.length);
    }
    long sum = 0;
    for (long c : this.binCounts) {
      if (c < 0) {
        throw new InvalidInputException(what + ": bin counts must not be negative");
      }
      sum += c;
    }
    if (sum > count - missing) {
      throw new InvalidInputException(what + ": bin counts sum to " + sum + ", more than the " + (count - missing)
          + " values present");
    }
    if (sum == 0 && count > missing) {
      throw new InvalidInputException(what + ": " + (count - missing) + " values present but no bin counts");
    }
  }

  /** The feature's name: a column name where known, else the column number; {@code "all"} for a tensor of rank 0 or above 2. */
  public String name() {
    return name;
  }

  /** The column of the tensor (dimension 1 of a rank-2 tensor) this feature is; 0 for a flattened tensor. */
  public int column() {
    return column;
  }

  /** How the values are binned. */
  public FeatureKind kind() {
    return kind;
  }

  /** How many values the reference data held, missing ones included. */
  public long count() {
    return count;
  }

  /** How many values were missing: NaN, or an empty string. */
  public long missing() {
    return missing;
  }

  /** The fraction of values missing; 0 with no values. */
  public double missingRate() {
    return count == 0 ? 0 : (double) missing / count;
  }

  /** The smallest value present; NaN for a string feature or one with no values present. */
  public double min() {
    return min;
  }

  /** The largest value present; NaN for a string feature or one with no values present. */
  public double max() {
    return max;
  }

  /** The interior quantile edges of a numeric feature, increasing (empty for the other kinds). */
  public double[] edges() {
    return edges.clone();
  }

  /** The category values of a categorical feature, increasing, one bin each (empty for the other kinds). */
  public double[] categoryValues() {
    return categoryValues.clone();
  }

  /** The strings of a string feature, one bin each (empty for the other kinds). */
  public List<String> categoryStrings() {
    return categoryStrings;
  }

  /** The number of bins live values are counted in (the "other" bin of a categorical feature included). */
  public int binCount() {
    return binCounts.length;
  }

  /** The reference count in each bin; for categorical and string features the last bin is "any other value". */
  public long[] binCounts() {
    return binCounts.clone();
  }

  /** The labels of the bins, for tables and charts: {@code "<= 1.5"}, {@code "> 7"}, {@code "3"}, {@code "other"}. */
  public List<String> binLabels() {
    String[] labels = new String[binCounts.length];
    switch (kind) {
      case NUMERIC -> {
        for (int i = 0; i < edges.length; i++) {
          labels[i] = "<= " + FrequentValue.format(edges[i]);
        }
        labels[edges.length] = edges.length == 0 ? "all" : "> " + FrequentValue.format(edges[edges.length - 1]);
      }
      case CATEGORICAL -> {
        for (int i = 0; i < categoryValues.length; i++) {
          labels[i] = FrequentValue.format(categoryValues[i]);
        }
        labels[categoryValues.length] = "other";
      }
      case STRING -> {
        for (int i = 0; i < categoryStrings.size(); i++) {
          labels[i] = categoryStrings.get(i);
        }
        labels[categoryStrings.size()] = "other";
      }
    }
    return List.of(labels);
  }

  /** The most frequent values, most frequent first (for numeric features only when all values are integers). */
  public List<FrequentValue> frequentValues() {
    return frequentValues;
  }

  /**
   * The reference distribution over the bins followed by one "missing" bin: the present values
   * share {@code 1 - missingRate} in proportion to the bin counts.
   */
  double[] proportions() {
    double[] p = new double[binCounts.length + 1];
    long sum = 0;
    for (long c : binCounts) {
      sum += c;
    }
    double present = count == 0 ? 1 : (double) (count - missing) / count;
    for (int i = 0; i < binCounts.length; i++) {
      p[i] = sum == 0 ? 0 : present * binCounts[i] / sum;
    }
    p[binCounts.length] = count == 0 ? 0 : (double) missing / count;
    return p;
  }

  double[] edgesUnsafe() {
    return edges;
  }

  double[] categoryValuesUnsafe() {
    return categoryValues;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureReference f && f.name.equals(name) && f.column == column && f.kind == kind
        && f.count == count && f.missing == missing && Double.compare(f.min, min) == 0
        && Double.compare(f.max, max) == 0 && Arrays.equals(f.edges, edges)
        && Arrays.equals(f.categoryValues, categoryValues) && f.categoryStrings.equals(categoryStrings)
        && Arrays.equals(f.binCounts, binCounts) && f.frequentValues.equals(frequentValues);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, column, kind, count, missing, Arrays.hashCode(edges), Arrays.hashCode(binCounts));
  }

  @Override
  public String toString() {
    return "FeatureReference[" + name + ", " + kind + ", count=" + count + ", missing=" + missing + ", bins="
        + binCounts.length + "]";
  }
}
