package dev.maas;

import java.util.Map;
import java.util.Set;

/**
 * Runs a model: named tensors in, named tensors out. Inputs are checked against {@link
 * #signature()} first; a request that does not fit throws {@link InvalidInputException} and leaves
 * the predictor fully usable. Dimension 0 is the batch wherever the signature declares it dynamic:
 * row {@code i} of every output belongs to row {@code i} of the inputs.
 *
 * <p>Implementations are thread-safe: one predictor serves many threads at once.
 */
public interface Predictor {
  /** The signature requests are checked against. */
  ModelSignature signature();

  /**
   * Computes the requested outputs.
   *
   * @param inputs one tensor per declared input, keyed by input name
   * @param outputs names of the outputs wanted, each declared in the signature; empty for all
   * @return the requested outputs keyed by name, in signature order
   * @throws InvalidInputException if an input is missing, unexpected, of the wrong type or shape,
   *     or an output name is unknown
   * @throws ModelClosedException if the model has been closed
   * @throws PredictionException if the backend failed on the request
   * @throws OverloadedException if a decorator ({@link BatchingPredictor}) refused the request for now
   */
  Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs);

  /** Computes every declared output; see {@link #predict(Map, Set)}. */
  default Map<String, Tensor> predict(Map<String, Tensor> inputs) {
    return predict(inputs, Set.of());
  }

  /**
   * Tabular convenience for a model with one input of shape {@code [-1, p]} (FP64 or FP32) whose
   * first output has one value per row ({@code [-1]} or {@code [-1, 1]}): predicts every row, asking
   * for that output only (further outputs, such as a linear model's interval bounds, are not
   * computed).
   *
   * @throws InvalidInputException if rows are ragged or do not have {@code p} columns
   * @throws InvalidInputException if the signature is not of that shape
   */
  default double[] predictRows(double[][] rows) {
    return Tabular.predictRows(this, rows);
  }

  /**
   * As {@link #predictRows(double[][])}, asking for output {@code output} only and returning its
   * values row-major: one per row, or {@code k} per row for an output of shape {@code [-1, k]}
   * (class probabilities, say).
   *
   * @throws InvalidInputException as {@link #predictRows(double[][])}, or if the model has no output {@code output}
   */
  default double[] predictRows(double[][] rows, String output) {
    return Tabular.predictRows(this, rows, output);
  }

  /** Tabular convenience for one row; see {@link #predictRows(double[][])}. */
  default double predictRow(double[] row) {
    return predictRows(new double[][] {row})[0];
  }
}
