package dev.maas.linear;

/**
 * The kind of interval a {@link LinearRegressionModel} returns in its {@value
 * LinearRegressionModel#LOWER} and {@value LinearRegressionModel#UPPER} outputs, as R's {@code
 * predict.lm(interval = )} computes them: {@code ŷ ± t(1 - (1 - level) / 2; n - p) · s}, where
 * {@code s} is the standard error of the fitted mean for {@link #CONFIDENCE} and the standard
 * error of a new observation, {@code sqrt(σ² + se_fit²)}, for {@link #PREDICTION}.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum Interval {
  /** The confidence interval of the mean response at the given inputs ({@code interval = "confidence"}). */
  CONFIDENCE,
  /**
   * The prediction interval of one new observation at the given inputs ({@code interval =
   * "prediction"}); for a weighted fit, of a new observation of weight 1, as R assumes by default.
   */
  PREDICTION
}
