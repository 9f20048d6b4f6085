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
 * <p>Per row, the shifted values and their rounding errors are formed once; the dot product with the
 * coefficients runs four independent compensated sums, and the gradient's update runs along the
 * row, so that its loop has no dependence between iterations.
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

  private Sums sums(double[] hi, double[] lo, int from, int to) {
    Design d = design;
    int k = d.parameters;
    int p = d.features;
    int off = d.offset;
    double[] shift = d.shift;
    double[] bh = java.util.Arrays.copyOfRange(hi, off, k);
    double[] bl = java.util.Arrays.copyOfRange(lo, off, k);
    double[] ah = new double[p];
    double[] al = new double[p];
    double[] gh = new double[p];
    double[] gl = new double[p];
    double g0h = 0;
    double g0l = 0;
    double rssHi = 0;
    double rssLo = 0;
    for (int i = from; i < to; i++) {
      double[] row = x[i];
      for (int j = 0; j < p; j++) {
        double v = row[j];
        double s = shift[j];
        double h = v - s;
        double bp = h - v;
        ah[j] = h;
        al[j] = (v - (h - bp)) + (-s - bp);
      }
      double yh = y[i] - d.shiftY;
      double s0 = yh;
      double c0 = Dot2.differenceError(y[i], d.shiftY, yh);
      if (d.intercept) {
        double t = s0 - hi[0];
        double bp = t - s0;
        c0 += (s0 - (t - bp)) + (-hi[0] - bp) - lo[0];
        s0 = t;
      }
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      double c1 = 0;
      double c2 = 0;
      double c3 = 0;
      int j = 0;
      for (; j + 3 < p; j += 4) {
        double p0 = ah[j] * bh[j];
        double p1 = ah[j + 1] * bh[j + 1];
        double p2 = ah[j + 2] * bh[j + 2];
        double p3 = ah[j + 3] * bh[j + 3];
        double e0 = Math.fma(ah[j], bh[j], -p0) + al[j] * bh[j] + ah[j] * bl[j];
        double e1 = Math.fma(ah[j + 1], bh[j + 1], -p1) + al[j + 1] * bh[j + 1] + ah[j + 1] * bl[j + 1];
        double e2 = Math.fma(ah[j + 2], bh[j + 2], -p2) + al[j + 2] * bh[j + 2] + ah[j + 2] * bl[j + 2];
        double e3 = Math.fma(ah[j + 3], bh[j + 3], -p3) + al[j + 3] * bh[j + 3] + ah[j + 3] * bl[j + 3];
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
        double p0 = ah[j] * bh[j];
        double e0 = Math.fma(ah[j], bh[j], -p0) + al[j] * bh[j] + ah[j] * bl[j];
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
        rssLo += Math.fma(wr, rh, -(wr * rh)) + 2 * wr * rl;
        double sq = wr * rh;
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
      if (d.intercept) {
        double sum = g0h + rh;
        double sb = sum - g0h;
        g0l += (g0h - (sum - sb)) + (rh - sb) + rl;
        g0h = sum;
      }
      for (int c = 0; c < p; c++) {
        double a = ah[c];
        double prod = a * rh;
        double err = Math.fma(a, rh, -prod) + a * rl + al[c] * rh;
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
    System.arraycopy(gh, 0, out.hi, off, p);
    System.arraycopy(gl, 0, out.lo, off, p);
    out.rssHi = rssHi;
    out.rssLo = rssLo;
    return out;
  }
}
