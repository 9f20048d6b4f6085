package dev.maas.http;

import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test model: input {@code x} FP32 [-1, 3]; outputs {@code y} FP32 [-1, 1] = factor × (row sum
 * of x) + offset and {@code echo} FP64 [-1, 3] = x. Counts the instances open, so tests can prove
 * that every model the server opened was closed.
 */
final class AffineModel implements Model {
  static final AtomicInteger OPEN = new AtomicInteger();
  static final ModelSignature SIGNATURE = new ModelSignature(
      List.of(TensorSpec.of("x", DataType.FP32, -1, 3)),
      List.of(TensorSpec.of("y", DataType.FP32, -1, 1), TensorSpec.of("echo", DataType.FP64, -1, 3)), true);

  final float factor;
  final float offset;
  /** Refuses an all-zero row, as a real model may refuse the synthesised warm-up request. */
  final boolean refusesZeros;
  private final AtomicBoolean closed = new AtomicBoolean();

  AffineModel(float factor, float offset) {
    this(factor, offset, false);
  }

  AffineModel(float factor, float offset, boolean refusesZeros) {
    this.factor = factor;
    this.offset = offset;
    this.refusesZeros = refusesZeros;
    OPEN.incrementAndGet();
  }

  @Override
  public ModelSignature signature() {
    return SIGNATURE;
  }

  @Override
  public Map<String, String> metadata() {
    return Map.of();
  }

  @Override
  public Predictor predictor() {
    return new Predictor() {
      @Override
      public ModelSignature signature() {
        return SIGNATURE;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
        if (closed.get()) {
          throw new IllegalStateException("predict on a closed model");
        }
        SIGNATURE.validateInputs(inputs);
        Tensor x = inputs.get("x");
        int rows = (int) x.dim(0);
        float[] y = new float[rows];
        double[] echo = new double[rows * 3];
        for (int r = 0; r < rows; r++) {
          float sum = 0;
          for (int c = 0; c < 3; c++) {
            float v = x.getFloat(r * 3 + c);
            sum += v;
            echo[r * 3 + c] = v;
          }
          if (refusesZeros && x.getFloat(r * 3) == 0 && x.getFloat(r * 3 + 1) == 0 && x.getFloat(r * 3 + 2) == 0) {
            throw new dev.maas.InvalidInputException("input 'x': row " + r + " is all zeros, which this model refuses");
          }
          y[r] = factor * sum + offset;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("y", Tensor.wrap(DataType.FP32, y, rows, 1));
        out.put("echo", Tensor.wrap(DataType.FP64, echo, rows, 3));
        return out;
      }
    };
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      OPEN.decrementAndGet();
    }
  }
}
