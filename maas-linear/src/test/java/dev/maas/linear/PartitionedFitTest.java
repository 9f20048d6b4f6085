package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fit split into parts that travel as serialized bytes (as between Spark executors and the
 * driver) returns what the single-machine trainer returns.
 */
class PartitionedFitTest {

  /** Folds rows [from, to) of (x, y) into a factor, then ships it through Java serialization. */
  private static PartitionedFit.Factor part(PartitionedFit fit, double[][] x, double[] y, int from, int to) {
    PartitionedFit.Factor f = fit.newFactor();
    for (int i = from; i < to; i++) {
      f.add(row(x[i], y[i]));
    }
    return roundTrip(f);
  }

  private static double[] row(double[] x, double y) {
    double[] r = java.util.Arrays.copyOf(x, x.length + 1);
    r[x.length] = y;
    return r;
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (T) in.readObject();
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }

  private static LinearRegressionModel fitInParts(LinearRegressionTrainer trainer, List<String> names, double[][] x,
      double[] y, int parts) {
    return fitInParts(trainer, names, x, y, parts, new int[2]);
  }

  /** As above; {@code passes} counts the residual passes [0] and the second folds [1]. */
  private static LinearRegressionModel fitInParts(LinearRegressionTrainer trainer, List<String> names, double[][] x,
      double[] y, int parts, int[] passes) {
    PartitionedFit fit = roundTrip(PartitionedFit.of(trainer, names, row(x[0], y[0])));
    List<int[]> ranges = new ArrayList<>();
    for (int k = 0; k < parts; k++) {
      ranges.add(new int[] {k * x.length / parts, (k + 1) * x.length / parts});
    }
    PartitionedFit.Factor total = fit.newFactor();
    for (int[] r : ranges) {
      total = roundTrip(total.merge(part(fit, x, y, r[0], r[1])));
    }
    LinearRegressionModel model = fit.solve(total, at -> {
      passes[0]++;
      PartitionedFit.Residuals sum = fit.newResiduals(roundTrip(at));
      for (int[] r : ranges) {
        PartitionedFit.Residuals s = fit.newResiduals(at);
        for (int i = r[0]; i < r[1]; i++) {
          s.add(row(x[i], y[i]));
        }
        sum = roundTrip(sum.merge(roundTrip(s)));
      }
      return sum;
    }, empty -> {
      passes[1]++;
      PartitionedFit.Factor sum = roundTrip(empty);
      for (int[] r : ranges) {
        PartitionedFit.Factor f = roundTrip(empty);
        for (int i = r[0]; i < r[1]; i++) {
          f.add(row(x[i], y[i]));
        }
        sum = roundTrip(sum.merge(roundTrip(f)));
      }
      return sum;
    });
    assertThat(passes[0]).isLessThanOrEqualTo(4);
    assertThat(passes[1]).isLessThanOrEqualTo(1);
    return model;
  }

  /**
   * On ordinary data (x ~ N(0, 1), coefficients ~ N(0, 1), unit noise) the parts' Gram matrices
   * are solved and refined without folding the parts again, and the fit agrees with the in-memory
   * one to 10⁻¹⁰.
   */
  @Test
  void solve_ordinaryDataInFiveParts_gramFactorRefinedLikeTheInMemoryFit() {
    int n = 20_000;
    int p = 8;
    Problems.Problem ordinary = Problems.ordinary(n, p);
    double[][] x = ordinary.x();
    double[] y = ordinary.y();
    List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    LinearRegressionTrainer trainer = LinearRegressionTrainer.ordinaryLeastSquares();
    int[] passes = new int[2];

    LinearRegressionModel parts = fitInParts(trainer, names, x, y, 5, passes);
    LinearRegressionModel single = trainer.fit(x, y);

    assertThat(passes[1]).as("second folds").isZero();
    assertThat(relative(parts.intercept(), single.intercept())).isLessThan(1e-10);
    for (int j = 0; j < p; j++) {
      assertThat(relative(parts.coefficient(j), single.coefficient(j))).as("coefficient %d", j).isLessThan(1e-10);
    }
    assertThat(relative(parts.report().orElseThrow().residualStandardError(),
        single.report().orElseThrow().residualStandardError())).isLessThan(1e-10);
  }

  @Test
  void solve_filipLikeInSevenSerializedParts_matchesTheInMemoryFit() {
    Problems.Problem filip = Problems.filipLike();
    List<String> names = new ArrayList<>();
    for (int j = 1; j <= filip.x()[0].length; j++) {
      names.add("x" + j);
    }
    LinearRegressionTrainer trainer = LinearRegressionTrainer.ordinaryLeastSquares();

    int[] passes = new int[2];
    LinearRegressionModel parts = fitInParts(trainer, names, filip.x(), filip.y(), 7, passes);
    LinearRegressionModel single = trainer.fit(filip.x(), filip.y());

    assertThat(passes[1]).as("Householder folds after the Gram matrix was refused").isEqualTo(1);
    double[] exact = Certified.leastSquares(filip.x(), filip.y(), true);

    assertThat(relative(parts.intercept(), exact[0])).isLessThan(1e-7);
    for (int j = 0; j < names.size(); j++) {
      assertThat(relative(parts.coefficient(j), exact[j + 1])).as("coefficient %d", j).isLessThan(1e-7);
      assertThat(relative(parts.coefficient(j), single.coefficient(j))).as("coefficient %d", j).isLessThan(1e-7);
    }
    assertThat(parts.report().orElseThrow().rowCount()).isEqualTo(filip.x().length);
  }

  @Test
  void solve_ridgeInThreeParts_equalsTheInMemoryFitToTenDigits() {
    double[][] x = LinearRegressionTrainerTest.features(3000, 4, 5);
    double[] y = LinearRegressionTrainerTest.targets(x, 6);
    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder().ridge(3).standardize(true)
        .refinement(Refinement.ALWAYS).build();
    List<String> names = List.of("a", "b", "c", "d");

    LinearRegressionModel parts = fitInParts(trainer, names, x, y, 3);
    LinearRegressionModel single = LinearRegressionTrainer.builder().ridge(3).standardize(true)
        .refinement(Refinement.ALWAYS).featureNames(names).build().fit(x, y);

    assertThat(relative(parts.intercept(), single.intercept())).isLessThan(1e-10);
    for (int j = 0; j < 4; j++) {
      assertThat(relative(parts.coefficient(j), single.coefficient(j))).isLessThan(1e-10);
    }
    FitReport a = parts.report().orElseThrow();
    FitReport e = single.report().orElseThrow();
    assertThat(relative(a.residualStandardError(), e.residualStandardError())).isLessThan(1e-10);
    assertThat(relative(a.rSquared(), e.rSquared())).isLessThan(1e-10);
  }

  @Test
  void of_firstRowOfWrongLength_throwsInvalidInput() {
    assertThatThrownBy(() -> PartitionedFit.of(LinearRegressionTrainer.ordinaryLeastSquares(), List.of("a", "b"),
        new double[] {1, 2}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("the first row has 2 values, expected the 2 features and the target");
  }

  @Test
  void add_nonFiniteValue_throwsInvalidInputNamingTheColumn() {
    PartitionedFit fit = PartitionedFit.of(LinearRegressionTrainer.ordinaryLeastSquares(), List.of("a"),
        new double[] {1, 2});
    PartitionedFit.Factor factor = fit.newFactor();

    assertThatThrownBy(() -> factor.add(new double[] {Double.NaN, 1}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("column 'a'");
  }

  @Test
  void merge_factorOfAnotherFit_throwsInvalidInput() {
    PartitionedFit one = PartitionedFit.of(LinearRegressionTrainer.ordinaryLeastSquares(), List.of("a"), new double[] {1, 2});
    PartitionedFit other = PartitionedFit.of(LinearRegressionTrainer.ordinaryLeastSquares(), List.of("b"), new double[] {1, 2});

    assertThatThrownBy(() -> one.newFactor().merge(other.newFactor()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("cannot merge factors of different fits");
  }

  private static double relative(double a, double b) {
    return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  }
}
