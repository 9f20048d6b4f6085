package dev.maas.spi;

import dev.maas.Model;

/**
 * A model that can describe itself as an affine function of one input row: {@code y = x · c + b}
 * for input {@code x} of shape {@code [-1, p]} and output {@code y} with one value per row. This
 * description lets exporters (ONNX, say) write the model as a graph without knowing its class.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface AffineModel extends Model {
  /** The {@code p} coefficients, one per input column, as a copy. */
  double[] coefficients();

  /** The constant term {@code b}; 0 for a model without intercept. */
  double intercept();
}
