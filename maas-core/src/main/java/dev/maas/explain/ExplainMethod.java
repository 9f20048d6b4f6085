package dev.maas.explain;

/**
 * How an {@link Explainer} computes Shapley values.
 *
 * <p>Constants are immutable and safe to share between threads.
 */
public enum ExplainMethod {
  /**
   * The best method available: the model's own exact explainer ({@link #FORMAT}) when it has one,
   * else enumeration of every coalition ({@link #EXACT}) when the feature count is within the exact
   * limit, else {@link #KERNEL}. Only ever requested; an {@link Explanation} names the method used.
   */
  AUTO,
  /** The model computes its values itself ({@link dev.maas.spi.ExactShapleyModel}): exact, no model calls. */
  FORMAT,
  /** Every one of the {@code 2^p} coalitions is evaluated: exact, cost grows as {@code 2^p}. */
  EXACT,
  /**
   * Kernel SHAP: a weighted linear regression over sampled coalitions (paired, seeded), with the
   * efficiency constraint imposed exactly; each value carries an estimate of its sampling error.
   */
  KERNEL
}
