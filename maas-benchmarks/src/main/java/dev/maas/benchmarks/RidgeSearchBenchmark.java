package dev.maas.benchmarks;

import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.RidgeSearch;
import dev.maas.linear.RidgeSelection;
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
 * The cost of choosing the ridge penalty among 33 (1e-4 to 1e4) against one fit at a fixed
 * penalty, in memory, default trainer settings, on Gaussian data with Gaussian coefficients and
 * unit noise: {@code fit} is the baseline, {@code gcvAndFit} what {@code --ridge auto} does by
 * default (search, then the fit at the chosen penalty), {@code looAndFit} and {@code kFoldAndFit}
 * the same with exact leave-one-out and 10-fold cross-validation.
 *
 * <p>JMH state; one benchmark thread (the fits and the leave-one-out pass use every core).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
public class RidgeSearchBenchmark {
  /** Rows. */
  @Param({"1000000"})
  public int n;

  /** Features. */
  @Param({"8"})
  public int p;

  private double[][] x;
  private double[] y;
  private LinearRegressionTrainer trainer;
  private RidgeSearch gcv;
  private RidgeSearch loo;
  private RidgeSearch kFold;

  /** Builds the data with a fixed seed. */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(11);
    double[] beta = new double[p];
    for (int j = 0; j < p; j++) {
      beta[j] = random.nextGaussian();
    }
    x = new double[n][p];
    y = new double[n];
    for (int i = 0; i < n; i++) {
      double v = 0;
      for (int j = 0; j < p; j++) {
        x[i][j] = random.nextGaussian();
        v += beta[j] * x[i][j];
      }
      y[i] = v + random.nextGaussian();
    }
    trainer = LinearRegressionTrainer.builder().build();
    gcv = RidgeSearch.builder().build();
    loo = RidgeSearch.builder().method(RidgeSearch.Method.LEAVE_ONE_OUT).build();
    kFold = RidgeSearch.builder().kFold(10).build();
  }

  /** The baseline: one fit at a fixed penalty. */
  @Benchmark
  public LinearRegressionModel fit() {
    return LinearRegressionTrainer.builder().ridge(1).build().fit(x, y);
  }

  /** Generalised cross-validation over the grid, then the fit at the chosen penalty. */
  @Benchmark
  public LinearRegressionModel gcvAndFit() {
    return fitAt(gcv.select(trainer, x, y));
  }

  /** Exact leave-one-out over the grid, then the fit at the chosen penalty. */
  @Benchmark
  public LinearRegressionModel looAndFit() {
    return fitAt(loo.select(trainer, x, y));
  }

  /** 10-fold cross-validation over the grid, then the fit at the chosen penalty. */
  @Benchmark
  public LinearRegressionModel kFoldAndFit() {
    return fitAt(kFold.select(trainer, x, y));
  }

  private LinearRegressionModel fitAt(RidgeSelection s) {
    return LinearRegressionTrainer.builder().ridge(s.best()).build().fit(x, y);
  }
}
