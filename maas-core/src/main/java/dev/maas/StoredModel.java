package dev.maas;

/**
 * A model opened from a {@link ModelStore}, together with the record of the version it was opened
 * from: a server reports {@link #version()} as the model version it serves. It behaves as the model
 * the format opened ({@link #model()}), whose lifecycle it shares: closing either closes both.
 *
 * <p>Implementations are thread-safe, as {@link Model}s are.
 */
public interface StoredModel extends Model {
  /** The stored version this model was opened from. */
  ModelVersion version();

  /**
   * The model as its format opened it (an {@code OnnxModel}, a {@code LinearRegressionModel}, ...),
   * for the format-specific methods; the same object on every call.
   */
  Model model();
}
