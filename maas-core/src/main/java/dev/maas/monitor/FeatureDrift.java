package dev.maas.monitor;

import dev.maas.InvalidInputException;
import java.util.List;

/**
 * One feature's drift at the moment a {@link DriftReport} was taken: the counts of the current
 * window in the reference bins (plus a last "missing" bin), both distributions as proportions, the
 * distances between them, and the counters since the monitor started.
 *
 * <p>The population stability index (PSI) and the Jensen-Shannon distance (base 2, between 0 and
 * 1) compare the distributions over all bins, the missing bin included, so a surge of missing
 * values or of unseen categories shows in both; the Kolmogorov-Smirnov statistic is the largest gap
 * between the two cumulative distributions of the values present, at the reference bin edges, and
 * is defined for numeric features only. Immutable and safe to share between threads.
 */
public final class FeatureDrift {
  /** Whether a feature belongs to an input or an output tensor. */
  public enum Side {
    /** A model input. */
    INPUT,
    /** A model output (prediction drift). */
    OUTPUT
  }

  private final Side side;
  private final String tensor;
  private final FeatureReference reference;
  private final long[] windowCounts;
  private final double[] referenceProportions;
  private final double[] currentProportions;
  private final long observed;
  private final long missingTotal;
  private final long outOfRangeTotal;
  private final double psi;
  private final double js;
  private final double ks;

  FeatureDrift(Side side, String tensor, FeatureReference reference, long[] windowCounts, long observed,
      long missingTotal, long outOfRangeTotal) {
    this.side = side;
    this.tensor = tensor;
    this.reference = reference;
    this.windowCounts = windowCounts;
    this.observed = observed;
    this.missingTotal = missingTotal;
    this.outOfRangeTotal = outOfRangeTotal;
    this.referenceProportions = reference.proportions();
    long total = 0;
    for (long c : windowCounts) {
      total += c;
    }
    this.currentProportions = new double[windowCounts.length];
    for (int i = 0; i < windowCounts.length; i++) {
      currentProportions[i] = total == 0 ? 0 : (double) windowCounts[i] / total;
    }
    if (total == 0) {
      this.psi = Double.NaN;
      this.js = Double.NaN;
      this.ks = Double.NaN;
    } else {
      this.psi = Divergence.psi(referenceProportions, currentProportions);
      this.js = Divergence.jensenShannon(referenceProportions, currentProportions);
      this.ks = reference.kind() == FeatureKind.NUMERIC
          ? Divergence.kolmogorovSmirnov(reference.binCounts(), windowCounts, reference.binCount()) : Double.NaN;
    }
  }

  /** Whether the feature is an input's or an output's. */
  public Side side() {
    return side;
  }

  /** The tensor's name. */
  public String tensor() {
    return tensor;
  }

  /** The feature's name. */
  public String feature() {
    return reference.name();
  }

  /** The feature's reference. */
  public FeatureReference reference() {
    return reference;
  }

  /** How many values the window holds, missing ones included. */
  public long windowCount() {
    long total = 0;
    for (long c : windowCounts) {
      total += c;
    }
    return total;
  }

  /** Whether the window holds any value, so that the distances are defined. */
  public boolean hasData() {
    return windowCount() > 0;
  }

  /** The window's count per reference bin, then the count of missing values. */
  public long[] windowCounts() {
    return windowCounts.clone();
  }

  /** The labels of the bins of {@link #windowCounts()}, the last one {@code "missing"}. */
  public List<String> binLabels() {
    List<String> labels = new java.util.ArrayList<>(reference.binLabels());
    labels.add("missing");
    return List.copyOf(labels);
  }

  /** The reference proportion of each bin of {@link #windowCounts()}. */
  public double[] referenceProportions() {
    return referenceProportions.clone();
  }

  /** The window's proportion of each bin of {@link #windowCounts()}; all 0 for an empty window. */
  public double[] currentProportions() {
    return currentProportions.clone();
  }

  /** The share of missing values in the window. */
  public double missingRate() {
    return currentProportions[currentProportions.length - 1];
  }

  /**
   * The population stability index of the window against the reference (proportions below {@code
   * 0.0001} count as {@code 0.0001}): below 0.1 is usually read as stable, 0.1 to 0.25 as a moderate
   * shift, above 0.25 as a significant one.
   *
   * @throws InvalidInputException if the window is empty
   */
  public double psi() {
    requireData("PSI");
    return psi;
  }

  /**
   * The Jensen-Shannon distance (square root of the base-2 divergence) of the window from the reference.
   *
   * @throws InvalidInputException if the window is empty
   */
  public double jensenShannon() {
    requireData("the Jensen-Shannon distance");
    return js;
  }

  /**
   * The Kolmogorov-Smirnov statistic of the values present, at the reference bin edges; NaN for a
   * categorical or string feature, or a window of missing values only.
   *
   * @throws InvalidInputException if the window is empty
   */
  public double kolmogorovSmirnov() {
    requireData("the Kolmogorov-Smirnov statistic");
    return ks;
  }

  /** How many values of this feature the monitor has seen since it started. */
  public long observedTotal() {
    return observed;
  }

  /** How many of them were missing (NaN or an empty string). */
  public long missingTotal() {
    return missingTotal;
  }

  /**
   * How many were outside the reference: below its minimum or above its maximum (numeric), or not
   * among its categories (categorical, string).
   */
  public long outOfRangeTotal() {
    return outOfRangeTotal;
  }

  private void requireData(String what) {
    if (!hasData()) {
      throw new InvalidInputException(side.name().toLowerCase(java.util.Locale.ROOT) + " '" + tensor + "', feature '"
          + feature() + "': " + what + " needs data, and the window holds no values yet");
    }
  }

  @Override
  public String toString() {
    return "FeatureDrift[" + side + " " + tensor + "/" + feature() + ", window=" + windowCount() + ", psi=" + psi
        + ", js=" + js + ", ks=" + ks + "]";
  }
}
