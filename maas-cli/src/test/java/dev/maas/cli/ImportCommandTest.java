package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.DataType;
import dev.maas.onnx.OnnxGraph;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
  @TempDir Path dir;

  /** Two inputs a, b FP32 [batch, 2]; outputs sum = a + b and product = a * b. */
  static Path writeAddMul(Path file) throws Exception {
    OnnxGraph.builder("add_mul")
        .input("a", DataType.FP32, "batch", "2").input("b", DataType.FP32, "batch", "2")
        .node("Add", List.of("a", "b"), List.of("sum")).node("Mul", List.of("a", "b"), List.of("product"))
        .output("sum", DataType.FP32, "batch", "2").output("product", DataType.FP32, "batch", "2")
        .build().writeTo(file);
    return file;
  }

  @Test
  void import_onnxFile_publishesVersionsAndPrintsSignature() throws Exception {
    Path file = writeAddMul(dir.resolve("addmul.onnx"));
    CliProcess.Result first = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "addmul");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdout()).startsWith("addmul:1").contains("inputs:", "  a FP32 [-1, 2]", "  b FP32 [-1, 2]",
        "outputs:", "  sum FP32 [-1, 2]", "  product FP32 [-1, 2]");
    CliProcess.Result second = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "addmul");
    assertThat(second.exitCode()).as(second.stderr()).isZero();
    assertThat(second.stdout()).startsWith("addmul:2");
    assertThat(dir.resolve("store/addmul/2/model.onnx")).hasSameBinaryContentAs(file);
  }

  @Test
  void show_importedGraphWithoutVersionOrData_printsNoLeadingCommaOrSentinel() throws Exception {
    Path file = writeAddMul(dir.resolve("addmul.onnx"));
    assertThat(CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "addmul").exitCode())
        .isZero();
    CliProcess.Result shown = CliProcess.run(dir, "models", "show", "addmul", "--store", "store");
    assertThat(shown.exitCode()).as(shown.stderr()).isZero();
    assertThat(shown.stdout()).containsPattern("lineage\\s+maas ").doesNotContain("lineage      ,")
        .doesNotContain(Long.toString(Long.MAX_VALUE));
    try (dev.maas.onnx.OnnxModel model = dev.maas.onnx.OnnxModel.open(file)) {
      assertThat(model.metadata()).doesNotContainKey("onnx.modelVersion");
    }
  }

  @Test
  void import_missingFile_namesItInOneLine() {
    CliProcess.Result r = CliProcess.run(dir, "import", "nope.onnx", "--store", "store", "--name", "x");
    ErrorMessagesTest.assertOneLine(r, 1, "nope.onnx", "no such file");
    assertThat(dir.resolve("store")).doesNotExist();
  }

  @Test
  void import_notAnOnnxFile_exitsOneWithReason() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.onnx"), "definitely not a protobuf", StandardCharsets.UTF_8);
    CliProcess.Result result = CliProcess.run(dir, "import", junk.toString(), "--store", "store", "--name", "junk");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).startsWith("maas: ").contains("not an ONNX model");
    assertThat(dir.resolve("store/junk")).doesNotExist();
  }

  @Test
  void import_sample_checkedAndStoredWithTheVersion() throws Exception {
    Path file = writeAddMul(dir.resolve("addmul.onnx"));
    String body = "{\"inputs\":[{\"name\":\"a\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1,2]},"
        + "{\"name\":\"b\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[3,4]}]}";
    Path sample = Files.writeString(dir.resolve("request.json"), body, StandardCharsets.UTF_8);
    CliProcess.Result ok = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "addmul",
        "--sample", sample.toString());
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    try (dev.maas.ModelStore store = dev.maas.ModelStore.open(dir.resolve("store"))) {
      assertThat(store.readFile(store.get("addmul:1"), dev.maas.PublishOptions.SAMPLE_FILE_NAME))
          .isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    }

    Path wrong = Files.writeString(dir.resolve("wrong.json"), body.replace("\"b\"", "\"c\""), StandardCharsets.UTF_8);
    CliProcess.Result refused = CliProcess.run(dir, "import", file.toString(), "--store", "store", "--name", "addmul",
        "--sample", wrong.toString());
    ErrorMessagesTest.assertOneLine(refused, 1, "--sample", "the model does not answer it");
    assertThat(dir.resolve("store/addmul/2")).doesNotExist();
  }
}
