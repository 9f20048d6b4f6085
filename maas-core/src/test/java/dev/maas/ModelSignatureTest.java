package dev.maas;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelSignatureTest {
  private final ModelSignature signature = new ModelSignature(
      List.of(TensorSpec.of("x", DataType.FP32, -1, 4), TensorSpec.of("mask", DataType.BOOL, -1)),
      List.of(TensorSpec.of("y", DataType.FP32, -1)));

  private static Tensor x(int rows) {
    return Tensor.ofFloats(new float[rows * 4], rows, 4);
  }

  private static Tensor mask(int rows) {
    return Tensor.ofBooleans(new boolean[rows], rows);
  }

  @Test
  void validateInputs_fitting_passes() {
    assertThatCode(() -> signature.validateInputs(Map.of("x", x(3), "mask", mask(3)))).doesNotThrowAnyException();
  }

  @Test
  void validateInputs_wrongType_namesInputExpectedAndActual() {
    Tensor doubles = Tensor.ofDoubles(new double[6], 2, 3);
    assertThatThrownBy(() -> signature.validateInputs(Map.of("x", doubles, "mask", mask(2))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("input 'x': expected FP32 [-1, 4], got FP64 [2, 3]");
  }

  @Test
  void validateInputs_wrongFixedDimension_throws() {
    Tensor three = Tensor.ofFloats(new float[6], 2, 3);
    assertThatThrownBy(() -> signature.validateInputs(Map.of("x", three, "mask", mask(2))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("FP32 [2, 3]");
  }

  @Test
  void validateInputs_wrongRank_throws() {
    assertThatThrownBy(() -> signature.validateInputs(Map.of("x", Tensor.ofFloats(new float[4], 4), "mask", mask(1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x'");
  }

  @Test
  void validateInputs_missing_namesInput() {
    assertThatThrownBy(() -> signature.validateInputs(Map.of("x", x(1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("missing input 'mask'");
  }

  @Test
  void validateInputs_unexpected_namesInputAndDeclared() {
    assertThatThrownBy(() -> signature.validateInputs(Map.of("x", x(1), "mask", mask(1), "z", mask(1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'z'").hasMessageContaining("[x, mask]");
  }

  @Test
  void validateInputs_batchSizesDisagree_throws() {
    assertThatThrownBy(() -> signature.validateInputs(Map.of("x", x(2), "mask", mask(3))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("batch size 3");
  }

  @Test
  void validateOutputNames_unknown_throws() {
    assertThatThrownBy(() -> signature.validateOutputNames(Set.of("nope")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'nope'");
  }

  @Test
  void constructor_duplicateNames_throws() {
    assertThatThrownBy(() -> new ModelSignature(
        List.of(TensorSpec.of("a", DataType.FP32), TensorSpec.of("a", DataType.FP32)),
        List.of(TensorSpec.of("y", DataType.FP32))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'a'");
  }

  @Test
  void tensorSpec_invalidDimension_throws() {
    assertThatThrownBy(() -> TensorSpec.of("x", DataType.FP32, -2)).isInstanceOf(InvalidInputException.class);
  }
}
