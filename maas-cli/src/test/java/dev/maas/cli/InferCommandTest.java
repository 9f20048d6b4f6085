package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.http.InferenceJson;
import dev.maas.http.InferenceResponse;
import dev.maas.http.InferenceTensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferCommandTest {
  @TempDir Path dir;

  @BeforeEach
  void importModel() throws Exception {
    Path file = ImportCommandTest.writeAddMul(dir.resolve("addmul.onnx"));
    CliProcess.Result imported = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "addmul");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
  }

  private CliProcess.Result infer(String reference, String requestJson) throws Exception {
    Files.writeString(dir.resolve("request.json"), requestJson, StandardCharsets.UTF_8);
    return CliProcess.run(dir, "infer", reference, "--store", "store", "--request", "request.json");
  }

  @Test
  void infer_nestedDataWithIdAndOutputSubset_printsResponse() throws Exception {
    CliProcess.Result result = infer("addmul", """
        {"id": "req-7", "parameters": {"trace": true},
         "inputs": [
           {"name": "a", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], [3, 4]]},
           {"name": "b", "shape": [2, 2], "datatype": "FP32", "data": [5, 6, 7, 8]}],
         "outputs": [{"name": "product"}]}
        """);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    InferenceResponse response = InferenceJson.readResponse(result.stdout().strip().getBytes(StandardCharsets.UTF_8));
    assertThat(response.modelName()).isEqualTo("addmul");
    assertThat(response.modelVersion()).contains("1");
    assertThat(response.id()).contains("req-7");
    assertThat(response.outputs()).extracting(InferenceTensor::name).containsExactly("product");
    InferenceTensor product = response.outputs().get(0);
    assertThat(product.tensor().shape()).containsExactly(2, 2);
    assertThat(product.tensor().toFloatArray()).containsExactly(5, 12, 21, 32);
  }

  @Test
  void infer_noOutputsRequested_printsAllOutputs() throws Exception {
    CliProcess.Result result = infer("addmul:1", """
        {"inputs": [
           {"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]},
           {"name": "b", "shape": [1, 2], "datatype": "FP32", "data": [3, 4]}]}
        """);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().strip()).isEqualTo("{\"model_name\":\"addmul\",\"model_version\":\"1\",\"outputs\":["
        + "{\"name\":\"sum\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[4.0,6.0]},"
        + "{\"name\":\"product\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[3.0,8.0]}]}");
  }

  @Test
  void infer_requestNotFittingSignature_exitsOneNamingInput() throws Exception {
    CliProcess.Result wrongShape = infer("addmul", """
        {"inputs": [
           {"name": "a", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]},
           {"name": "b", "shape": [1, 2], "datatype": "FP32", "data": [3, 4]}]}
        """);
    assertThat(wrongShape.exitCode()).isEqualTo(1);
    assertThat(wrongShape.stdout()).isEmpty();
    assertThat(wrongShape.stderr()).startsWith("maas: ").contains("input 'a'").contains("FP32 [-1, 2]");

    CliProcess.Result wrongType = infer("addmul", """
        {"inputs": [
           {"name": "a", "shape": [1, 2], "datatype": "FP64", "data": [1, 2]},
           {"name": "b", "shape": [1, 2], "datatype": "FP32", "data": [3, 4]}]}
        """);
    assertThat(wrongType.exitCode()).isEqualTo(1);
    assertThat(wrongType.stderr()).contains("input 'a'").contains("FP64");

    CliProcess.Result missing = infer("addmul", """
        {"inputs": [{"name": "a", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}
        """);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("input 'b'");

    CliProcess.Result badCount = infer("addmul", """
        {"inputs": [
           {"name": "a", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3]},
           {"name": "b", "shape": [2, 2], "datatype": "FP32", "data": [3, 4, 5, 6]}]}
        """);
    assertThat(badCount.exitCode()).isEqualTo(1);
    assertThat(badCount.stderr()).contains("input 'a'").contains("needs 4 elements");
  }

  @Test
  void infer_unknownModelOrMalformedJson_exitsOne() throws Exception {
    CliProcess.Result unknown = infer("nosuch", "{\"inputs\": []}");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("nosuch");
    CliProcess.Result malformed = infer("addmul", "{\"inputs\": [");
    assertThat(malformed.exitCode()).isEqualTo(1);
    assertThat(malformed.stderr()).contains("malformed JSON");
  }
}
