package dev.maas.benchmarks;

import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.explain.Background;
import dev.maas.explain.ExplainMethod;
import dev.maas.explain.Explainer;
import dev.maas.explain.Explanation;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.onnx.OnnxModel;
import dev.maas.onnx.OnnxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Model rows evaluated per second while explaining one row with Kernel SHAP (2p + 2048 = 2080
 * coalitions × 20 background rows, plus the row itself: {@value #EXPLAIN_ROWS} rows, in predictor
 * calls of {@value #BATCH} rows) against the same predictor's raw throughput on batches of {@value
 * #BATCH} rows, same JVM, same session options (one intra-op thread). Both scores are rows per
 * second; their ratio is the share of the model's batched throughput an explanation keeps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class ExplainBenchmark {
  static final int BATCH = 4096;
  static final int BACKGROUND = 20;
  static final int EXPLAIN_ROWS = (2 * OnnxModels.FEATURES + 2048) * BACKGROUND + 1;

  /** {@code mlp}: the ONNX 16-32-1 MLP; {@code linear}: a 16-feature linear model through the generic path. */
  @Param({"mlp", "linear"})
  String model;

  private Model loaded;
  private Predictor predictor;
  private Map<String, Tensor> batch;
  private Explainer explainer;
  private double[][] row;

  @Setup
  public void setUp() {
    int p = OnnxModels.FEATURES;
    Random random = new Random(11);
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      names.add("x" + j);
    }
    if (model.equals("mlp")) {
      loaded = OnnxModel.fromBytes(OnnxModels.model("mlp"), OnnxOptions.builder().intraOpThreads(1).build());
    } else {
      double[] c = new double[p];
      for (int j = 0; j < p; j++) {
        c[j] = random.nextGaussian();
      }
      loaded = LinearRegressionModel.of(0.5, c, names);
    }
    predictor = loaded.predictor();
    DataType type = predictor.signature().inputs().get(0).dataType();
    String input = predictor.signature().inputs().get(0).name();
    double[] flat = new double[BATCH * p];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = random.nextGaussian();
    }
    Tensor x;
    if (type == DataType.FP32) {
      float[] f = new float[flat.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) flat[i];
      }
      x = Tensor.ofFloats(f, BATCH, p);
    } else {
      x = Tensor.ofDoubles(flat, BATCH, p);
    }
    batch = Map.of(input, x);
    double[][] bg = new double[BACKGROUND][p];
    for (double[] r : bg) {
      for (int j = 0; j < p; j++) {
        r[j] = random.nextGaussian();
      }
    }
    row = new double[1][p];
    for (int j = 0; j < p; j++) {
      row[0][j] = random.nextGaussian();
    }
    explainer = Explainer.builder(predictor, Background.of(names, bg)).method(ExplainMethod.KERNEL).batchRows(BATCH)
        .build();
  }

  @TearDown
  public void tearDown() {
    loaded.close();
  }

  /** The predictor alone on one batch of {@value #BATCH} rows; the score is rows per second. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Map<String, Tensor> raw() {
    return predictor.predict(batch);
  }

  /** One row explained; the score is rows evaluated per second. */
  @Benchmark
  @OperationsPerInvocation(EXPLAIN_ROWS)
  public Explanation explain() {
    return explainer.explain(row);
  }
}
