package dev.maas.benchmarks;

import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost curves of a MaaS least-squares fit: time against the number of rows {@code n} at
 * {@code p = 8}, and against the number of features {@code p} at {@code n = 10⁵}, on all cores and on
 * one thread. The shapes are one parameter ({@code NxP}) so that the two curves do not multiply into
 * a grid. Same data model as {@link LinearFitBenchmark}.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearFitScalingBenchmark {
  /** Rows x features. */
  @Param({"10000x8", "30000x8", "100000x8", "300000x8", "1000000x8",
      "100000x4", "100000x16", "100000x32", "100000x64"})
  public String shape;

  private double[][] x;
  private double[] y;
  private LinearRegressionTrainer trainer;
  private LinearRegressionTrainer singleThreadTrainer;

  /** Builds the data: x ~ N(j, 1 + j/8), y = 1 + Σ x_j / (j + 1) + N(0, 1). */
  @Setup(Level.Trial)
  public void setUp() {
    String[] parts = shape.split("x");
    int n = Integer.parseInt(parts[0]);
    int p = Integer.parseInt(parts[1]);
    SplittableRandom random = new SplittableRandom(42);
    x = new double[n][p];
    y = new double[n];
    for (int i = 0; i < n; i++) {
      double v = 1;
      for (int j = 0; j < p; j++) {
        x[i][j] = j + random.nextGaussian() * (1 + j / 8.0);
        v += x[i][j] / (j + 1);
      }
      y[i] = v + random.nextGaussian();
    }
    trainer = LinearRegressionTrainer.ordinaryLeastSquares();
    singleThreadTrainer = LinearRegressionTrainer.builder().parallelism(1).build();
  }

  /** MaaS on all cores. */
  @Benchmark
  public LinearRegressionModel maas() {
    return trainer.fit(x, y);
  }

  /** MaaS on one thread. */
  @Benchmark
  public LinearRegressionModel maasSingleThread() {
    return singleThreadTrainer.fit(x, y);
  }
}
