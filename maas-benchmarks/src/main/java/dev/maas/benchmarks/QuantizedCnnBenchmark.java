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
 * One prediction of the small CNN (three 3x3 convolutions on 3x32x32 images, 10 classes) ({@link QuantizationModels}) in FP32 against its versions made by
 * {@link dev.maas.onnx.OnnxQuantizer}: static INT8 in QDQ form calibrated with MinMax, with one weight scale per tensor and per output channel, and FP16 weights; same input, one intra-op thread, same JVM;
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
public class QuantizedCnnBenchmark {
  @Param({"1", "32"})
  int batch;

  private OnnxModel fp32;
  private OnnxModel int8Static;
  private OnnxModel int8StaticPerChannel;
  private OnnxModel fp16;
  private Map<String, Tensor> request;

  @Setup
  public void setUp() {
    OnnxOptions options = OnnxOptions.builder().intraOpThreads(1).build();
    fp32 = OnnxModel.fromBytes(QuantizationModels.variant("cnn", "fp32"), options);
    int8Static = OnnxModel.fromBytes(QuantizationModels.variant("cnn", "int8Static"), options);
    int8StaticPerChannel = OnnxModel.fromBytes(QuantizationModels.variant("cnn", "int8StaticPerChannel"), options);
    fp16 = OnnxModel.fromBytes(QuantizationModels.variant("cnn", "fp16"), options);
    request = Map.of("x", QuantizationModels.input("cnn", batch, 7));
  }

  @TearDown
  public void tearDown() {
    fp32.close();
    int8Static.close();
    int8StaticPerChannel.close();
    fp16.close();
  }

  /** The FP32 model: the reference. */
  @Benchmark
  public Tensor fp32() {
    return fp32.predictor().predict(request).get("y");
  }

  /** Static INT8 (QDQ, S8S8), one scale per weight tensor. */
  @Benchmark
  public Tensor int8Static() {
    return int8Static.predictor().predict(request).get("y");
  }

  /** Static INT8 (QDQ, S8S8), one scale per output channel. */
  @Benchmark
  public Tensor int8StaticPerChannel() {
    return int8StaticPerChannel.predictor().predict(request).get("y");
  }

  /** FP32 weights stored as FP16 behind Casts. */
  @Benchmark
  public Tensor fp16() {
    return fp16.predictor().predict(request).get("y");
  }
}
