package dev.maas;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * A test model computing a Java function of each row: input {@code x} FP64 [-1, p], output {@code
 * y} FP64 [-1]; the feature names are in its metadata. Counts predictor calls and rows.
 */
public final class FunctionModel implements Model {
  final ToDoubleFunction<double[]> function;
  final List<String> names;
  public final AtomicInteger calls = new AtomicInteger();
  public final AtomicInteger rows = new AtomicInteger();
  private final ModelSignature signature;

  public FunctionModel(List<String> names, ToDoubleFunction<double[]> function) {
    this.names = List.copyOf(names);
    this.function = function;
    this.signature = new ModelSignature(List.of(TensorSpec.of("x", DataType.FP64, -1, names.size())),
        List.of(TensorSpec.of("y", DataType.FP64, -1)));
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public Map<String, String> metadata() {
    return Map.of("features", String.join(",", names));
  }

  @Override
  public Predictor predictor() {
    return Predictors.validating(new Predictor() {
      @Override
      public ModelSignature signature() {
        return signature;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
        Tensor x = inputs.get("x");
        int n = (int) x.dim(0);
        int p = names.size();
        double[] flat = x.toDoubleArray();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
          y[i] = function.applyAsDouble(java.util.Arrays.copyOfRange(flat, i * p, (i + 1) * p));
        }
        calls.incrementAndGet();
        rows.addAndGet(n);
        return Map.of("y", Tensor.wrap(DataType.FP64, y, n));
      }
    });
  }

  @Override
  public void close() {}
}
