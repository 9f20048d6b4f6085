package dev.maas.benchmarks;

import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.Refinement;
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
 * Like-for-like fit time on one thread: {@link LinearRegressionTrainer} with {@code
 * parallelism(1)} (plain TSQR with {@link Refinement#NEVER}, and the default {@link
 * Refinement#AUTO}) against commons-math3's {@code OLSMultipleLinearRegression} and EJML's
 * Householder QR least squares, which are single-threaded, on centred Gaussian data with an
 * intercept (well conditioned, so AUTO does not refine). Shapes are {@code rows x features}.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class LinearSingleThreadFitBenchmark {
  /** Rows x features. */
  @Param({"10000x8", "10000x64", "1000000x8"})
  public String shape;

  private int n;
  private int p;
  private double[][] x;
  private double[] y;
  private DMatrixRMaj ejmlA;
  private DMatrixRMaj ejmlB;
  private LinearRegressionTrainer plain;
  private LinearRegressionTrainer auto;

  /** Builds the data: x ~ N(0, 1 + j/8), y = 1 + Σ x_j / (j + 1) + N(0, 1). */
  @Setup(Level.Trial)
  public void setUp() {
    String[] parts = shape.split("x");
    n = Integer.parseInt(parts[0]);
    p = Integer.parseInt(parts[1]);
    SplittableRandom random = new SplittableRandom(42);
    x = new double[n][p];
    y = new double[n];
    ejmlA = new DMatrixRMaj(n, p + 1);
    ejmlB = new DMatrixRMaj(n, 1);
    for (int i = 0; i < n; i++) {
      double v = 1;
      ejmlA.unsafe_set(i, 0, 1);
      for (int j = 0; j < p; j++) {
        x[i][j] = random.nextGaussian() * (1 + j / 8.0);
        v += x[i][j] / (j + 1);
        ejmlA.unsafe_set(i, j + 1, x[i][j]);
      }
      y[i] = v + random.nextGaussian();
      ejmlB.unsafe_set(i, 0, y[i]);
    }
    plain = LinearRegressionTrainer.builder().parallelism(1).refinement(Refinement.NEVER).build();
    auto = LinearRegressionTrainer.builder().parallelism(1).build();
  }

  /** MaaS on one thread, plain TSQR, statistics included. */
  @Benchmark
  public LinearRegressionModel maasPlain() {
    return plain.fit(x, y);
  }

  /** MaaS on one thread with its default refinement setting. */
  @Benchmark
  public LinearRegressionModel maasAuto() {
    return auto.fit(x, y);
  }

  /** commons-math3 OLSMultipleLinearRegression: copy into its matrix, Householder QR, solve. */
  @Benchmark
  public double[] commonsMath() {
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.newSampleData(y, x);
    return ols.estimateRegressionParameters();
  }

  /** EJML: Householder QR least squares. */
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
