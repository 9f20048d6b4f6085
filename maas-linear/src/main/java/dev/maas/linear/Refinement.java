package dev.maas.linear;

/**
 * When an in-memory fit refines its QR solution iteratively with residuals in extended precision
 * (Björck's refinement of the augmented system; see {@code docs/linear.md}). Refinement costs a
 * second, sequential Householder QR that keeps its orthogonal factor (n x p doubles) and a few
 * passes over the data; it brings the coefficients to within a few units of roundoff of the exact
 * least-squares solution whenever the condition number is well below 10¹⁶. Streaming fits cannot
 * refine and ignore this setting.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum Refinement {
  /** Refine when the condition number of the scaled design exceeds 100 (the default). */
  AUTO,
  /** Always refine: the most accurate answer, at about three times the cost. */
  ALWAYS,
  /** Never refine: plain Householder QR (TSQR), accurate to about {@code cond * 1e-16}. */
  NEVER
}
