package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.ModelLoadException;
import dev.maas.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxOptionsTest {
  @TempDir Path dir;

  private static void assertRuns(OnnxOptions options) {
    TestGraphs.Mlp mlp = new TestGraphs.Mlp(11);
    float[] x = TestGraphs.randomFloats(2 * TestGraphs.MLP_IN, 12);
    try (OnnxModel model = OnnxModel.fromBytes(mlp.graph(), options)) {
      assertThat(model.options()).isSameAs(options);
      double[] expected = mlp.predict(x, 2);
      Tensor y = model.predictor().predict(Map.of("x", Tensor.ofFloats(x, 2, TestGraphs.MLP_IN))).get("y");
      for (int i = 0; i < 2; i++) {
        // FP32 in ONNX Runtime against FP64 in Java
        assertThat(y.getDouble(i)).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4));
      }
    }
  }

  @Test
  void build_everyOption_modelRunsWithIt() {
    assertRuns(OnnxOptions.builder().intraOpThreads(1).interOpThreads(1).build());
    assertRuns(OnnxOptions.builder().optimizationLevel(OnnxOptions.OptimizationLevel.DISABLED).build());
    assertRuns(OnnxOptions.builder().optimizationLevel(OnnxOptions.OptimizationLevel.BASIC).build());
    assertRuns(OnnxOptions.builder().optimizationLevel(OnnxOptions.OptimizationLevel.EXTENDED).build());
    assertRuns(OnnxOptions.builder().executionMode(OnnxOptions.ExecutionMode.PARALLEL).interOpThreads(2).build());
    assertRuns(OnnxOptions.builder().cpuMemoryArena(false).build());
    assertRuns(OnnxOptions.builder().threadPools(OnnxOptions.ThreadPools.SHARED).build());
  }

  @Test
  void build_optimizedModelPath_writesOptimizedGraphThatOpens() throws Exception {
    Path optimized = dir.resolve("optimized.onnx");
    assertRuns(OnnxOptions.builder().optimizationLevel(OnnxOptions.OptimizationLevel.BASIC)
        .optimizedModelPath(optimized).build());
    assertThat(Files.size(optimized)).isPositive();
    try (OnnxModel model = OnnxModel.open(optimized)) {
      assertThat(model.signature().inputs().get(0).name()).isEqualTo("x");
    }
  }

  @Test
  void sharedThreadPools_manyModels_allAnswer() {
    OnnxOptions shared = OnnxOptions.builder().threadPools(OnnxOptions.ThreadPools.SHARED).build();
    java.util.List<OnnxModel> models = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        models.add(OnnxModel.fromBytes(TestGraphs.identity(DataType.FP32), shared));
      }
      Tensor x = Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3);
      for (OnnxModel m : models) {
        assertThat(m.predictor().predict(Map.of("x", x)).get("y")).isEqualTo(x);
      }
    } finally {
      models.forEach(OnnxModel::close);
    }
  }

  @Test
  void open_cudaProviderOnCpuOnlyBuild_throwsModelLoadNamingCuda() {
    OnnxOptions cuda = OnnxOptions.builder().executionProvider(OnnxOptions.ExecutionProvider.CUDA).build();
    assertThatThrownBy(() -> OnnxModel.fromBytes(TestGraphs.identity(DataType.FP32), cuda))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("CUDA").hasMessageContaining("not available");
  }

  @Test
  void builder_invalidValues_failAtOnce() {
    assertThatThrownBy(() -> OnnxOptions.builder().intraOpThreads(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OnnxOptions.builder().interOpThreads(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OnnxOptions.builder().deviceId(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OnnxOptions.builder().optimizationLevel(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void builder_optionSetTwice_refusedAndOptionsCompareByValue() {
    assertThatThrownBy(() -> OnnxOptions.builder().intraOpThreads(1).intraOpThreads(2))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("intraOpThreads");
    OnnxOptions a = OnnxOptions.builder().intraOpThreads(1).optimizationLevel(OnnxOptions.OptimizationLevel.BASIC).build();
    OnnxOptions b = OnnxOptions.builder().optimizationLevel(OnnxOptions.OptimizationLevel.BASIC).intraOpThreads(1).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(OnnxOptions.defaults());
  }

  @Test
  void build_contradictoryCombinations_throwIllegalState() {
    assertThatThrownBy(() -> OnnxOptions.builder().threadPools(OnnxOptions.ThreadPools.SHARED).intraOpThreads(2).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("shared");
    assertThatThrownBy(() -> OnnxOptions.builder().deviceId(1).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("deviceId");
  }

  @Test
  void defaults_areCpuPerSessionAllOptimisations() {
    OnnxOptions d = OnnxOptions.defaults();
    assertThat(d.executionProvider()).isEqualTo(OnnxOptions.ExecutionProvider.CPU);
    assertThat(d.threadPools()).isEqualTo(OnnxOptions.ThreadPools.PER_SESSION);
    assertThat(d.optimizationLevel()).isEqualTo(OnnxOptions.OptimizationLevel.ALL);
    assertThat(d.cpuMemoryArena()).isTrue();
    assertThat(d.optimizedModelPath()).isEmpty();
    assertThat(d.toString()).contains("CPU");
  }

  @Test
  void quantizerAndGraphBuilders_badSettings_areIllegalArgumentNotRequestErrors() {
    assertThatThrownBy(() -> OnnxQuantizer.builder().percentile(40)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("percentile must be above 50 and at most 100, got 40.0");
    assertThatThrownBy(() -> OnnxQuantizer.builder().minimumWeightElements(0))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimumWeightElements");
    assertThatThrownBy(() -> OnnxGraph.builder("g").node("Relu", java.util.List.of("x"), java.util.List.of("y")))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("node Relu: input 'x' is not defined yet");
  }
}
