/**
 * Linear regression for MaaS: training (Householder QR / TSQR with iterative refinement), fit
 * statistics, evaluation, and the {@code linear} model format.
 */
module dev.maas.linear {
  requires transitive dev.maas.core;
  requires com.fasterxml.jackson.core;
  requires ejml.core;
  requires ejml.ddense;
  requires commons.math3;

  exports dev.maas.linear;

  provides dev.maas.spi.ModelFormat with dev.maas.linear.LinearFormat;
}
