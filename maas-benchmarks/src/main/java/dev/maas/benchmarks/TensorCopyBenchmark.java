package dev.maas.benchmarks;

import dev.maas.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an array-backed ONNX input costs before ONNX Runtime runs: {@link Tensor#copyTo} of the
 * benchmarks' FP32 input ({@code batch} rows of 16 features) into a reused direct buffer, exactly
 * as the adapter fills its pooled scratch buffer; the way it did before (duplicate, slice, and slice
 * again in {@code copyTo}); and a plain {@code FloatBuffer.put(float[])} of the same array into the
 * same buffer. Many short iterations,
 * so that a change of level within a fork (the open finding about array inputs at batch 64) shows.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 12, time = 1)
public class TensorCopyBenchmark {
  /** Rows of 16 FP32 features. */
  @Param({"1", "64"})
  public int batch;

  private float[] x;
  private Tensor tensor;
  private ByteBuffer scratch;

  /** Builds the input and a direct buffer of the adapter's minimum size or more. */
  @Setup
  public void setUp() {
    x = OnnxModels.floats(new Random(7), batch * OnnxModels.FEATURES);
    tensor = Tensor.ofFloats(x, batch, OnnxModels.FEATURES);
    scratch = ByteBuffer.allocateDirect(Math.max(x.length * 4, 256)).order(ByteOrder.nativeOrder());
  }

  /**
   * The adapter's path since 2026-12-01: {@code Tensor.copyTo} straight into the cleared, borrowed
   * scratch buffer (one typed view, one bulk put).
   */
  @Benchmark
  public ByteBuffer tensorCopyTo() {
    scratch.clear().limit(x.length * 4);
    tensor.copyTo(scratch);
    scratch.flip();
    return scratch;
  }

  /**
   * The adapter's path before: a duplicated and sliced view of the scratch buffer, which {@code
   * Tensor.copyTo} then sliced again before its bulk put.
   */
  @Benchmark
  public ByteBuffer slicedViews() {
    ByteBuffer view = scratch.duplicate().order(ByteOrder.nativeOrder());
    view.clear().limit(x.length * 4);
    view = view.slice().order(ByteOrder.nativeOrder());
    view.slice().order(view.order()).asFloatBuffer().put(x);
    view.position(x.length * 4);
    view.flip();
    return view;
  }

  /** The floor: one bulk {@code FloatBuffer.put} of the array into the buffer. */
  @Benchmark
  public ByteBuffer floatBufferPut() {
    scratch.clear();
    scratch.asFloatBuffer().put(x);
    return scratch;
  }
}
