package dev.maas.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.maas.DataType;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One prediction through a MaaS {@link OnnxModel} against the same model called through ONNX
 * Runtime's own {@code OrtSession.run} in the way a careful user would (direct input buffer
 * wrapped per call, output read as a buffer), same inputs, same session options (one intra-op
 * thread), same JVM. Each state instance is used by one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
public class OnnxPredictBenchmark {
  @Param({"tiny", "mlp"})
  String model;

  @Param({"1", "8", "64", "512"})
  int batch;

  private OnnxModel maas;
  private Predictor predictor;
  private Tensor bufferInput;
  private Tensor arrayInput;
  private OrtEnvironment env;
  private OrtSession.SessionOptions sessionOptions;
  private OrtSession session;
  private FloatBuffer rawInput;
  private long[] shape;

  @Setup
  public void setUp() throws OrtException {
    byte[] bytes = OnnxModels.model(model);
    maas = OnnxModel.fromBytes(bytes, OnnxOptions.builder().intraOpThreads(1).build());
    predictor = maas.predictor();
    float[] x = OnnxModels.floats(new Random(7), batch * OnnxModels.FEATURES);
    shape = new long[] {batch, OnnxModels.FEATURES};
    arrayInput = Tensor.ofFloats(x, shape);
    ByteBuffer direct = ByteBuffer.allocateDirect(x.length * 4).order(ByteOrder.nativeOrder());
    direct.asFloatBuffer().put(x);
    bufferInput = Tensor.wrap(DataType.FP32, direct, shape);
    rawInput = direct.asFloatBuffer();
    env = OrtEnvironment.getEnvironment();
    sessionOptions = new OrtSession.SessionOptions();
    sessionOptions.setIntraOpNumThreads(1);
    session = env.createSession(bytes, sessionOptions);
  }

  @TearDown
  public void tearDown() throws OrtException {
    session.close();
    sessionOptions.close();
    maas.close();
  }

  /** MaaS with a buffer-backed input tensor (handed to ONNX Runtime without a copy). */
  @Benchmark
  public Tensor maasPredictor() {
    return predictor.predict(Map.of("x", bufferInput)).get("y");
  }

  /** MaaS with an array-backed input tensor (one copy into a direct buffer per call). */
  @Benchmark
  public Tensor maasPredictorArrayInput() {
    return predictor.predict(Map.of("x", arrayInput)).get("y");
  }

  /** ONNX Runtime's Java API directly: the baseline. */
  @Benchmark
  public FloatBuffer rawOrtSession() throws OrtException {
    try (OnnxTensor input = OnnxTensor.createTensor(env, rawInput, shape);
        OrtSession.Result result = session.run(Map.of("x", input))) {
      return ((OnnxTensor) result.get(0)).getFloatBuffer();
    }
  }
}
