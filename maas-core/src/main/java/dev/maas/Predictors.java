package dev.maas;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decorators that add a cross-cutting behaviour to any {@link Predictor}.
 *
 * <p>This class has no state; the predictors it returns are as thread-safe as the ones they wrap.
 */
public final class Predictors {
  private Predictors() {}

  /**
   * A predictor that checks every request against {@code backend}'s signature ({@link
   * ModelSignature#validateInputs}, {@link ModelSignature#validateOutputNames}) before {@code
   * backend} sees it, and returns only the requested outputs.
   */
  public static Predictor validating(Predictor backend) {
    Objects.requireNonNull(backend, "backend");
    return backend instanceof ValidatingPredictor ? backend : new ValidatingPredictor(backend);
  }

  private static final class ValidatingPredictor implements Predictor {
    private final Predictor backend;
    private final ModelSignature signature;

    ValidatingPredictor(Predictor backend) {
      this.backend = backend;
      this.signature = backend.signature();
    }

    @Override
    public ModelSignature signature() {
      return signature;
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      Objects.requireNonNull(outputs, "outputs");
      signature.validateInputs(inputs);
      signature.validateOutputNames(outputs);
      Map<String, Tensor> result = backend.predict(inputs, outputs);
      if (outputs.isEmpty() || result.keySet().equals(outputs)) {
        return result;
      }
      Map<String, Tensor> selected = new LinkedHashMap<>();
      for (TensorSpec spec : signature.outputs()) {
        if (outputs.contains(spec.name())) {
          selected.put(spec.name(), result.get(spec.name()));
        }
      }
      return selected;
    }

    @Override
    public double[] predictRows(double[][] rows) {
      return backend.predictRows(rows);
    }
  }
}
