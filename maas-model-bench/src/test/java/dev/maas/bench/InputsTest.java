package dev.maas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputsTest {
  @TempDir Path dir;

  private static ModelSignature signature(TensorSpec... inputs) {
    return new ModelSignature(List.of(inputs), List.of(TensorSpec.of("y", DataType.FP32, -1)));
  }

  @Test
  void generate_everyFixedSizeType_fillsTheShapeFromBatchAndDims() {
    ModelSignature sig = signature(TensorSpec.of("f", DataType.FP32, -1, 3), TensorSpec.of("d", DataType.FP64, -1),
        TensorSpec.of("h", DataType.FP16, -1, -1), TensorSpec.of("b", DataType.BOOL, 2),
        TensorSpec.of("i", DataType.INT64, -1, 4), TensorSpec.of("u", DataType.UINT8, -1),
        TensorSpec.of("s", DataType.INT16, -1), TensorSpec.of("n", DataType.INT32, -1));

    Map<String, Tensor> in = Inputs.generate(sig, 5, Map.of("h:1", 7L), 1);

    assertThat(in.keySet()).containsExactly("f", "d", "h", "b", "i", "u", "s", "n");
    assertThat(in.get("f").shape()).containsExactly(5, 3);
    assertThat(in.get("h").shape()).containsExactly(5, 7);
    assertThat(in.get("b").shape()).containsExactly(2);
    assertThat(in.get("i").shape()).containsExactly(5, 4);
    assertThat(in.get("h").dataType()).isEqualTo(DataType.FP16);
    for (float v : in.get("h").toFloatArray()) {
      assertThat(Math.abs(v)).isBetween(0.0f, 4.0f);
    }
    for (long v : in.get("i").toLongArray()) {
      assertThat(v).isBetween(0L, 9L);
    }
    assertThat(Inputs.rows(in)).isEqualTo(5);
  }

  @Test
  void generate_sameSeed_sameInputs_otherSeed_otherInputs() {
    ModelSignature sig = signature(TensorSpec.of("x", DataType.FP32, -1, 4));

    assertThat(Inputs.generate(sig, 3, Map.of(), 7)).isEqualTo(Inputs.generate(sig, 3, Map.of(), 7));
    assertThat(Inputs.generate(sig, 3, Map.of(), 7)).isNotEqualTo(Inputs.generate(sig, 3, Map.of(), 8));
  }

  @Test
  void generate_bytesInput_refusesNamingInputFile() {
    assertThatThrownBy(() -> Inputs.generate(signature(TensorSpec.of("text", DataType.BYTES, -1)), 1, Map.of(), 7))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("input 'text' is BYTES: maas bench cannot make up realistic strings; pass --input-file"
            + " REQUEST.json with an Open Inference Protocol request");
  }

  @Test
  void checkGeneratable_dimForMissingInputOrFixedAxis_refuses() {
    ModelSignature sig = signature(TensorSpec.of("x", DataType.FP32, -1, 4, -1));

    assertThatThrownBy(() -> Inputs.checkGeneratable(sig, Map.of("x:2", 3L, "z:1", 2L)))
        .hasMessage("--dim z:1: the model has no input 'z' (inputs: [x])");
    assertThatThrownBy(() -> Inputs.checkGeneratable(sig, Map.of("x:2", 3L, "x:1", 2L)))
        .hasMessage("--dim x:1: axis 1 of input 'x' is not a dynamic dimension (shape [-1, 4, -1])");
    assertThatThrownBy(() -> Inputs.checkGeneratable(sig, Map.of()))
        .hasMessage("input 'x' has a dynamic dimension at axis 2 (shape [-1, 4, -1]); give its size with --dim x:2=N");
  }

  @Test
  void generate_hugeShape_refusesInsteadOfRunningOutOfMemory() {
    ModelSignature sig = signature(TensorSpec.of("x", DataType.FP32, -1, -1));

    assertThatThrownBy(() -> Inputs.generate(sig, 1 << 20, Map.of("x:1", 1L << 20), 7))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x' would hold more than");
  }

  @Test
  void read_requestFile_givesItsTensorsAndRows() throws Exception {
    Path file = Files.writeString(dir.resolve("r.json"),
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}");

    Map<String, Tensor> in = Inputs.read(file);

    assertThat(in.get("x")).isEqualTo(Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2));
    assertThat(Inputs.rows(in)).isEqualTo(2);
    assertThatThrownBy(() -> Inputs.read(dir.resolve("missing.json"))).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cannot read --input-file");
  }

  @Test
  void dims_formatThenParse_roundTrips() {
    Map<String, Long> dims = new java.util.LinkedHashMap<>(Map.of("a:1", 3L));
    dims.put("b:2", 9L);

    assertThat(ModelBenchmark.parseDims(ModelBenchmark.formatDims(dims))).isEqualTo(dims);
    assertThat(ModelBenchmark.parseDims("")).isEmpty();
  }

  @Test
  void options_batchWithInputFile_refused() {
    BenchOptions.Builder b = BenchOptions.builder(dir, "m").batches(List.of(1)).inputFile(dir.resolve("r.json"));

    assertThatThrownBy(b::build).hasMessageContaining("--batch and --input-file exclude each other");
    assertThatThrownBy(() -> BenchOptions.builder(dir, "m").batches(List.of(1, 1)))
        .hasMessage("batch sizes repeat: [1, 1]");
    assertThatThrownBy(() -> BenchOptions.builder(dir, "m").dim("x", 0, 3)).hasMessageContaining("axis 0 is the batch");
  }
}
