package dev.maas.linear;

/**
 * When a fit refines its solution iteratively with residuals in extended precision (see {@code
 * docs/linear.md}). In memory, a well-conditioned problem is refined with corrected semi-normal
 * equations, usually one parallel pass over the rows; an ill-conditioned one with Björck's
 * refinement of the augmented system, which costs a second, sequential Householder QR that keeps
 * its orthogonal factor (n x p doubles) and a few passes over the data; a CSV file too large to be read into memory is instead read again, up to
 * four times, for corrected semi-normal equations with the streamed R factor. Either brings the
 * coefficients to within a few units of roundoff of the exact least-squares solution whenever the
 * condition number is well below 10¹⁶ (with only four passes, the CSV refinement may stop short of
 * that as the condition number approaches the bound). Iterator fits cannot read their rows again
 * and ignore this setting.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum Refinement {
  /**
   * Refine when the condition number of the scaled design exceeds 100, or when a first-order
   * estimate of any reported coefficient's relative error (the intercept's, recovered by
   * cancellation, included) exceeds 2⁻⁴⁶, about 14 significant digits (the default). A problem
   * refined only because of that estimate is well conditioned, so an in-memory fit refines it with
   * corrected semi-normal equations (one pass over the rows a step) rather than a second QR.
   */
  AUTO,
  /** Always refine, in memory with Björck's method: the most accurate answer, at several times the cost. */
  ALWAYS,
  /**
   * Never refine: one pass of plain Householder QR (TSQR), never the Gram matrix, accurate to about
   * {@code cond * 1e-16}.
   */
  NEVER
}
