package dev.maas.linear;

/**
 * What one worker of a streamed CSV pass accumulates: the Gram matrix of the rows' working columns
 * (null on a pass that only refines), and their {@link ResidualSums} at the pass's working
 * coefficients (null on a pass that only folds), so that one read of the file both factors and
 * refines.
 *
 * <p>Instances are mutable and used by one thread at a time.
 */
final class StreamedSums implements BlockAccumulator<StreamedSums> {
  final GramAccumulator gram;
  final ResidualSums residuals;

  StreamedSums(GramAccumulator gram, ResidualSums residuals) {
    this.gram = gram;
    this.residuals = residuals;
  }

  @Override
  public void addData(double[][] block, double[] weights, int rows) {
    throw new UnsupportedOperationException("streamed sums take parsed rows");
  }

  @Override
  public void merge(StreamedSums other) {
    if (gram != null) {
      gram.merge(other.gram);
    }
    if (residuals != null) {
      residuals.merge(other.residuals);
    }
  }
}
