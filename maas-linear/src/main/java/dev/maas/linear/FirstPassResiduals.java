package dev.maas.linear;

/**
 * The residual sums a streamed CSV fit accumulates while it reads the file the first time, so that
 * its first step of corrected semi-normal equations needs no second read.
 *
 * <p>The file is read in segments of geometrically growing length (each about three times the rows
 * before it). Every segment's rows add to the Gram matrix and to {@link ResidualSums} at the
 * segment's working point; between segments the point moves to the least-squares solution of the
 * rows so far, and the totals move with it: {@code Aᵀr(b') = Aᵀr(b) - AᵀA (b' - b)} and {@code
 * ‖r(b')‖² = ‖r(b)‖² - 2δᵀAᵀr(b) + δᵀAᵀAδ}, with the Gram matrix of the rows so far. Each move
 * carries that Gram matrix's rounding error times the move, but only over the rows read so far, and
 * the moves shrink as the rows grow, so at the end the sums at the last point are nearly those of a
 * separate pass: {@link #translationError} says how nearly, for the refiner's stopping test. When
 * the refiner asks for sums at any other point, a second read of the file ({@code reread}) answers.
 *
 * <p>Instances are used by one thread at a time.
 */
final class FirstPassResiduals implements SemiNormalRefiner.ResidualPass {
  private final Design design;
  private final SemiNormalRefiner.ResidualPass reread;
  private final int k;
  private final double[] point;
  private final Dot2 rss = new Dot2();
  private final Dot2[] gradient;
  private GramAccumulator gram;
  /** {@code Σ M ‖D_M δ‖²} over the moves: rows read M, column norms so far D_M, move δ. */
  private double weightedMoves;
  private long rows;
  private boolean replayed;

  FirstPassResiduals(Design design, SemiNormalRefiner.ResidualPass reread) {
    this.design = design;
    this.reread = reread;
    this.k = design.parameters;
    this.point = new double[k];
    this.gradient = new Dot2[k];
    for (int c = 0; c < k; c++) {
      gradient[c] = new Dot2();
    }
  }

  /** The working point of the next segment (a copy). */
  double[] point() {
    return point.clone();
  }

  /** The Gram matrix of the rows read so far; null before the first segment. */
  GramAccumulator gram() {
    return gram;
  }

  /** Adds one segment's merged sums, accumulated at {@link #point()}. */
  void add(StreamedSums segment) {
    if (gram == null) {
      gram = segment.gram;
    } else {
      gram.merge(segment.gram);
    }
    segment.residuals.addTo(design, rss, gradient);
    rows += segment.residuals.rows();
  }

  /**
   * Moves the point to the least-squares solution of the rows read so far and the sums with it;
   * leaves both where they are when the Gram matrix of those rows has no Cholesky factor.
   */
  void movePoint() {
    int q = design.columns;
    double[] g = gram.matrix();
    double[] gLow = gram.matrixRemainder(g);
    double[] r = g.clone();
    for (int i = 0; i < k; i++) {
      int oi = i * q;
      double pivot = r[oi + i];
      for (int l = 0; l < i; l++) {
        double v = r[l * q + i];
        pivot -= v * v;
      }
      if (!(pivot > 0) || !Double.isFinite(pivot)) {
        return;
      }
      double rii = Math.sqrt(pivot);
      r[oi + i] = rii;
      for (int j = i + 1; j < k; j++) {
        double s = r[oi + j];
        for (int l = 0; l < i; l++) {
          s -= r[l * q + i] * r[l * q + j];
        }
        r[oi + j] = s / rii;
      }
    }
    double[] step = new double[k];
    for (int c = 0; c < k; c++) {
      step[c] = gradient[c].value();
    }
    double[] before = step.clone();
    Triangular.solveTransposed(r, q, k, step);
    Triangular.solve(r, q, k, step);
    double[] moved = new double[k];
    double[] movedLow = new double[k];
    for (int c = 0; c < k; c++) {
      double next = point[c] + step[c];
      if (!Double.isFinite(next)) {
        return;
      }
      moved[c] = next - point[c];
      movedLow[c] = Dot2.differenceError(next, point[c], moved[c]);
      point[c] = next;
    }
    Dot2 quadratic = new Dot2();
    double squares = 0;
    for (int c = 0; c < k; c++) {
      double gc = g[c * q + c];
      squares += gc * moved[c] * moved[c];
      for (int l = 0; l < k; l++) {
        int at = c <= l ? c * q + l : l * q + c;
        double gcl = g[at];
        gradient[c].addProduct(-gcl, moved[l]);
        gradient[c].addProduct(-gLow[at], moved[l]);
        gradient[c].addProduct(-gcl, movedLow[l]);
        quadratic.addProduct(gcl * moved[c], moved[l]);
      }
      rss.addProduct(-2 * moved[c], before[c]);
    }
    rss.add(quadratic);
    weightedMoves += gram.count() * squares;
  }

  /**
   * The size of the error the moves left in the sums, as {@code ‖D δ‖} of one move over all rows
   * ({@code D} the column norms): the moves' errors over the rows read at each, added in quadrature.
   */
  double translationError() {
    return Math.sqrt(weightedMoves / Math.max(1, gram.count()));
  }

  @Override
  public long accumulate(double[] hi, double[] lo, Dot2 rssSum, Dot2[] gradientSums) {
    boolean atPoint = !replayed && java.util.Arrays.equals(hi, point);
    for (int c = 0; c < k && atPoint; c++) {
      atPoint = lo[c] == 0;
    }
    if (!atPoint) {
      return reread.accumulate(hi, lo, rssSum, gradientSums);
    }
    replayed = true;
    rssSum.add(rss);
    for (int c = 0; c < k; c++) {
      gradientSums[c].add(gradient[c]);
    }
    return rows;
  }
}
