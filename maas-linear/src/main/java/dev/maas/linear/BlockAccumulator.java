package dev.maas.linear;

/**
 * What a fit folds blocks of working rows into, one per worker thread, merged at the end: the
 * Householder factor ({@link QrAccumulator}) or the Gram matrix ({@link GramAccumulator}).
 *
 * @param <A> the accumulator's own type, so that workers' accumulators merge with each other
 */
interface BlockAccumulator<A extends BlockAccumulator<A>> {
  /**
   * Adds {@code rows} rows held column-major in {@code block} ({@code block[c][i]} is working
   * column c of row i), of positive weights {@code weights[i]} (null for unit weights). The block's
   * content is destroyed.
   */
  void addData(double[][] block, double[] weights, int rows);

  /** Adds everything {@code other} accumulated. */
  void merge(A other);
}
