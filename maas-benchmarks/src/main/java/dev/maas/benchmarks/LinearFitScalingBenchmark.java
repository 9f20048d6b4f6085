package dev.maas.benchmarks;

import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.Refinement;
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
 * The cost curves of a MaaS least-squares fit with the default settings: time against the number of
 * rows {@code n} at {@code p = 8}, against the number of features {@code p} at {@code n = 10⁵}, and
 * wide fits at {@code n = 10⁶} with {@code p} = 8, 64 and 256, on all cores and on one thread, and
 * against {@link Refinement#NEVER} (one Householder TSQR pass, no refinement, no Gram matrix). The
 * shapes are one parameter ({@code NxP}) so that the curves do not multiply into a grid. Two kinds of
 * data: {@code benchmark}, the data model of {@link LinearFitBenchmark} ({@code x_j ~ N(j, 1 + j/8)},
 * {@code y = 1 + Σ x_j / (j + 1) + N(0, 1)}), and {@code ordinary}: {@code x ~ N(0, 1)},
 * coefficients (intercept included) drawn once from {@code N(0, 1)}, unit noise, where some
 * coefficient is near zero and the default refinement runs. {@code scripts/numpy-linear-fit.py}
 * times numpy's normal equations on the same shapes and kinds and prints the ratios.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms8g", "-Xmx8g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearFitScalingBenchmark {
  /** Rows x features. */
  @Param({"10000x8", "30000x8", "100000x8", "300000x8", "1000000x8",
      "100000x4", "100000x16", "100000x32", "100000x64", "1000000x64", "1000000x256"})
  public String shape;

  /** {@code benchmark} or {@code ordinary} (see the class comment). */
  @Param({"benchmark", "ordinary"})
  public String data;

  private double[][] x;
  private double[] y;
  private LinearRegressionTrainer trainer;
  private LinearRegressionTrainer singleThreadTrainer;
  private LinearRegressionTrainer neverTrainer;

  /** Builds the data with a fixed seed. */
  @Setup(Level.Trial)
  public void setUp() {
    String[] parts = shape.split("x");
    int n = Integer.parseInt(parts[0]);
    int p = Integer.parseInt(parts[1]);
    SplittableRandom random = new SplittableRandom(42);
    x = new double[n][p];
    y = new double[n];
    boolean ordinary = data.equals("ordinary");
    double[] beta = new double[p + 1];
    for (int j = 0; j <= p; j++) {
      beta[j] = ordinary ? random.nextGaussian() : (j == 0 ? 1 : 1.0 / j);
    }
    for (int i = 0; i < n; i++) {
      double v = beta[0];
      for (int j = 0; j < p; j++) {
        x[i][j] = ordinary ? random.nextGaussian() : j + random.nextGaussian() * (1 + j / 8.0);
        v += beta[j + 1] * x[i][j];
      }
      y[i] = v + random.nextGaussian();
    }
    trainer = LinearRegressionTrainer.ordinaryLeastSquares();
    singleThreadTrainer = LinearRegressionTrainer.builder().parallelism(1).build();
    neverTrainer = LinearRegressionTrainer.builder().refinement(Refinement.NEVER).build();
  }

  /** MaaS on all cores, default settings. */
  @Benchmark
  public LinearRegressionModel maas() {
    return trainer.fit(x, y);
  }

  /** MaaS on one thread, default settings. */
  @Benchmark
  public LinearRegressionModel maasSingleThread() {
    return singleThreadTrainer.fit(x, y);
  }

  /** MaaS on all cores without refinement: one Householder TSQR pass (the kernel every fit used before the Gram pass). */
  @Benchmark
  public LinearRegressionModel maasNever() {
    return neverTrainer.fit(x, y);
  }
}
