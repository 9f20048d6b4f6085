package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Beta;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

/**
 * Turns an accumulated QR factor into coefficients and a {@link FitReport}: adds the penalty rows,
 * checks the rank, estimates the condition number, solves, refines ill-conditioned problems with
 * {@link RefinedSolver} (in memory) or {@link SemiNormalRefiner} (data read again), maps the
 * working coefficients back to the raw features, and computes the statistics.
 *
 * <p>Instances are immutable.
 */
final class Solution {
  private static final double EPS = 0x1p-52;

  private final double intercept;
  private final double[] coefficients;
  private final FitReport report;
  private final IntervalData intervals;

  private Solution(double intercept, double[] coefficients, FitReport report, IntervalData intervals) {
    this.intercept = intercept;
    this.coefficients = coefficients;
    this.report = report;
    this.intervals = intervals;
  }

  /** What intervals need, or null for a ridge fit or one without residual degrees of freedom. */
  IntervalData intervals() {
    return intervals;
  }

  double intercept() {
    return intercept;
  }

  double[] coefficients() {
    return coefficients;
  }

  FitReport report() {
    return report;
  }

  /**
   * Solves the problem {@code acc} holds; {@code x}, {@code y} and {@code w} (null when
   * unweighted) are the in-memory data for refinement, or null for streamed data; {@code pass}
   * reads streamed data again for refinement,
   * or is null when it cannot be read again; {@code threads} is the number of threads an in-memory
   * refinement pass may use.
   */
  static Solution solve(QrAccumulator acc, Design d, double[][] x, double[] y, double[] w,
      SemiNormalRefiner.ResidualPass pass, Refinement refinement, int threads) {
    long n = acc.count();
    int k = d.parameters;
    int q = d.columns;
    requireRows(n, d);
    double[] penalty = null;
    if (d.ridge > 0 && d.features > 0) {
      penalty = new double[d.features];
      double[][] rows = new double[q][d.features];
      for (int j = 0; j < d.features; j++) {
        double scale = 1;
        if (d.standardize) {
          scale = Math.sqrt(acc.sumOfSquares(d.offset + j) / acc.weightSum());
          if (scale == 0) {
            throw new InvalidInputException("column '" + d.names.get(j) + "' is constant and cannot be standardised");
          }
        }
        penalty[j] = Math.sqrt(d.ridge) * scale;
        rows[d.offset + j][j] = penalty[j];
      }
      acc.fold(rows, d.features);
    }
    double[] r = acc.r();
    double[] norms = new double[k];
    List<String> dependent = new ArrayList<>();
    double tolerance = 16 * EPS * Math.sqrt((double) n);
    for (int c = 0; c < k; c++) {
      double s = 0;
      for (int i = 0; i <= c; i++) {
        s += r[i * q + c] * r[i * q + c];
      }
      norms[c] = Math.sqrt(s);
      if (norms[c] == 0 || Math.abs(r[c * q + c]) <= tolerance * norms[c]) {
        String name = d.parameterName(c);
        boolean zero = norms[c] == 0 || isZeroBelowIntercept(r, q, c, d);
        dependent.add("'" + name + "'" + (zero ? (d.intercept ? " (constant)" : " (all zeros)") : ""));
      }
    }
    if (!dependent.isEmpty()) {
      throw new InvalidInputException("the design matrix is rank deficient: column" + (dependent.size() > 1 ? "s " : " ")
          + String.join(", ", dependent) + (dependent.size() > 1 ? " are" : " is")
          + " a linear combination of the columns before " + (dependent.size() > 1 ? "them" : "it")
          + " (a constant or duplicated column?); remove " + (dependent.size() > 1 ? "them" : "it") + " or set a ridge penalty");
    }
    double condition = penalty == null && acc.cholesky() ? acc.condition() : conditionNumber(r, q, d.offset, k);
    double[] coef = new double[k];
    for (int i = 0; i < k; i++) {
      coef[i] = r[i * q + k];
    }
    Triangular.solve(r, q, k, coef);
    double[] low = new double[k];
    double rss;
    boolean refine = switch (refinement) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> condition > LinearRegressionTrainer.REFINE_ABOVE_CONDITION
          || estimatedRelativeError(r, q, k, coef, norms, d, acc.cholesky()) > LinearRegressionTrainer.REFINE_ABOVE_ERROR
          || acc.cholesky() && gramRssError(r, q, k) > LinearRegressionTrainer.REFINE_RSS_ABOVE_ERROR;
    };
    boolean wellConditioned = condition <= LinearRegressionTrainer.REFINE_ABOVE_CONDITION;
    if (x != null && refine && refinement == Refinement.AUTO && wellConditioned) {
      pass = new InMemoryResidualPass(d, x, y, w, threads);
    }
    if (x != null && refine && pass == null) {
      RefinedSolver refined = new RefinedSolver(x, y, w, d, penalty);
      double[] both = refined.solve();
      rss = refined.rss(both);
      coef = java.util.Arrays.copyOf(both, k);
      System.arraycopy(both, k, low, 0, k);
    } else if (pass != null && refine) {
      double rate = acc.cholesky() ? gramContraction(r, q, k, norms) : Double.NaN;
      double[] start = coef;
      SemiNormalRefiner.StepCheck check = null;
      if (pass instanceof FirstPassResiduals first && acc.cholesky()) {
        start = first.point();
        if (refinement == Refinement.AUTO) {
          double moves = first.translationError();
          check = (hi, lo, step) -> stepError(r, q, k, norms, hi, lo, step, moves, d)
              <= LinearRegressionTrainer.REFINE_ABOVE_ERROR;
        }
      }
      double[] refined = new SemiNormalRefiner(d, r, penalty, n, rate).solve(start, pass, check);
      rss = refined[2 * k];
      coef = java.util.Arrays.copyOf(refined, k);
      System.arraycopy(refined, k, low, 0, k);
    } else {
      double rho = r[k * q + k];
      double pen = 0;
      if (penalty != null) {
        for (int j = 0; j < d.features; j++) {
          double t = penalty[j] * coef[d.offset + j];
          pen += t * t;
        }
      }
      rss = Math.max(0, rho * rho - pen);
    }
    double[] b = new double[d.features];
    Dot2 sum = new Dot2();
    if (d.intercept) {
      sum.add(coef[0]);
      sum.add(low[0]);
      sum.add(d.shiftY);
    }
    for (int j = 0; j < d.features; j++) {
      b[j] = coef[d.offset + j];
      sum.addProduct(-b[j], d.shift[j]);
      sum.addProduct(-low[d.offset + j], d.shift[j]);
    }
    double b0 = sum.value();
    FitReport report = report(acc, d, r, penalty, b0, b, rss, condition);
    IntervalData intervals = penalty == null && report.residualDegreesOfFreedom() > 0
        && Double.isFinite(report.residualStandardError())
        ? IntervalData.of(d, r, q, report.residualStandardError(), report.residualDegreesOfFreedom())
        : null;
    return new Solution(b0, b, report, intervals);
  }

  /**
   * A first-order estimate of the worst relative error of the reported coefficients (the
   * intercept in raw units included) that the unrefined solution {@code z} may carry: the error a
   * backward error of one unit roundoff in every working column, target included, causes in each
   * coefficient, plus the rounding of the coefficient itself. Independent column errors add in
   * quadrature (a probabilistic estimate, not a worst-case bound): for coefficient {@code c},
   * {@code u (‖e_cᵀR⁻¹‖ √(‖y‖² + Σ (‖a_l‖ z_l)²) + ‖r‖ √Σ ((R⁻¹R⁻ᵀ)_cl ‖a_l‖)² + |z_c|)}; for the
   * intercept, recovered from the shifted problem as {@code z_0 + s_y - Σ z_j s_j}, the row {@code
   * e_c} becomes {@code (1, -s)} and the cancelled terms add {@code √(z_0² + s_y² + Σ (z_j s_j)²)}. Every term is invariant
   * under column scaling, so the estimate sees what the condition number of the scaled design cannot:
   * an intercept recovered by cancellation, and a coefficient much smaller than the others.
   */
  static double estimatedRelativeError(double[] r, int q, int k, double[] z, double[] norms, Design d) {
    return estimatedRelativeError(r, q, k, z, norms, d, false);
  }

  /**
   * As {@link #estimatedRelativeError(double[], int, int, double[], double[], Design)}; for a factor
   * from the Gram matrix ({@code gram}), whose errors are those of {@code AᵀA} and {@code Aᵀy}
   * (about {@code γu ‖a_i‖ ‖a_l‖} and {@code γu ‖a_i‖ ‖y‖}, γ = {@link #gramErrorFactor}) rather
   * than columnwise in A, the residual norm {@code ‖r‖} in the second term becomes {@code γ}
   * times the first term's {@code √(‖y‖² + Σ (‖a_l‖ z_l)²)}: {@code (AᵀA)⁻¹} multiplies the
   * Gram's error of row l, of size {@code γu ‖a_l‖} times that, directly.
   */
  static double estimatedRelativeError(double[] r, int q, int k, double[] z, double[] norms, Design d, boolean gram) {
    double u = 0x1p-53;
    double yNorm = 0;
    for (int i = 0; i <= k; i++) {
      yNorm += r[i * q + k] * r[i * q + k];
    }
    double fit = yNorm;
    for (int l = 0; l < k; l++) {
      fit += norms[l] * z[l] * norms[l] * z[l];
    }
    fit = Math.sqrt(fit);
    double rho = gram ? gramErrorFactor(q) * fit : Math.abs(r[k * q + k]);
    double worst = 0;
    double[] v = new double[k];
    for (int c = d.offset; c < k; c++) {
      java.util.Arrays.fill(v, 0);
      v[c] = 1;
      double error = u * (combined(r, q, k, v, norms, fit, rho) + Math.abs(z[c]));
      worst = Math.max(worst, error / Math.abs(z[c]));
    }
    if (d.intercept) {
      v[0] = 1;
      Dot2 b0 = new Dot2();
      b0.add(z[0]);
      b0.add(d.shiftY);
      double cancelled = z[0] * z[0] + d.shiftY * d.shiftY;
      for (int j = 0; j < d.features; j++) {
        v[1 + j] = -d.shift[j];
        b0.addProduct(-z[1 + j], d.shift[j]);
        cancelled += z[1 + j] * d.shift[j] * z[1 + j] * d.shift[j];
      }
      double error = u * (combined(r, q, k, v, norms, fit, rho) + Math.sqrt(cancelled));
      worst = Math.max(worst, error / Math.abs(b0.value()));
    }
    return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
  }

  /**
   * A first-order estimate of the worst relative error of the reported coefficients (the raw
   * intercept included) after a step {@code step} of corrected semi-normal equations with a Gram
   * factor, to coefficients {@code hi + lo}: the step solves with {@code RᵀR = AᵀA + E}, so it
   * leaves {@code (RᵀR)⁻¹E} times the error it corrected, of about the size of the step; E's
   * entries are about {@code γu ‖a_i‖ ‖a_l‖} ({@link #gramErrorFactor}), so for the row {@code e}
   * of a coefficient the error is about {@code γu ‖D R⁻¹R⁻ᵀe‖ √(‖D step‖² + moves²)}, with D the
   * column norms and {@code moves} the same measure of the errors that moving the residual sums
   * left ({@link FirstPassResiduals#translationError}).
   */
  static double stepError(double[] r, int q, int k, double[] norms, double[] hi, double[] lo, double[] step,
      double moves, Design d) {
    double size = moves * moves;
    for (int l = 0; l < k; l++) {
      size += norms[l] * step[l] * norms[l] * step[l];
    }
    double scale = gramErrorFactor(q) * 0x1p-53 * Math.sqrt(size);
    double worst = 0;
    double[] v = new double[k];
    for (int c = d.offset; c < k; c++) {
      java.util.Arrays.fill(v, 0);
      v[c] = 1;
      worst = Math.max(worst, scale * scaledInverseRow(r, q, k, v, norms) / Math.abs(hi[c] + lo[c]));
    }
    if (d.intercept) {
      java.util.Arrays.fill(v, 0);
      v[0] = 1;
      Dot2 b0 = new Dot2();
      b0.add(hi[0]);
      b0.add(lo[0]);
      b0.add(d.shiftY);
      for (int j = 0; j < d.features; j++) {
        v[1 + j] = -d.shift[j];
        b0.addProduct(-hi[1 + j], d.shift[j]);
        b0.addProduct(-lo[1 + j], d.shift[j]);
      }
      worst = Math.max(worst, scale * scaledInverseRow(r, q, k, v, norms) / Math.abs(b0.value()));
    }
    return Double.isNaN(worst) ? Double.POSITIVE_INFINITY : worst;
  }

  /** {@code ‖D R⁻¹R⁻ᵀe‖} for the row {@code e} (overwritten) and column norms D. */
  private static double scaledInverseRow(double[] r, int q, int k, double[] e, double[] norms) {
    Triangular.solveTransposed(r, q, k, e);
    Triangular.solve(r, q, k, e);
    double g = 0;
    for (int l = 0; l < k; l++) {
      g += e[l] * norms[l] * e[l] * norms[l];
    }
    return Math.sqrt(g);
  }

  /**
   * The factor γ by which the rounding errors of a Gram matrix's entries and of its Cholesky factor
   * exceed one unit roundoff relative to {@code ‖a_i‖ ‖a_l‖}: the blocked kernel's sums of a few
   * hundred products and the factorisation's sums of up to q products, added as independent errors.
   */
  static double gramErrorFactor(int q) {
    return GramAccumulator.ERROR_PER_COLUMN * Math.sqrt(q);
  }

  /**
   * The relative error that the Gram matrix's rounding may leave in the residual sum of squares
   * {@code ρ²} that its Cholesky factor holds: the last pivot, {@code ‖y‖² - ‖Qᵀy‖²}, loses what
   * the cancellation of {@code ‖y‖²} amplifies, {@code γu ‖y‖² / ρ²}.
   */
  static double gramRssError(double[] r, int q, int k) {
    double yy = 0;
    for (int i = 0; i <= k; i++) {
      yy += r[i * q + k] * r[i * q + k];
    }
    double rho = r[k * q + k];
    double error = gramErrorFactor(q) * 0x1p-53 * yy / (rho * rho);
    return Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
  }

  /**
   * A bound on how much one step of corrected semi-normal equations with a Cholesky factor of the
   * Gram matrix shrinks the error: {@code ‖(RᵀR)⁻¹E‖ ≤ γu κ²} for the Gram's error E in scaled
   * terms, with the condition number κ of the column-scaled factor bounded by {@code ‖R_s‖_F
   * ‖R_s⁻¹‖_F = √k √(Σ_c ‖a_c‖² ‖R⁻ᵀe_c‖²)}; NaN when the bound does not promise contraction.
   */
  static double gramContraction(double[] r, int q, int k, double[] norms) {
    double frobenius = 0;
    double[] e = new double[k];
    for (int c = 0; c < k; c++) {
      java.util.Arrays.fill(e, 0);
      e[c] = 1;
      Triangular.solveTransposed(r, q, k, e);
      double s = 0;
      for (double v : e) {
        s += v * v;
      }
      frobenius += norms[c] * norms[c] * s;
    }
    double rate = gramErrorFactor(q) * 0x1p-53 * k * frobenius;
    return rate < 0.5 ? rate : Double.NaN;
  }

  /**
   * For the row {@code e} (overwritten): {@code ‖eᵀR⁻¹‖ fit + rho Σ |(eᵀR⁻¹R⁻ᵀ)_l| ‖a_l‖}.
   */
  private static double combined(double[] r, int q, int k, double[] e, double[] norms, double fit, double rho) {
    Triangular.solveTransposed(r, q, k, e);
    double rowNorm = 0;
    for (double value : e) {
      rowNorm += value * value;
    }
    Triangular.solve(r, q, k, e);
    double g = 0;
    for (int l = 0; l < k; l++) {
      g += e[l] * norms[l] * e[l] * norms[l];
    }
    return Math.sqrt(rowNorm) * fit + rho * Math.sqrt(g);
  }

  /** Refuses fewer rows than parameters, before anything of the parameters' size is allocated. */
  static void requireRows(long n, Design d) {
    if (n < d.parameters) {
      throw new InvalidInputException(
          "fitting " + d.parameters + " parameters needs at least " + d.parameters + " rows, got " + n);
    }
  }

  private static boolean isZeroBelowIntercept(double[] r, int q, int c, Design d) {
    if (!d.intercept || c == 0) {
      return false;
    }
    for (int i = 1; i <= c; i++) {
      if (r[i * q + c] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The 2-norm condition number of the design with columns scaled to unit length; with an
   * intercept, of the centred features (the trailing block of R is the QR factor of the features
   * with their means removed exactly).
   */
  static double conditionNumber(double[] r, int q, int from, int k) {
    int size = k - from;
    if (size <= 0) {
      return 1;
    }
    DMatrixRMaj scaled = new DMatrixRMaj(size, size);
    for (int j = 0; j < size; j++) {
      double s = 0;
      for (int i = 0; i <= j; i++) {
        double v = r[(from + i) * q + from + j];
        s += v * v;
      }
      double norm = Math.sqrt(s);
      for (int i = 0; i <= j; i++) {
        scaled.set(i, j, r[(from + i) * q + from + j] / norm);
      }
    }
    double[] sv = SingularOps_DDRM.singularValues(scaled);
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    for (double v : sv) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    return min == 0 ? Double.POSITIVE_INFINITY : max / min;
  }

  private static FitReport report(QrAccumulator acc, Design d, double[] r, double[] penalty, double b0, double[] b,
      double rss, double condition) {
    long n = acc.count();
    int k = d.parameters;
    int q = d.columns;
    boolean ols = penalty == null;
    double effective = ols ? k : k - penaltyShare(r, q, k, d, penalty);
    double rdf = n - effective;
    double sigma2 = rdf > 0 ? rss / rdf : Double.NaN;
    int yColumn = q - 1;
    double yMeanShifted = acc.mean(yColumn);
    double tss = d.intercept
        ? acc.sumOfSquares(yColumn)
        : acc.sumOfSquares(yColumn) + acc.weightSum() * yMeanShifted * yMeanShifted;
    double r2 = 1 - rss / tss;
    int i0 = d.intercept ? 1 : 0;
    long olsRdf = n - k;
    double adj = olsRdf > 0 ? 1 - (1 - r2) * ((double) (n - i0) / olsRdf) : Double.NaN;
    double f = Double.NaN;
    double fp = Double.NaN;
    int dfn = k - i0;
    if (ols && dfn > 0 && olsRdf > 0) {
      f = ((tss - rss) / dfn) / sigma2;
      fp = f >= 0 && Double.isFinite(f) ? Beta.regularizedBeta(olsRdf / (olsRdf + dfn * f), olsRdf / 2.0, dfn / 2.0)
          : (Double.isInfinite(f) ? 0 : Double.NaN);
    }
    TDistribution t = ols && olsRdf > 0 ? new TDistribution(null, olsRdf) : null;
    List<FitReport.Coefficient> coefficients = new ArrayList<>();
    double[] e = new double[k];
    if (d.intercept) {
      e[0] = 1;
      for (int j = 0; j < d.features; j++) {
        e[1 + j] = -d.shift[j];
      }
      coefficients.add(coefficient(FitReport.INTERCEPT, b0, Math.sqrt(sigma2 * variance(r, q, k, d, penalty, e)), t));
    }
    for (int j = 0; j < d.features; j++) {
      java.util.Arrays.fill(e, 0);
      e[d.offset + j] = 1;
      coefficients.add(coefficient(d.names.get(j), b[j], Math.sqrt(sigma2 * variance(r, q, k, d, penalty, e)), t));
    }
    return new FitReport(n, k, d.intercept, d.ridge, d.standardize, coefficients, Math.sqrt(sigma2), r2, adj, f, fp,
        condition, effective);
  }

  /**
   * {@code eᵀ C e / σ²} for the covariance C of the working coefficients ({@code e} is overwritten):
   * {@code ‖R⁻ᵀe‖²} for least squares, where {@code RᵀR = AᵀA}; for ridge, where {@code RᵀR = AᵀA +
   * Λ} with Λ the squared penalty weights, the sandwich {@code eᵀ(RᵀR)⁻¹ AᵀA (RᵀR)⁻¹e = ‖R⁻ᵀe‖² -
   * ‖Λ^½ R⁻¹R⁻ᵀe‖²}.
   */
  static double variance(double[] r, int q, int k, Design d, double[] penalty, double[] e) {
    Triangular.solveTransposed(r, q, k, e);
    double v = 0;
    for (double x : e) {
      v += x * x;
    }
    if (penalty == null) {
      return v;
    }
    Triangular.solve(r, q, k, e);
    for (int j = 0; j < d.features; j++) {
      double x = penalty[j] * e[d.offset + j];
      v -= x * x;
    }
    return Math.max(0, v);
  }

  /** {@code tr((RᵀR)⁻¹ Λ)}: what the penalty takes from the trace of the hat matrix, p - tr(H). */
  private static double penaltyShare(double[] r, int q, int k, Design d, double[] penalty) {
    double share = 0;
    double[] e = new double[k];
    for (int j = 0; j < d.features; j++) {
      java.util.Arrays.fill(e, 0);
      e[d.offset + j] = 1;
      Triangular.solveTransposed(r, q, k, e);
      double g = 0;
      for (double x : e) {
        g += x * x;
      }
      share += penalty[j] * penalty[j] * g;
    }
    return share;
  }

  /** One coefficient; {@code t} is null for ridge, whose estimator is biased: t values but no p-values. */
  private static FitReport.Coefficient coefficient(String name, double estimate, double se, TDistribution t) {
    double stat = estimate / se;
    double p = t == null || Double.isNaN(stat) ? Double.NaN : 2 * t.cumulativeProbability(-Math.abs(stat));
    return new FitReport.Coefficient(name, estimate, se, stat, p);
  }

}
