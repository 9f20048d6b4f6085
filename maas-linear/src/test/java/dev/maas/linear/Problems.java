package dev.maas.linear;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Ill-conditioned least-squares problems in the style of the NIST StRD linear-regression suite,
 * generated with fixed seeds (the NIST files themselves are not shipped): high-degree polynomials
 * on narrow ranges (Filip, Wampler), collinear macro-economic-like series with large offsets
 * (Longley), a quadratic with huge x (Pontius), and no-intercept lines (NoInt).
 */
final class Problems {
  private Problems() {}

  /** One problem: rows, targets, whether the model has an intercept. */
  record Problem(String name, double[][] x, double[] y, boolean intercept) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Problem> all() {
    return List.of(norrisLike(), pontiusLike(), noInt1Like(), noInt2Like(), longleyLike(), filipLike(),
        wampler(1, 0), wampler(2, 0), wampler(3, 2000), wampler(4, 2e5), wampler(5, 2e7), calibrationQuadratic(),
        cubicInMillions(), mixedScales());
  }

  /**
   * Ordinary data, seed 42: x ~ N(0, 1), an intercept and coefficients ~ N(0, 1), unit noise; the
   * kind whose small coefficients make {@code Refinement.AUTO} refine.
   */
  static Problem ordinary(int n, int p) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    double[] beta = new double[p + 1];
    for (int j = 0; j <= p; j++) {
      beta[j] = random.nextGaussian();
    }
    double[][] x = new double[n][p];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double v = beta[0];
      for (int j = 0; j < p; j++) {
        x[i][j] = random.nextGaussian();
        v += beta[j + 1] * x[i][j];
      }
      y[i] = v + random.nextGaussian();
    }
    return new Problem("ordinary", x, y, true);
  }

  /**
   * The shape of a calibration curve: 40 rows, regressors x and x² with x from 10⁵ to 3·10⁶, y
   * between 0.1 and 1.2 with six decimals. Well conditioned once centred and scaled (condition
   * about 10), yet the intercept is recovered from terms a thousand times larger.
   */
  static Problem calibrationQuadratic() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 40;
    double[] xs = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = Math.rint(1e5 + 2.9e6 * i / (n - 1) + r.nextDouble(-500, 500));
      double v = 0.05 + 3.8e-7 * xs[i] - 1e-14 * xs[i] * xs[i] + r.nextDouble(-1e-3, 1e-3);
      y[i] = Math.rint(v * 1e6) / 1e6;
    }
    return new Problem("calibration quadratic", powers(xs, 2), y, true);
  }

  /** A cubic in a variable of magnitude 10⁶ (x from 10⁶ to 2·10⁶, so x³ reaches 8·10¹⁸). */
  static Problem cubicInMillions() {
    SplittableRandom r = new SplittableRandom(6);
    int n = 50;
    double[] xs = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = Math.rint(r.nextDouble(1e6, 2e6));
      double t = xs[i] / 1e6;
      y[i] = 12.5 - 3 * t + 0.75 * t * t * t + r.nextDouble(-0.01, 0.01);
    }
    return new Problem("cubic in 1e6", powers(xs, 3), y, true);
  }

  /** Columns of very different scales: one of magnitude 10⁻⁶, one of 10⁶, one of 1. */
  static Problem mixedScales() {
    SplittableRandom r = new SplittableRandom(7);
    int n = 60;
    double[][] x = new double[n][3];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = r.nextDouble(0, 1e-6);
      x[i][1] = r.nextDouble(0, 1e6);
      x[i][2] = r.nextDouble(-1, 1);
      y[i] = 4 + 3e5 * x[i][0] + 2e-6 * x[i][1] - x[i][2] + r.nextDouble(-0.05, 0.05);
    }
    return new Problem("mixed scales", x, y, true);
  }

  /** Powers x, x², ..., x^degree of each x. */
  static double[][] powers(double[] xs, int degree) {
    double[][] out = new double[xs.length][degree];
    for (int i = 0; i < xs.length; i++) {
      double v = 1;
      for (int d = 0; d < degree; d++) {
        v *= xs[i];
        out[i][d] = v;
      }
    }
    return out;
  }

  static Problem norrisLike() {
    SplittableRandom r = new SplittableRandom(1);
    int n = 36;
    double[][] x = new double[n][1];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = Math.rint(r.nextDouble(0, 1000) * 10) / 10;
      y[i] = Math.rint((-0.26 + 1.0021 * x[i][0] + r.nextDouble(-1, 1)) * 10) / 10;
    }
    return new Problem("Norris-like", x, y, true);
  }

  static Problem pontiusLike() {
    SplittableRandom r = new SplittableRandom(2);
    int n = 40;
    double[] xs = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = Math.rint(150000 + 2850000.0 * i / (n - 1));
      y[i] = 0.673565789473684e-3 + 0.732059160401003e-6 * xs[i] - 0.316081871345029e-14 * xs[i] * xs[i]
          + r.nextDouble(-2e-4, 2e-4);
    }
    return new Problem("Pontius-like", powers(xs, 2), y, true);
  }

  static Problem noInt1Like() {
    double[][] x = new double[11][1];
    double[] y = new double[11];
    for (int i = 0; i < 11; i++) {
      x[i][0] = 60 + i;
      y[i] = 130 + i;
    }
    return new Problem("NoInt1-like", x, y, false);
  }

  static Problem noInt2Like() {
    return new Problem("NoInt2-like", new double[][] {{4}, {5}, {6}}, new double[] {3, 4, 4}, false);
  }

  static Problem longleyLike() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 16;
    double[][] x = new double[n][6];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double year = 1947 + i;
      double trend = i + r.nextDouble(-0.3, 0.3);
      x[i][0] = Math.rint((83 + 2.2 * trend + r.nextDouble(-0.5, 0.5)) * 10) / 10;
      x[i][1] = Math.rint(234289 + 18000 * trend + r.nextDouble(-3000, 3000));
      x[i][2] = Math.rint(2356 + 150 * trend + r.nextDouble(-600, 600));
      x[i][3] = Math.rint(1590 + 120 * trend + r.nextDouble(-400, 400));
      x[i][4] = Math.rint(107608 + 1400 * trend + r.nextDouble(-50, 50));
      x[i][5] = year;
      y[i] = Math.rint(60323 + 650 * trend + r.nextDouble(-400, 400));
    }
    return new Problem("Longley-like", x, y, true);
  }

  static Problem filipLike() {
    SplittableRandom r = new SplittableRandom(4);
    int n = 82;
    double[] xs = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = Math.rint(r.nextDouble(-8.781464495, -3.13200249) * 1e9) / 1e9;
      double t = (xs[i] + 6) / 3;
      y[i] = Math.rint((0.8 + 0.05 * Math.sin(3 * t) + 0.02 * t * t * t + r.nextDouble(-0.003, 0.003)) * 1e4) / 1e4;
    }
    return new Problem("Filip-like", powers(xs, 10), y, true);
  }

  /** Wampler1/2 polynomials, with noise of amplitude {@code noise} for Wampler3-5-like cases. */
  static Problem wampler(int variant, double noise) {
    int n = 21;
    double[] xs = new double[n];
    double[] y = new double[n];
    SplittableRandom r = new SplittableRandom(10 + variant);
    double base = variant == 2 ? 0.1 : 1;
    for (int i = 0; i < n; i++) {
      xs[i] = i;
      double v = 0;
      double power = 1;
      double c = 1;
      for (int d = 0; d <= 5; d++) {
        v += c * power;
        power *= i;
        c *= base;
      }
      y[i] = v + (noise == 0 ? 0 : Math.rint(r.nextDouble(-noise, noise)));
    }
    return new Problem("Wampler" + variant + "-like", powers(xs, 5), y, true);
  }
}
