package dev.maas.http;

import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test model whose predictions wait until {@link #release} opens, counting each call into
 * {@link #entered}: it holds requests in flight for as long as a test needs. Input {@code x} FP32
 * [-1, 1]; output {@code y} = x.
 */
final class BlockingModel implements Model {
  static final ModelSignature SIGNATURE = new ModelSignature(List.of(TensorSpec.of("x", DataType.FP32, -1, 1)),
      List.of(TensorSpec.of("y", DataType.FP32, -1, 1)), true);
  static final String REQUEST = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[7]}]}";

  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch entered;

  BlockingModel(int expectedCalls) {
    this.entered = new CountDownLatch(expectedCalls);
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
        entered.countDown();
        try {
          if (!release.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return Map.of("y", inputs.get("x"));
      }
    };
  }

  @Override
  public void close() {}
}
