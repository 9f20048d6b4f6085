package dev.maas.linear;

import dev.maas.explain.Background;

/**
 * The interventional Shapley values of an affine model {@code y = x · c + b}: the game is additive,
 * so feature {@code j}'s value is {@code c[j] × (x[j] − mean of background column j)}, whatever
 * the other features are. Background means are summed with compensation (Neumaier), so that they
 * keep their digits over long backgrounds.
 *
 * <p>This class has no state.
 */
final class LinearShapley {
  private LinearShapley() {}

  static double[][] values(double[] coefficients, double[][] rows, double[][] background) {
    int p = coefficients.length;
    double[] mean = new double[p];
    for (int j = 0; j < p; j++) {
      double sum = 0;
      double compensation = 0;
      for (double[] b : background) {
        double v = b[j];
        double t = sum + v;
        compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
        sum = t;
      }
      mean[j] = (sum + compensation) / background.length;
    }
    double[][] out = new double[rows.length][p];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < p; j++) {
        out[i][j] = coefficients[j] * (rows[i][j] - mean[j]);
      }
    }
    return out;
  }
}
