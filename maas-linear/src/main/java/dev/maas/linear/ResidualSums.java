package dev.maas.linear;

/**
 * The residual kernel of every refinement pass (in memory, partitioned, streamed): at working
 * coefficients {@code hi + lo}, the residual {@code r = y - a·(hi + lo)} of each raw row and the
 * sums {@code Σ w r²} and {@code Aᵀ W r}, all in about twice double precision.
 *
 * <p>The shifts of the working columns are taken out of the row loop: with {@code c = s_y + b_0 -
 * Σ s_j b_j} (the raw intercept, formed once in double-double), {@code r_i = y_i - c - Σ x_ij b_j},
 * and {@code Σ_i (x_ic - s_c) r_i = Σ_i x_ic r_i - s_c Σ_i r_i} (applied once, in {@link
 * #addTo}), so a row costs one compensated product per value for the residual and one for the
 * gradient, with no subtractions of the shifts. The dot product runs four independent compensated
 * sums, and the gradient's update runs along the row, so that its loop has no dependence between
 * iterations. Sums of different rows {@link #merge} with compensated additions; merged in a fixed
 * order, the result is deterministic.
 *
 * <p>Instances are mutable, serializable (for the parts of a partitioned fit) and used by one
 * thread at a time.
 */
final class ResidualSums implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final int p;
  private final boolean intercept;
  private final int offset;
  private final double[] bh;
  private final double[] bl;
  private final double ch;
  private final double cl;
  private final double[] gh;
  private final double[] gl;
  private double g0h;
  private double g0l;
  private double rssHi;
  private double rssLo;
  private long rows;

  /** Empty sums at the working coefficients {@code hi + lo} of {@code design}. */
  ResidualSums(Design design, double[] hi, double[] lo) {
    this.p = design.features;
    this.intercept = design.intercept;
    this.offset = design.offset;
    int k = design.parameters;
    this.bh = java.util.Arrays.copyOfRange(hi, offset, k);
    this.bl = java.util.Arrays.copyOfRange(lo, offset, k);
    Dot2 constant = new Dot2();
    constant.add(design.shiftY);
    if (intercept) {
      constant.add(hi[0]);
      constant.add(lo[0]);
    }
    for (int j = 0; j < p; j++) {
      constant.addProduct(-design.shift[j], bh[j]);
      constant.addProduct(-design.shift[j], bl[j]);
    }
    this.ch = constant.value();
    this.cl = constant.remainder(ch);
    this.gh = new double[p];
    this.gl = new double[p];
  }

  /** The number of rows added, these sums' and those merged into them. */
  long rows() {
    return rows;
  }

  /** Adds the row of raw features {@code row[0..p)} and target {@code y}, of unit weight. */
  void add(double[] row, double y) {
    addRow(row, y, 1, false);
  }

  /** Adds the row of raw features {@code row[0..p)} and target {@code y}, of weight {@code w}. */
  void add(double[] row, double y, double w) {
    addRow(row, y, w, true);
  }

  private void addRow(double[] row, double y, double wi, boolean weighted) {
    double s0 = y - ch;
    double c0 = Dot2.differenceError(y, ch, s0) - cl;
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
    if (weighted) {
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
    rows++;
  }

  /** Adds everything {@code other} (sums at the same coefficients) holds. */
  void merge(ResidualSums other) {
    double[] pair = new double[2];
    twoSum(rssHi, rssLo, other.rssHi, other.rssLo, pair);
    rssHi = pair[0];
    rssLo = pair[1];
    twoSum(g0h, g0l, other.g0h, other.g0l, pair);
    g0h = pair[0];
    g0l = pair[1];
    for (int c = 0; c < p; c++) {
      twoSum(gh[c], gl[c], other.gh[c], other.gl[c], pair);
      gh[c] = pair[0];
      gl[c] = pair[1];
    }
    rows += other.rows;
  }

  private static void twoSum(double ah, double al, double bh, double bl, double[] out) {
    double s = ah + bh;
    double sb = s - ah;
    out[0] = s;
    out[1] = al + bl + (ah - (s - sb)) + (bh - sb);
  }

  /**
   * Adds the sums to {@code rss} and, per working column c, {@code Σ w a_c r} to {@code
   * gradient[c]}: the shifts applied here, once, in double-double.
   */
  void addTo(Design design, Dot2 rss, Dot2[] gradient) {
    rss.add(rssHi);
    rss.add(rssLo);
    if (intercept) {
      gradient[0].add(g0h);
      gradient[0].add(g0l);
    }
    for (int c = 0; c < p; c++) {
      Dot2 g = gradient[offset + c];
      g.add(gh[c]);
      g.add(gl[c]);
      g.addProduct(-design.shift[c], g0h);
      g.addProduct(-design.shift[c], g0l);
    }
  }
}
