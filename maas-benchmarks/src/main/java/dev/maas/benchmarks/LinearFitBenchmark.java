package dev.maas.benchmarks;

import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
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
 * Least-squares fit time of {@link LinearRegressionTrainer} (TSQR on all cores, with intercept)
 * against commons-math3's {@code OLSMultipleLinearRegression} (Householder QR) and EJML's own
 * Householder QR least-squares solve, on the same Gaussian data with an intercept column, MaaS once
 * on all cores and once on one thread (the peers are single-threaded). The data
 * are built once per trial in each library's input form, so the timings cover the fit, plus the
 * copy each library makes of its input.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms12g", "-Xmx12g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class LinearFitBenchmark {
  /** Rows. */
  @Param({"10000", "1000000"})
  public int n;

  /** Features. */
  @Param({"8", "64"})
  public int p;

  private double[][] x;
  private double[] y;
  private DMatrixRMaj ejmlA;
  private DMatrixRMaj ejmlB;
  private LinearRegressionTrainer trainer;
  private LinearRegressionTrainer singleThreadTrainer;

  /** Builds the data: x ~ N(j, 1 + j/8), y = 1 + Σ x_j / (j + 1) + N(0, 1). */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    x = new double[n][p];
    y = new double[n];
    ejmlA = new DMatrixRMaj(n, p + 1);
    ejmlB = new DMatrixRMaj(n, 1);
    for (int i = 0; i < n; i++) {
      double v = 1;
      ejmlA.unsafe_set(i, 0, 1);
      for (int j = 0; j < p; j++) {
        x[i][j] = j + random.nextGaussian() * (1 + j / 8.0);
        v += x[i][j] / (j + 1);
        ejmlA.unsafe_set(i, j + 1, x[i][j]);
      }
      y[i] = v + random.nextGaussian();
      ejmlB.unsafe_set(i, 0, y[i]);
    }
    trainer = LinearRegressionTrainer.ordinaryLeastSquares();
    singleThreadTrainer = LinearRegressionTrainer.builder().parallelism(1).build();
  }

  /** MaaS: TSQR over row blocks on all cores, statistics included. */
  @Benchmark
  public LinearRegressionModel maas() {
    return trainer.fit(x, y);
  }

  /** MaaS on one thread: the same TSQR, blocks folded one after another. */
  @Benchmark
  public LinearRegressionModel maasSingleThread() {
    return singleThreadTrainer.fit(x, y);
  }

  /** commons-math3 OLSMultipleLinearRegression: copy into its matrix, Householder QR, solve. */
  @Benchmark
  public double[] commonsMath() {
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.newSampleData(y, x);
    return ols.estimateRegressionParameters();
  }

  /** EJML: Householder QR least squares ({@code LinearSolverFactory_DDRM.leastSquares}). */
  @Benchmark
  public DMatrixRMaj ejmlQr() {
    LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquares(n, p + 1);
    DMatrixRMaj a = solver.modifiesA() ? ejmlA.copy() : ejmlA;
    DMatrixRMaj b = solver.modifiesB() ? ejmlB.copy() : ejmlB;
    if (!solver.setA(a)) {
      throw new IllegalStateException("singular");
    }
    DMatrixRMaj out = new DMatrixRMaj(p + 1, 1);
    solver.solve(b, out);
    return out;
  }
}
