package dev.maas.benchmarks;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.maas.Tensor;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One prediction through DJL's ONNX Runtime engine ({@code ai.djl.onnxruntime:onnxruntime-engine},
 * NoopTranslator, float[] in and out) against a MaaS {@link OnnxModel} with an array-backed input
 * on the same model, one intra-op thread each. Every benchmark method runs in its own JMH fork, so
 * DJL's engine and MaaS never share a JVM. Each state instance is used by one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Doffline=true"})
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
public class OnnxDjlBenchmark {
  @Param({"tiny", "mlp"})
  String model;

  @Param({"1", "64"})
  int batch;

  private float[] x;
  private Path directory;
  private ZooModel<NDList, NDList> djlModel;
  private Predictor<NDList, NDList> djlPredictor;
  private NDManager manager;
  private OnnxModel maas;

  @Setup
  public void setUp(BenchmarkParams params) throws IOException {
    x = OnnxModels.floats(new Random(7), batch * OnnxModels.FEATURES);
    directory = Files.createTempDirectory("maas-djl-bench");
    Files.write(directory.resolve("model.onnx"), OnnxModels.model(model));
    if (params.getBenchmark().endsWith(".djlPredictor")) {
      openDjl();
    } else {
      openMaas();
    }
  }

  private void openDjl() {
    try {
      Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
          .optModelPath(directory).optModelName("model").optEngine("OnnxRuntime")
          .optOption("intraOpNumThreads", "1").optTranslator(new NoopTranslator()).build();
      djlModel = criteria.loadModel();
      djlPredictor = djlModel.newPredictor();
      manager = NDManager.newBaseManager("OnnxRuntime");
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException("DJL could not load the model", e);
    }
  }

  private void openMaas() {
    maas = OnnxModel.open(directory.resolve("model.onnx"), OnnxOptions.builder().intraOpThreads(1).build());
  }

  @TearDown
  public void tearDown() throws IOException {
    if (djlPredictor != null) {
      djlPredictor.close();
      djlModel.close();
      manager.close();
      djlPredictor = null;
    }
    if (maas != null) {
      maas.close();
      maas = null;
    }
    Files.deleteIfExists(directory.resolve("model.onnx"));
    Files.deleteIfExists(directory);
  }

  /** DJL's predictor on its ONNX Runtime engine: float[] in, float[] out. */
  @Benchmark
  public float[] djlPredictor() throws TranslateException {
    try (NDManager call = manager.newSubManager()) {
      NDArray input = call.create(x, new Shape(batch, OnnxModels.FEATURES));
      NDList output = djlPredictor.predict(new NDList(input));
      float[] y = output.get(0).toFloatArray();
      output.close();
      return y;
    }
  }

  /** MaaS on the same model: float[] in (copied into a tensor), float[] out. */
  @Benchmark
  public float[] maasPredictor() {
    Tensor input = Tensor.ofFloats(x, batch, OnnxModels.FEATURES);
    return maas.predictor().predict(Map.of("x", input)).get("y").toFloatArray();
  }
}
