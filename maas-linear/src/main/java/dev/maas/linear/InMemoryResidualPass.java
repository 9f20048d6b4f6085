package dev.maas.linear;

import dev.maas.MaasException;
import java.util.ArrayList;
import java.util.List;

/**
 * In-memory rows as a {@link SemiNormalRefiner.ResidualPass}: the residual {@code r = y - A(hi +
 * lo)} of every row and the sums {@code Σ w r²} and {@code Aᵀ W r}, all in about twice double
 * precision, as {@link SemiNormalRefiner#addRow} forms them, on several threads. Each thread takes
 * one contiguous range of rows and keeps its own sums; the sums are added in range order, so the
 * result is deterministic for a given thread count.
 *
 * <p>Per row, the dot product with the coefficients runs four independent compensated sums, and the
 * gradient's update runs along the row, so that its loop has no dependence between iterations; the
 * shifts of the working columns are applied once per pass, not per value.
 *
 * <p>Instances are used by one thread at a time.
 */
final class InMemoryResidualPass implements SemiNormalRefiner.ResidualPass {
  /** Fewer rows than this per thread are not worth a thread. */
  private static final int ROWS_PER_THREAD = 16_384;

  private final Design design;
  private final double[][] x;
  private final double[] y;
  private final double[] w;
  private final int threads;

  /** @param w the rows' positive weights, or null */
  InMemoryResidualPass(Design design, double[][] x, double[] y, double[] w, int threads) {
    this.design = design;
    this.x = x;
    this.y = y;
    this.w = w;
    this.threads = Math.max(1, Math.min(threads, x.length / ROWS_PER_THREAD));
  }

  @Override
  public long accumulate(double[] hi, double[] lo, Dot2 rss, Dot2[] gradient) {
    int n = x.length;
    Sums[] parts = new Sums[threads];
    List<Thread> started = new ArrayList<>();
    RuntimeException[] failure = new RuntimeException[threads];
    for (int t = 1; t < threads; t++) {
      int part = t;
      Thread thread = new Thread(() -> {
        try {
          parts[part] = sums(hi, lo, (int) ((long) n * part / threads), (int) ((long) n * (part + 1) / threads));
        } catch (RuntimeException e) {
          failure[part] = e;
        }
      }, "maas-linear-refine-" + t);
      thread.setDaemon(true);
      thread.start();
      started.add(thread);
    }
    try {
      parts[0] = sums(hi, lo, 0, (int) ((long) n / threads));
    } finally {
      boolean interrupted = false;
      for (Thread thread : started) {
        while (true) {
          try {
            thread.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    for (RuntimeException e : failure) {
      if (e != null) {
        throw e instanceof MaasException ? e : new IllegalStateException("refinement failed", e);
      }
    }
    for (Sums part : parts) {
      rss.add(part.rssHi);
      rss.add(part.rssLo);
      for (int c = 0; c < gradient.length; c++) {
        gradient[c].add(part.hi[c]);
        gradient[c].add(part.lo[c]);
      }
    }
    return n;
  }

  /** One thread's sums: the gradient as unevaluated sums {@code hi[c] + lo[c]}, and the rss. */
  private static final class Sums {
    final double[] hi;
    final double[] lo;
    double rssHi;
    double rssLo;

    Sums(int k) {
      hi = new double[k];
      lo = new double[k];
    }
  }

  /**
   * The sums over rows {@code [from, to)}. The shifts are taken out of the loop: with {@code c =
   * s_y + b_0 - Σ s_j b_j} (the raw intercept, formed once in double-double), {@code r_i = y_i - c -
   * Σ x_ij b_j}, and {@code Σ_i (x_ic - s_c) r_i = Σ_i x_ic r_i - s_c Σ_i r_i}, both sides exact to
   * about twice double precision, so a row costs one compensated product per value and no
   * subtractions of the shifts.
   */
  private Sums sums(double[] hi, double[] lo, int from, int to) {
    Design d = design;
    int k = d.parameters;
    int p = d.features;
    int off = d.offset;
    double[] shift = d.shift;
    double[] bh = java.util.Arrays.copyOfRange(hi, off, k);
    double[] bl = java.util.Arrays.copyOfRange(lo, off, k);
    Dot2 constant = new Dot2();
    constant.add(d.shiftY);
    if (d.intercept) {
      constant.add(hi[0]);
      constant.add(lo[0]);
    }
    for (int j = 0; j < p; j++) {
      constant.addProduct(-shift[j], bh[j]);
      constant.addProduct(-shift[j], bl[j]);
    }
    double ch = constant.value();
    double cl = constant.remainder(ch);
    double[] gh = new double[p];
    double[] gl = new double[p];
    double g0h = 0;
    double g0l = 0;
    double rssHi = 0;
    double rssLo = 0;
    for (int i = from; i < to; i++) {
      double[] row = x[i];
      double s0 = y[i] - ch;
      double c0 = Dot2.differenceError(y[i], ch, s0) - cl;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      double c1 = 0;
      double c2 = 0;
      double c3 = 0;
      int j = 0;
      for (; j + 3 < p; j += 4) {
        double x0 = row[j];
        double x1 = row[j + 1];
        double x2 = row[j + 2];
        double x3 = row[j + 3];
        double p0 = x0 * bh[j];
        double p1 = x1 * bh[j + 1];
        double p2 = x2 * bh[j + 2];
        double p3 = x3 * bh[j + 3];
        double e0 = Math.fma(x0, bh[j], -p0) + x0 * bl[j];
        double e1 = Math.fma(x1, bh[j + 1], -p1) + x1 * bl[j + 1];
        double e2 = Math.fma(x2, bh[j + 2], -p2) + x2 * bl[j + 2];
        double e3 = Math.fma(x3, bh[j + 3], -p3) + x3 * bl[j + 3];
        double t0 = s0 - p0;
        double t1 = s1 - p1;
        double t2 = s2 - p2;
        double t3 = s3 - p3;
        double q0 = t0 - s0;
        double q1 = t1 - s1;
        double q2 = t2 - s2;
        double q3 = t3 - s3;
        c0 += (s0 - (t0 - q0)) + (-p0 - q0) - e0;
        c1 += (s1 - (t1 - q1)) + (-p1 - q1) - e1;
        c2 += (s2 - (t2 - q2)) + (-p2 - q2) - e2;
        c3 += (s3 - (t3 - q3)) + (-p3 - q3) - e3;
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
      }
      for (; j < p; j++) {
        double x0 = row[j];
        double p0 = x0 * bh[j];
        double e0 = Math.fma(x0, bh[j], -p0) + x0 * bl[j];
        double t0 = s0 - p0;
        double q0 = t0 - s0;
        c0 += (s0 - (t0 - q0)) + (-p0 - q0) - e0;
        s0 = t0;
      }
      double u = s0 + s1;
      double ub = u - s0;
      double uc = (s0 - (u - ub)) + (s1 - ub);
      double v = s2 + s3;
      double vb = v - s2;
      double vc = (s2 - (v - vb)) + (s3 - vb);
      double total = u + v;
      double tb = total - u;
      double compensation = (u - (total - tb)) + (v - tb) + uc + vc + c0 + c1 + c2 + c3;
      double rh = total + compensation;
      double rl = compensation - (rh - total);
      if (w != null) {
        double wi = w[i];
        double wr = wi * rh;
        double sq = wr * rh;
        rssLo += Math.fma(wr, rh, -sq) + 2 * wr * rl;
        double sum = rssHi + sq;
        double sb = sum - rssHi;
        rssLo += (rssHi - (sum - sb)) + (sq - sb);
        rssHi = sum;
        rl = Math.fma(wi, rh, -wr) + wi * rl;
        rh = wr;
      } else {
        double sq = rh * rh;
        rssLo += Math.fma(rh, rh, -sq) + 2 * rh * rl;
        double sum = rssHi + sq;
        double sb = sum - rssHi;
        rssLo += (rssHi - (sum - sb)) + (sq - sb);
        rssHi = sum;
      }
      double r0 = g0h + rh;
      double r0b = r0 - g0h;
      g0l += (g0h - (r0 - r0b)) + (rh - r0b) + rl;
      g0h = r0;
      for (int c = 0; c < p; c++) {
        double a = row[c];
        double prod = a * rh;
        double err = Math.fma(a, rh, -prod) + a * rl;
        double g = gh[c];
        double sum = g + prod;
        double sb = sum - g;
        gl[c] += (g - (sum - sb)) + (prod - sb) + err;
        gh[c] = sum;
      }
    }
    Sums out = new Sums(k);
    if (d.intercept) {
      out.hi[0] = g0h;
      out.lo[0] = g0l;
    }
    Dot2 g = new Dot2();
    for (int c = 0; c < p; c++) {
      g.reset();
      g.add(gh[c]);
      g.add(gl[c]);
      g.addProduct(-shift[c], g0h);
      g.addProduct(-shift[c], g0l);
      double value = g.value();
      out.hi[off + c] = value;
      out.lo[off + c] = g.remainder(value);
    }
    out.rssHi = rssHi;
    out.rssLo = rssLo;
    return out;
  }
}
