package dev.maas.linear;

/**
 * Solves with an upper-triangular factor R stored in an array with any strides: element (i, j) is
 * {@code r[i * rowStride + j * columnStride]}, so a row-major factor (stride q, 1) and the R left
 * in place by a column-major Householder QR (stride 1, m) share the one place the substitutions
 * are written.
 *
 * <p>This class has no state.
 */
final class Triangular {
  private Triangular() {}

  /** Solves {@code R z = b} in place for a row-major R with row stride {@code q}. */
  static void solve(double[] r, int q, int k, double[] b) {
    solve(r, q, 1, k, b);
  }

  /** Solves {@code Rᵀ z = b} in place for a row-major R with row stride {@code q}. */
  static void solveTransposed(double[] r, int q, int k, double[] b) {
    solveTransposed(r, q, 1, k, b);
  }

  /** Solves {@code R z = b} in place (back substitution). */
  static void solve(double[] r, int rowStride, int columnStride, int k, double[] b) {
    for (int i = k - 1; i >= 0; i--) {
      double s = b[i];
      for (int j = i + 1; j < k; j++) {
        s -= r[i * rowStride + j * columnStride] * b[j];
      }
      b[i] = s / r[i * rowStride + i * columnStride];
    }
  }

  /** Solves {@code Rᵀ z = b} in place (forward substitution). */
  static void solveTransposed(double[] r, int rowStride, int columnStride, int k, double[] b) {
    for (int i = 0; i < k; i++) {
      double s = b[i];
      for (int j = 0; j < i; j++) {
        s -= r[j * rowStride + i * columnStride] * b[j];
      }
      b[i] = s / r[i * rowStride + i * columnStride];
    }
  }
}
