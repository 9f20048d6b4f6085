package dev.maas.benchmarks;

import dev.maas.BatchingPredictor;
import dev.maas.BatchingOptions;
import dev.maas.Model;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What batching costs a caller that is alone: one thread sending single rows to {@link
 * BatchingBenchmark}'s 256-wide ONNX MLP, through a {@link BatchingPredictor} predictor with {@code
 * maxQueueDelay} of 0 and of 200 µs, against the same model's predictor called directly, in the
 * same run. Latency percentiles ({@link Mode#SampleTime}); the promise under test is that batching
 * is never slower than calling directly by more than the queue delay.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class BatchingLatencyBenchmark {
  /** {@link BatchingOptions#maxQueueDelay()} in microseconds. */
  @Param({"0", "200"})
  public int delayMicros;

  private Model loaded;
  private Predictor direct;
  private BatchingPredictor batching;
  private Map<String, Tensor> inputs;

  /** Loads the model (one intra-op thread) and builds the batcher and a seeded one-row input. */
  @Setup
  public void setUp() {
    loaded = OnnxModel.fromBytes(BatchingBenchmark.mlp256(), OnnxOptions.builder().intraOpThreads(1).build());
    direct = loaded.predictor();
    batching = BatchingPredictor.of(direct, BatchingOptions.builder().maxBatchRows(64)
        .maxQueueDelay(Duration.ofNanos(delayMicros * 1000L)).build());
    inputs = Map.of("x", Tensor.ofFloats(OnnxModels.floats(new Random(5), BatchingBenchmark.WIDTH), 1,
        BatchingBenchmark.WIDTH));
  }

  /** Closes the batcher, then the model. */
  @TearDown
  public void tearDown() {
    batching.close();
    loaded.close();
  }

  /** The baseline: the model's predictor, called directly. */
  @Benchmark
  public Map<String, Tensor> unbatched() {
    return direct.predict(inputs);
  }

  /** The same request through the batching predictor, with nobody else calling. */
  @Benchmark
  public Map<String, Tensor> batched() {
    return batching.predict(inputs);
  }
}
