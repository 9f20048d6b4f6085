package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccuracyReportTest {
  private static byte[] scaled(float factor, float shift) {
    return OnnxGraph.builder("scaled").input("x", DataType.FP32, "batch", "3")
        .initializer("f", Tensor.ofFloats(new float[] {factor}, 1))
        .initializer("s", Tensor.ofFloats(new float[] {0, 0, shift}, 3))
        .node("Mul", List.of("x", "f"), List.of("m")).node("Add", List.of("m", "s"), List.of("y"))
        .output("y", DataType.FP32, "batch", "3").build().toByteArray();
  }

  @Test
  void compare_knownDifference_reportsExactErrorsAndTopOneAgreement() {
    // rows [1, 2, 3] and [3, 2, 1]; the candidate doubles and adds 5 to the last column, which
    // moves the top class of the second row only
    Tensor x = Tensor.ofFloats(new float[] {1, 2, 3, 3, 2, 1}, 2, 3);
    try (OnnxModel reference = OnnxModel.fromBytes(scaled(1, 0));
        OnnxModel candidate = OnnxModel.fromBytes(scaled(2, 5))) {
      AccuracyReport r = AccuracyReport.compare(reference, candidate, List.of(Map.of("x", x)));
      // differences: [1, 2, 8, 3, 2, 6]; squared sum 118; reference squared sum 28
      assertThat(r.maxAbsError()).isEqualTo(8.0);
      assertThat(r.relativeL2()).isCloseTo(Math.sqrt(118.0 / 28.0), within(1e-12));
      assertThat(r.top1Agreement()).hasValue(0.5);
      assertThat(r.values()).isEqualTo(6);
      assertThat(r.metrics()).containsEntry(AccuracyReport.MAX_ABS_ERROR, 8.0)
          .containsEntry(AccuracyReport.TOP1_AGREEMENT, 0.5).containsEntry(AccuracyReport.REQUESTS, 1.0);
      assertThat(reference.isClosed()).isFalse();
    }
  }

  @Test
  void compare_sameModel_reportsNoError() {
    try (OnnxModel a = OnnxModel.fromBytes(scaled(1, 0)); OnnxModel b = OnnxModel.fromBytes(scaled(1, 0))) {
      AccuracyReport r = AccuracyReport.compare(a, b, List.of(Map.of("x", Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3))));
      assertThat(r.maxAbsError()).isZero();
      assertThat(r.relativeL2()).isZero();
      assertThat(r.top1Agreement()).hasValue(1.0);
    }
  }

  @Test
  void compare_noRequestsOrNoFloatOutputs_refused() {
    try (OnnxModel a = OnnxModel.fromBytes(scaled(1, 0));
        OnnxModel ints = OnnxModel.fromBytes(TestGraphs.identity(DataType.INT32))) {
      assertThatThrownBy(() -> AccuracyReport.compare(a, a, List.of())).isInstanceOf(InvalidInputException.class)
          .hasMessage("no requests to compare the models on");
      assertThatThrownBy(() -> AccuracyReport.compare(ints, ints, List.of(Map.of("x", Tensor.ofInts(new int[3], 1, 3)))))
          .hasMessage("the model has no floating-point output to compare");
    }
  }
}
