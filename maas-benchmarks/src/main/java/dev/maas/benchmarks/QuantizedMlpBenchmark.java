package dev.maas.benchmarks;

import dev.maas.Tensor;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One prediction of the MLP 512-1024-1024-256 ({@link QuantizationModels}) in FP32 against its versions made by
 * {@link dev.maas.onnx.OnnxQuantizer}: dynamic INT8 with one weight scale per tensor and per output column, and FP16 weights; same input, one intra-op thread, same JVM;
 * {@code fp32} is the reference. INT8 speed depends on the CPU's integer dot-product instructions
 * (AVX512-VNNI, AVX-VNNI, AMX), which the suite records with each run. Each state instance is used
 * by one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
public class QuantizedMlpBenchmark {
  @Param({"1", "32"})
  int batch;

  private OnnxModel fp32;
  private OnnxModel int8Dynamic;
  private OnnxModel int8DynamicPerChannel;
  private OnnxModel fp16;
  private Map<String, Tensor> request;

  @Setup
  public void setUp() {
    OnnxOptions options = OnnxOptions.builder().intraOpThreads(1).build();
    fp32 = OnnxModel.fromBytes(QuantizationModels.variant("mlp", "fp32"), options);
    int8Dynamic = OnnxModel.fromBytes(QuantizationModels.variant("mlp", "int8Dynamic"), options);
    int8DynamicPerChannel = OnnxModel.fromBytes(QuantizationModels.variant("mlp", "int8DynamicPerChannel"), options);
    fp16 = OnnxModel.fromBytes(QuantizationModels.variant("mlp", "fp16"), options);
    request = Map.of("x", QuantizationModels.input("mlp", batch, 7));
  }

  @TearDown
  public void tearDown() {
    fp32.close();
    int8Dynamic.close();
    int8DynamicPerChannel.close();
    fp16.close();
  }

  /** The FP32 model: the reference. */
  @Benchmark
  public Tensor fp32() {
    return fp32.predictor().predict(request).get("y");
  }

  /** Dynamic INT8, one scale per weight tensor (fused into DynamicQuantizeMatMul). */
  @Benchmark
  public Tensor int8Dynamic() {
    return int8Dynamic.predictor().predict(request).get("y");
  }

  /** Dynamic INT8, one scale per output column. */
  @Benchmark
  public Tensor int8DynamicPerChannel() {
    return int8DynamicPerChannel.predictor().predict(request).get("y");
  }

  /** FP32 weights stored as FP16 behind Casts. */
  @Benchmark
  public Tensor fp16() {
    return fp16.predictor().predict(request).get("y");
  }
}
