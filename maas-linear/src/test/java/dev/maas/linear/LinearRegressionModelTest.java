package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearRegressionModelTest {
  private final LinearRegressionModel model =
      LinearRegressionModel.of(1, new double[] {2, -3}, List.of("a", "b"));

  @Test
  void signature_isFp64RowsInOnePredictionOut() {
    assertThat(model.signature().inputs().get(0).describe()).isEqualTo("FP64 [-1, 2]");
    assertThat(model.signature().outputs().get(0).describe()).isEqualTo("FP64 [-1]");
    assertThat(model.metadata()).containsEntry("features", "a,b");
  }

  @Test
  void predict_fp32Input_isAcceptedAndWidened() {
    Tensor x = Tensor.ofFloats(new float[] {1, 1, 0.5f, 2}, 2, 2);
    double[] out = model.predictor().predict(Map.of("features", x)).get("prediction").toDoubleArray();
    assertThat(out).containsExactly(0, -4);
  }

  @Test
  void predictRow_wrongWidth_throwsInvalidInput() {
    assertThatThrownBy(() -> model.predictor().predictRow(new double[3])).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("3 columns");
  }

  @Test
  void of_mismatchedNames_throwsIllegalArgument() {
    assertThatThrownBy(() -> LinearRegressionModel.of(0, new double[] {1}, List.of("a", "b")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> LinearRegressionModel.of(Double.NaN, new double[] {1}, List.of("a")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void coefficients_returnsCopy() {
    model.coefficients()[0] = 99;
    assertThat(model.coefficient(0)).isEqualTo(2);
    assertThat(model.signature().inputs().get(0).dataType()).isEqualTo(DataType.FP64);
  }

  @Test
  void predictRow_warm_allocatesNothing() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Predictor predictor = model.predictor();
    double[] row = {0.5, 0.25};
    double sink = 0;
    for (int i = 0; i < 100_000; i++) {
      sink += predictor.predictRow(row);
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100_000; i++) {
      sink += predictor.predictRow(row);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    assertThat(sink).isEqualTo(200_000 * 1.25);
    assertThat(allocated).as("bytes allocated by 100,000 warm calls").isLessThan(100_000);
  }
}
