package dev.maas.benchmarks;

import dev.maas.Predictor;
import dev.maas.linear.LinearRegressionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Single-row prediction through {@link Predictor#predictRow} against a hand-written dot-product
 * loop over the same coefficients. Run with {@code -prof gc} to see bytes allocated per call.
 *
 * <p>JMH state; any number of benchmark threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearPredictBenchmark {
  /** Features. */
  @Param({"8", "64"})
  public int p;

  private Predictor predictor;
  private double intercept;
  private double[] coefficients;
  private double[] row;

  /** Builds a model with random coefficients and one random row. */
  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    coefficients = new double[p];
    row = new double[p];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      coefficients[j] = random.nextGaussian();
      row[j] = random.nextGaussian();
      names.add("f" + j);
    }
    intercept = random.nextGaussian();
    predictor = LinearRegressionModel.of(intercept, coefficients, names).predictor();
  }

  /** MaaS: {@code predictor.predictRow(row)} (checks the width and that the model is open). */
  @Benchmark
  public double maasPredictRow() {
    return predictor.predictRow(row);
  }

  /** The baseline: intercept plus a plain loop over the coefficients. */
  @Benchmark
  public double handWrittenDot() {
    double s = intercept;
    for (int j = 0; j < coefficients.length; j++) {
      s += coefficients[j] * row[j];
    }
    return s;
  }
}
