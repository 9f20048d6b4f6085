package dev.maas.explain;

import dev.maas.InvalidInputException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Kernel SHAP: coalitions sampled in complementary pairs with probability proportional to the
 * Shapley kernel's mass, and the constrained least-squares fit of attributions to their values.
 * The efficiency constraint (attributions sum to {@code prediction − base}) is imposed exactly by
 * eliminating the last feature; the standard errors come from the sandwich (delta-method)
 * covariance of the fit with each pair as one independent draw.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class KernelShap {
  private final int p;
  private final int[][] coalitions;
  private final byte[][] z;
  /** (XᵀX)⁻¹ of the design with the last feature eliminated, {@code (p−1) × (p−1)}. */
  private final double[][] inverse;

  private KernelShap(int p, int[][] coalitions, byte[][] z, double[][] inverse) {
    this.p = p;
    this.coalitions = coalitions;
    this.z = z;
    this.inverse = inverse;
  }

  /**
   * Samples {@code pairs} complementary coalition pairs for {@code p ≥ 2} features from {@code
   * seed} and prepares the fit.
   *
   * @throws InvalidInputException if the sampled coalitions cannot separate every feature
   */
  static KernelShap sample(int p, int pairs, long seed, List<String> featureNames) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] cumulative = new double[p - 1];
    double total = 0;
    for (int s = 1; s < p; s++) {
      total += 1.0 / ((double) s * (p - s));
      cumulative[s - 1] = total;
    }
    int[] perm = new int[p];
    for (int j = 0; j < p; j++) {
      perm[j] = j;
    }
    int[][] coalitions = new int[2 * pairs][];
    byte[][] z = new byte[2 * pairs][p];
    for (int k = 0; k < pairs; k++) {
      double u = random.nextDouble() * total;
      int s = 1;
      while (s < p - 1 && cumulative[s - 1] <= u) {
        s++;
      }
      for (int i = 0; i < s; i++) {
        int swap = i + random.nextInt(p - i);
        int t = perm[i];
        perm[i] = perm[swap];
        perm[swap] = t;
      }
      int[] in = new int[s];
      int[] out = new int[p - s];
      System.arraycopy(perm, 0, in, 0, s);
      System.arraycopy(perm, s, out, 0, p - s);
      java.util.Arrays.sort(in);
      java.util.Arrays.sort(out);
      coalitions[2 * k] = in;
      coalitions[2 * k + 1] = out;
      for (int j : in) {
        z[2 * k][j] = 1;
      }
      for (int j : out) {
        z[2 * k + 1][j] = 1;
      }
    }
    int q = p - 1;
    double[][] gram = new double[q][q];
    double[] x = new double[q];
    for (byte[] row : z) {
      design(row, x);
      for (int a = 0; a < q; a++) {
        if (x[a] != 0) {
          for (int b = 0; b < q; b++) {
            gram[a][b] += x[a] * x[b];
          }
        }
      }
    }
    double[][] inverse = invert(gram, pairs, featureNames);
    return new KernelShap(p, coalitions, z, inverse);
  }

  int[][] coalitions() {
    return coalitions;
  }

  /** Row {@code zc} of the design after eliminating the last feature: {@code z_j − z_last}. */
  private static void design(byte[] zc, double[] x) {
    int last = zc.length - 1;
    for (int j = 0; j < last; j++) {
      x[j] = zc[j] - zc[last];
    }
  }

  /**
   * Fits the attributions of one row and output column.
   *
   * @param values {@code v(S_c)} at {@code values[offset + c * stride]}
   * @param out attributions, then standard errors: {@code out[j]} and {@code out[p + j]}
   */
  void fit(double[] values, int offset, int stride, double base, double prediction, double[] out) {
    int q = p - 1;
    int n = z.length;
    double delta = prediction - base;
    double[] xt = new double[q];
    double[] x = new double[q];
    double[] t = new double[n];
    for (int c = 0; c < n; c++) {
      design(z[c], x);
      t[c] = (values[offset + c * stride] - base) - z[c][q] * delta;
      for (int a = 0; a < q; a++) {
        xt[a] += x[a] * t[c];
      }
    }
    double[] theta = multiply(inverse, xt);
    double sum = 0;
    for (int a = 0; a < q; a++) {
      out[a] = theta[a];
      sum += theta[a];
    }
    out[q] = delta - sum;
    double[][] meat = new double[q][q];
    double[] h = new double[q];
    for (int k = 0; k < n; k += 2) {
      java.util.Arrays.fill(h, 0);
      for (int c = k; c < k + 2; c++) {
        design(z[c], x);
        double fitted = 0;
        for (int a = 0; a < q; a++) {
          fitted += x[a] * theta[a];
        }
        double residual = t[c] - fitted;
        for (int a = 0; a < q; a++) {
          h[a] += x[a] * residual;
        }
      }
      for (int a = 0; a < q; a++) {
        if (h[a] != 0) {
          for (int b = 0; b < q; b++) {
            meat[a][b] += h[a] * h[b];
          }
        }
      }
    }
    int pairs = n / 2;
    double scale = pairs > 1 ? (double) pairs / (pairs - 1) : 1;
    double[][] cov = multiply(multiply(inverse, meat), inverse);
    double total = 0;
    for (int a = 0; a < q; a++) {
      out[p + a] = Math.sqrt(Math.max(0, scale * cov[a][a]));
      for (int b = 0; b < q; b++) {
        total += cov[a][b];
      }
    }
    out[p + q] = Math.sqrt(Math.max(0, scale * total));
  }

  private static double[] multiply(double[][] a, double[] v) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      double s = 0;
      for (int j = 0; j < v.length; j++) {
        s += a[i][j] * v[j];
      }
      out[i] = s;
    }
    return out;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        double aik = a[i][k];
        if (aik != 0) {
          for (int j = 0; j < n; j++) {
            out[i][j] += aik * b[k][j];
          }
        }
      }
    }
    return out;
  }

  /** Gauss-Jordan inversion with partial pivoting of the symmetric positive semi-definite {@code m}. */
  private static double[][] invert(double[][] m, int pairs, List<String> names) {
    int n = m.length;
    double[][] a = new double[n][2 * n];
    double scale = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], 0, a[i], 0, n);
      a[i][n + i] = 1;
      scale = Math.max(scale, Math.abs(m[i][i]));
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      if (!(Math.abs(a[pivot][col]) > 1e-10 * scale)) {
        throw new InvalidInputException("Kernel SHAP: " + (2 * pairs) + " sampled coalitions do not separate feature '"
            + names.get(col) + "' from the others; raise the number of samples");
      }
      double[] t = a[pivot];
      a[pivot] = a[col];
      a[col] = t;
      double d = a[col][col];
      for (int j = 0; j < 2 * n; j++) {
        a[col][j] /= d;
      }
      for (int r = 0; r < n; r++) {
        if (r != col && a[r][col] != 0) {
          double f = a[r][col];
          for (int j = 0; j < 2 * n; j++) {
            a[r][j] -= f * a[col][j];
          }
        }
      }
    }
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], n, out[i], 0, n);
    }
    return out;
  }
}
