package dev.maas.monitor;

/** How a feature's values are binned in its {@link FeatureReference}. */
public enum FeatureKind {
  /** Quantile bins: bin {@code i} holds the values in {@code (edge[i-1], edge[i]]}, the last one everything above. */
  NUMERIC,
  /** One bin per frequent numeric value (integers, booleans), then one bin for any other value. */
  CATEGORICAL,
  /** One bin per frequent string, then one bin for any other string. */
  STRING
}
