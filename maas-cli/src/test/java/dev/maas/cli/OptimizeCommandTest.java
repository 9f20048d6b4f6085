package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizeCommandTest {
  @TempDir Path dir;
  private Path original;

  /** y = Identity(x) * (c1 + c2): a constant sum and an identity node for the optimiser to remove. */
  @BeforeEach
  void importFoldableModel() throws Exception {
    original = dir.resolve("foldable.onnx");
    OnnxGraph.builder("foldable")
        .input("x", DataType.FP32, "batch", "2")
        .initializer("c1", Tensor.ofFloats(new float[] {1.5f, 2f}, 2))
        .initializer("c2", Tensor.ofFloats(new float[] {0.5f, -1f}, 2))
        .node("Add", List.of("c1", "c2"), List.of("c"))
        .node("Identity", List.of("x"), List.of("x1"))
        .node("Mul", List.of("x1", "c"), List.of("y"))
        .output("y", DataType.FP32, "batch", "2")
        .build().writeTo(original);
    CliProcess.Result imported = CliProcess.run(dir, "import", original.toString(), "--store", "store", "--name", "m");
    assertThat(imported.exitCode()).as(imported.stderr()).isZero();
  }

  @Test
  void optimize_onnxVersion_publishesRewrittenGraphThatAnswersTheSame() throws Exception {
    CliProcess.Result optimized = CliProcess.run(dir, "optimize", "m:1", "--store", "store", "--level", "BASIC");
    assertThat(optimized.exitCode()).as(optimized.stderr()).isZero();
    assertThat(optimized.stdout().strip()).isEqualTo("m:2");
    assertThat(Files.mismatch(original, dir.resolve("store/m/2/model.onnx"))).isNotEqualTo(-1L);

    Path request = Files.writeString(dir.resolve("request.json"),
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}");
    CliProcess.Result before = CliProcess.run(dir, "infer", "m:1", "--store", "store", "--request", request.toString());
    CliProcess.Result after = CliProcess.run(dir, "infer", "m:2", "--store", "store", "--request", request.toString());
    assertThat(after.exitCode()).as(after.stderr()).isZero();
    assertThat(after.stdout()).contains("\"data\":[2.0,2.0,6.0,4.0]")
        .isEqualTo(before.stdout().replace("\"model_version\":\"1\"", "\"model_version\":\"2\""));

    CliProcess.Result shown = CliProcess.run(dir, "models", "show", "m:2", "--store", "store");
    assertThat(shown.stdout()).contains("optimization_level=BASIC", "optimized_from=m:1");
  }

  @Test
  void optimize_linearModel_failsNamingFormatAndPublishesNothing() throws Exception {
    Path csv = Files.writeString(dir.resolve("d.csv"), "a,y\n1,2.1\n2,3.9\n3,6.2\n");
    assertThat(CliProcess.run(dir, "train", "--data", csv.toString(), "--target", "y", "--store", "store",
        "--name", "lin").exitCode()).isZero();
    CliProcess.Result r = CliProcess.run(dir, "optimize", "lin", "--store", "store");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("has format 'linear'", "only ONNX");
    assertThat(CliProcess.run(dir, "models", "list", "--store", "store").stdout()).containsPattern("lin\\s+1\\s+1");
  }
}
