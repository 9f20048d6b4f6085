package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.DataType;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Native memory must not grow with use: many predictions (tensor outputs and scikit-learn style
 * sequences of maps) and many open/close cycles in one JVM.
 * The bound sits below what leaving one input tensor unclosed per call adds over 200k calls, and
 * above the allocator's fragmentation from 200 sessions.
 * The surefire JVM runs with a fixed, pre-touched heap, so resident memory tracks native
 * allocations rather than heap growth.
 */
class OnnxLeakTest {
  private static final long ALLOWED_GROWTH_KB = 40 * 1024;

  private static long residentKb() throws IOException {
    System.gc();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError("no VmRSS in /proc/self/status");
  }

  private static void predictions(Predictor predictor, int count, Tensor arrayBacked, Tensor bufferBacked) {
    for (int i = 0; i < count; i++) {
      Tensor y = predictor.predict(Map.of("x", i % 2 == 0 ? arrayBacked : bufferBacked)).get("y");
      if (y.size() != 4) {
        throw new AssertionError("unexpected output " + y);
      }
    }
  }

  private static void zipMaps(Predictor predictor, int count, Tensor probabilities) {
    for (int i = 0; i < count; i++) {
      if (predictor.predict(Map.of("p", probabilities)).get("y").size() != 6) {
        throw new AssertionError("unexpected ZipMap output");
      }
    }
  }

  private static void cycles(byte[] graph, int count, Tensor input) {
    for (int i = 0; i < count; i++) {
      try (OnnxModel model = OnnxModel.fromBytes(graph)) {
        model.predictor().predict(Map.of("x", input));
      }
    }
  }

  @Test
  void predictAndReopen_200kAnd200Times_residentMemorySettles() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "Linux /proc");
    byte[] graph = new TestGraphs.Mlp(31).graph();
    float[] x = TestGraphs.randomFloats(4 * TestGraphs.MLP_IN, 32);
    Tensor arrayBacked = Tensor.ofFloats(x, 4, TestGraphs.MLP_IN);
    ByteBuffer direct = ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder());
    direct.asFloatBuffer().put(x);
    Tensor bufferBacked = Tensor.wrap(DataType.FP32, direct, 4, TestGraphs.MLP_IN);
    Tensor probabilities = Tensor.ofFloats(new float[] {0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f}, 2, 3);
    try (OnnxModel model = OnnxModel.fromBytes(graph);
        OnnxModel zipMap = OnnxModel.fromBytes(
            OnnxGraph.builder("zipmap").opset("ai.onnx.ml", 1).input("p", DataType.FP32, "batch", "3")
                .node("ai.onnx.ml", "ZipMap", java.util.List.of("p"), java.util.List.of("y"),
                    Map.of("classlabels_int64s", new long[] {0, 1, 2}))
                .sequenceOfMapsOutput("y", DataType.INT64, DataType.FP32).build().toByteArray())) {
      predictions(model.predictor(), 20_000, arrayBacked, bufferBacked);
      zipMaps(zipMap.predictor(), 5_000, probabilities);
      cycles(graph, 50, arrayBacked);
      long before = residentKb();
      predictions(model.predictor(), 200_000, arrayBacked, bufferBacked);
      zipMaps(zipMap.predictor(), 50_000, probabilities);
      cycles(graph, 200, arrayBacked);
      long after = residentKb();
      assertThat(after - before).as("resident memory growth in KiB (before %d KiB, after %d KiB)", before, after)
          .isLessThan(ALLOWED_GROWTH_KB);
    }
  }
}
