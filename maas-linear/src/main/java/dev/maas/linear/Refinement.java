package dev.maas.linear;

/**
 * When a fit refines its solution iteratively with residuals in extended precision (see {@code
 * docs/linear.md}). In memory, a well-conditioned problem is refined with corrected semi-normal
 * equations, usually one parallel pass over the rows, O(np) against the first pass's O(np²); an
 * ill-conditioned one with Björck's refinement of the augmented system, which costs a second,
 * sequential Householder QR that keeps its orthogonal factor (n x p doubles) and a few passes over
 * the data. A CSV file too large to be read into memory takes the first step of corrected
 * semi-normal equations from residual sums gathered on its first read, and is read again (up to
 * four times, a step each) only when that step's estimated error is still too large or the design
 * is too ill-conditioned for the Gram matrix; a {@link PartitionedFit} makes one pass over its
 * parts per step. Either brings the
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
