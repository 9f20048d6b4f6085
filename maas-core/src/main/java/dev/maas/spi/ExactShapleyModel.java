package dev.maas.spi;

import dev.maas.Model;

/**
 * A model that computes its own interventional Shapley values exactly and cheaply, so that an
 * {@link dev.maas.explain.Explainer} need not evaluate it on coalitions. The model has one input of shape
 * {@code [-1, p]} and its first output has one value per row (further outputs, such as a linear
 * model's interval bounds, are explained by coalition evaluation if asked for); the values must equal what enumerating
 * every coalition against the same background would give (for a linear model {@code y = x · c + b}
 * that is {@code c[j] × (x[j] − mean of background column j)}).
 *
 * <p>Implementations are thread-safe.
 */
public interface ExactShapleyModel extends Model {
  /**
   * The Shapley value of each feature for each row: {@code out[i][j]} for row {@code i} and
   * feature {@code j}. The caller has checked that every row and background row has {@code p}
   * finite values and that the background has at least one row; neither array is modified.
   *
   * @param rows the rows to explain, {@code n × p}
   * @param background the background rows, {@code m × p}
   */
  double[][] shapleyValues(double[][] rows, double[][] background);
}
