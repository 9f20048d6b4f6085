package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PredictorsTest {
  /** y = sum of the row, FP64 [-1, 3] -> FP64 [-1]; counts backend calls. */
  private static final class RowSum implements Predictor {
    final AtomicInteger calls = new AtomicInteger();
    final ModelSignature signature;

    RowSum(DataType inputType) {
      signature = new ModelSignature(List.of(TensorSpec.of("x", inputType, -1, 3)),
          List.of(TensorSpec.of("y", DataType.FP64, -1)));
    }

    @Override
    public ModelSignature signature() {
      return signature;
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      calls.incrementAndGet();
      Tensor x = inputs.get("x");
      double[] y = new double[(int) x.dim(0)];
      for (int i = 0; i < x.size(); i++) {
        y[i / 3] += x.getDouble(i);
      }
      return Map.of("y", Tensor.wrap(DataType.FP64, y, y.length));
    }
  }

  @Test
  void validating_badInput_neverReachesBackend() {
    RowSum backend = new RowSum(DataType.FP64);
    Predictor p = Predictors.validating(backend);
    assertThatThrownBy(() -> p.predict(Map.of("x", Tensor.ofDoubles(new double[4], 2, 2))))
        .isInstanceOf(InvalidInputException.class);
    assertThat(backend.calls).hasValue(0);
    assertThat(Predictors.validating(p)).isSameAs(p);
  }

  @Test
  void predictRows_fp64AndFp32Models_returnOneValuePerRow() {
    double[][] rows = {{1, 2, 3}, {4, 5, 6.5}};
    assertThat(Predictors.validating(new RowSum(DataType.FP64)).predictRows(rows)).containsExactly(6, 15.5);
    assertThat(Predictors.validating(new RowSum(DataType.FP32)).predictRows(rows)).containsExactly(6, 15.5);
    assertThat(Predictors.validating(new RowSum(DataType.FP64)).predictRow(new double[] {1, 1, 1})).isEqualTo(3);
  }

  @Test
  void predictRows_raggedRows_throwsNamingRow() {
    Predictor p = Predictors.validating(new RowSum(DataType.FP64));
    assertThatThrownBy(() -> p.predictRows(new double[][] {{1, 2, 3}, {1, 2}}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 1");
    assertThatThrownBy(() -> p.predictRows(new double[][] {{1, 2}}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("expected 3 columns");
  }

  @Test
  void predictRows_nonTabularModel_throwsUnsupported() {
    Predictor p = new ScaleModel(1).predictor();
    assertThatThrownBy(() -> p.predictRows(new double[][] {{1, 2}}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("first output");
  }

  @Test
  void predictRows_furtherOutputs_scoresTheFirstAndAsksForItAlone() {
    List<Set<String>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    Predictor withBounds = new Predictor() {
      final ModelSignature signature = new ModelSignature(List.of(TensorSpec.of("x", DataType.FP64, -1, 3)),
          List.of(TensorSpec.of("y", DataType.FP64, -1), TensorSpec.of("bounds", DataType.FP64, -1, 2)));
      final RowSum sum = new RowSum(DataType.FP64);

      @Override
      public ModelSignature signature() {
        return signature;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
        asked.add(outputs);
        return sum.predict(inputs, outputs);
      }
    };
    assertThat(withBounds.predictRows(new double[][] {{1, 2, 3}, {4, 5, 6}})).containsExactly(6, 15);
    assertThat(asked).containsExactly(Set.of("y"));
  }

  @Test
  void predictRowsNamed_firstOutputHoldsKPerRow_returnsThemRowMajor() {
    Predictor p = new ScaleModel(3).predictor();
    double[] y = p.predictRows(new double[][] {{1, 2}, {4, 5}}, "y");
    double[] sum = p.predictRows(new double[][] {{1, 2}, {4, 5}}, "sum");
    assertThat(y).containsExactly(3, 6, 12, 15);
    assertThat(sum).containsExactly(9, 27);
    assertThatThrownBy(() -> p.predictRows(new double[][] {{1, 2}}, "z"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no output 'z'");
  }
}
