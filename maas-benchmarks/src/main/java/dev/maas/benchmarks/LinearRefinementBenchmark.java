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
 * The cost of iterative refinement: the default fit ({@link Refinement#AUTO}) against the same fit
 * with {@link Refinement#NEVER}, on a problem whose error estimate triggers refinement (a
 * calibration quadratic: x and x² with x up to 3·10⁶, intercept recovered by cancellation) and on
 * one that does not (centred Gaussian features), both in memory, with an intercept and two
 * features. The ratio auto / never is the price of refinement where it runs, and its absence where
 * it does not.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearRefinementBenchmark {
  /** {@code calibration} (refined by AUTO) or {@code centred} (not refined). */
  @Param({"calibration", "centred"})
  public String problem;

  /** Rows. */
  @Param({"1000", "100000"})
  public int n;

  private double[][] x;
  private double[] y;
  private LinearRegressionTrainer auto;
  private LinearRegressionTrainer never;

  /** Builds the data with a fixed seed. */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    x = new double[n][2];
    y = new double[n];
    for (int i = 0; i < n; i++) {
      if (problem.equals("calibration")) {
        double v = Math.rint(1e5 + 2.9e6 * random.nextDouble());
        x[i][0] = v;
        x[i][1] = v * v;
        y[i] = Math.rint((0.05 + 3.8e-7 * v - 1e-14 * v * v + random.nextDouble(-1e-3, 1e-3)) * 1e6) / 1e6;
      } else {
        x[i][0] = random.nextGaussian();
        x[i][1] = random.nextGaussian();
        y[i] = 3 + 2 * x[i][0] - x[i][1] + random.nextGaussian();
      }
    }
    auto = LinearRegressionTrainer.builder().parallelism(1).build();
    never = LinearRegressionTrainer.builder().parallelism(1).refinement(Refinement.NEVER).build();
  }

  /** The default: refined when the condition number or the coefficient error estimate calls for it. */
  @Benchmark
  public LinearRegressionModel auto() {
    return auto.fit(x, y);
  }

  /** One Householder pass (TSQR), never refined. */
  @Benchmark
  public LinearRegressionModel never() {
    return never.fit(x, y);
  }
}
