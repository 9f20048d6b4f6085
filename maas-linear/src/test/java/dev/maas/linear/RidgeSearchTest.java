package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.InvalidInputException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cross-validation curves of {@link RidgeSearch} against the direct computation: refitting
 * the trainer without each row (leave-one-out), on the other folds (k-fold), and for GCV the
 * residual sum of squares of the full fit with {@code tr H} summed from fits to unit targets
 * ({@code h_ii} is the fitted value at row i of the fit to {@code e_i}). Nothing of the search's
 * singular value path is shared. Relative tolerance 1e-9.
 */
class RidgeSearchTest {
  private static final double[] GRID = RidgeSearch.logGrid(1e-4, 1e3, 8);

  @ParameterizedTest(name = "intercept {0}, standardize {1}, ill-conditioned {2}")
  @CsvSource({"true, false, false", "true, true, false", "false, false, false", "true, false, true",
      "true, true, true"})
  void leaveOneOut_equalsRefittingWithoutEachRow(boolean intercept, boolean standardize, boolean illConditioned) {
    double[][] x = design(40, 3, 11, illConditioned);
    double[] y = targets(x, 12);
    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder().intercept(intercept).standardize(standardize)
        .build();
    RidgeSelection s = RidgeSearch.builder().grid(GRID).method(RidgeSearch.Method.LEAVE_ONE_OUT).build()
        .select(trainer, x, y);
    // Leave-one-out keeps the penalty's scale from all rows: refit on the scaled features without standardising.
    double[] scale = standardize ? scales(x) : ones(x[0].length);
    double[][] scaled = divide(x, scale);
    for (int l = 0; l < GRID.length; l++) {
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        double[][] xs = without(scaled, i);
        double[] ys = without(y, i);
        LinearRegressionModel m = LinearRegressionTrainer.builder().intercept(intercept).ridge(GRID[l]).build()
            .fit(xs, ys);
        double e = y[i] - predict(m, scaled[i]);
        sum += e * e;
      }
      assertThat(s.curve().get(l).score()).as("lambda %s", GRID[l]).isCloseTo(sum / x.length, within(1e-9 * sum
          / x.length));
    }
  }

  @ParameterizedTest(name = "intercept {0}, standardize {1}, ill-conditioned {2}")
  @CsvSource({"true, false, false", "true, true, false", "false, true, false", "true, false, true"})
  void generalized_equalsRssOverResidualDegreesOfFreedom(boolean intercept, boolean standardize,
      boolean illConditioned) {
    double[][] x = design(30, 3, 21, illConditioned);
    double[] y = targets(x, 22);
    int n = x.length;
    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder().intercept(intercept).standardize(standardize)
        .build();
    RidgeSelection s = RidgeSearch.builder().grid(GRID).build().select(trainer, x, y);
    for (int l = 0; l < GRID.length; l++) {
      LinearRegressionTrainer t = LinearRegressionTrainer.builder().intercept(intercept).standardize(standardize)
          .ridge(GRID[l]).build();
      LinearRegressionModel full = t.fit(x, y);
      double rss = 0;
      for (int i = 0; i < n; i++) {
        double e = y[i] - predict(full, x[i]);
        rss += e * e;
      }
      double trace = 0;
      for (int i = 0; i < n; i++) {
        double[] unit = new double[n];
        unit[i] = 1;
        trace += predict(t.fit(x, unit), x[i]);
      }
      double gcv = n * rss / ((n - trace) * (n - trace));
      assertThat(s.curve().get(l).score()).as("lambda %s", GRID[l]).isCloseTo(gcv, within(1e-9 * gcv));
      assertThat(s.curve().get(l).effectiveDf()).isCloseTo(trace, within(1e-9 * trace));
    }
  }

  @ParameterizedTest(name = "standardize {0}")
  @CsvSource({"false", "true"})
  void kFold_equalsRefittingOnTheOtherFolds(boolean standardize) {
    double[][] x = design(53, 4, 31, false);
    double[] y = targets(x, 32);
    LinearRegressionTrainer trainer = LinearRegressionTrainer.builder().standardize(standardize).build();
    RidgeSelection s = RidgeSearch.builder().grid(GRID).kFold(5).seed(9).build().select(trainer, x, y);
    List<DataSplit> splits = DataSplit.kFold(x.length, 5, 9);
    for (int l = 0; l < GRID.length; l++) {
      double sse = 0;
      double[] foldMse = new double[5];
      for (int f = 0; f < 5; f++) {
        DataSplit split = splits.get(f);
        LinearRegressionModel m = LinearRegressionTrainer.builder().standardize(standardize).ridge(GRID[l]).build()
            .fit(split.train(x), split.train(y));
        double[][] tx = split.test(x);
        double[] ty = split.test(y);
        double fold = 0;
        for (int i = 0; i < tx.length; i++) {
          double e = ty[i] - predict(m, tx[i]);
          fold += e * e;
        }
        sse += fold;
        foldMse[f] = fold / tx.length;
      }
      double mean = sse / x.length;
      assertThat(s.curve().get(l).score()).as("lambda %s", GRID[l]).isCloseTo(mean, within(1e-9 * mean));
      double avg = 0;
      for (double v : foldMse) {
        avg += v / 5;
      }
      double var = 0;
      for (double v : foldMse) {
        var += (v - avg) * (v - avg) / 4;
      }
      assertThat(s.curve().get(l).standardError()).isCloseTo(Math.sqrt(var / 5), within(1e-9 * Math.sqrt(var / 5)));
    }
  }

  @Test
  void select_reportsTheMinimumAndTheLargestPenaltyWithinOneStandardError() {
    double[][] x = design(200, 6, 41, false);
    double[] y = targets(x, 42);
    RidgeSelection s = RidgeSearch.builder().grid(RidgeSearch.logGrid(1e-3, 1e4, 29))
        .method(RidgeSearch.Method.LEAVE_ONE_OUT).build().select(LinearRegressionTrainer.ordinaryLeastSquares(), x, y);
    RidgeSelection.Point min = s.curve().stream().min(java.util.Comparator.comparingDouble(RidgeSelection.Point::score))
        .orElseThrow();
    assertThat(s.best()).isEqualTo(min.ridge());
    assertThat(s.oneStandardError()).isGreaterThanOrEqualTo(s.best());
    RidgeSelection.Point chosen = s.curve().stream().filter(p -> p.ridge() == s.oneStandardError()).findFirst()
        .orElseThrow();
    assertThat(chosen.score()).isLessThanOrEqualTo(min.score() + min.standardError());
    s.curve().stream().filter(p -> p.ridge() > s.oneStandardError())
        .forEach(p -> assertThat(p.score()).isGreaterThan(min.score() + min.standardError()));
  }

  @Test
  void generalized_hasNoOneStandardErrorChoice() {
    double[][] x = design(50, 2, 51, false);
    RidgeSelection s = RidgeSearch.builder().build().select(LinearRegressionTrainer.ordinaryLeastSquares(), x,
        targets(x, 52));
    assertThat(s.method()).isEqualTo(RidgeSearch.Method.GENERALIZED);
    assertThat(s.curve()).hasSize(33);
    assertThat(s.oneStandardError()).isNaN();
  }

  @Test
  void json_roundTrips() {
    double[][] x = design(60, 3, 61, false);
    RidgeSelection s = RidgeSearch.builder().kFold(4).build().select(LinearRegressionTrainer.ordinaryLeastSquares(), x,
        targets(x, 62));
    assertThat(RidgeSelection.fromJson(s.toJson())).isEqualTo(s);
    assertThatThrownBy(() -> RidgeSelection.fromJson("{\"method\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown method 'x'");
  }

  @Test
  void logGrid_isEvenlySpacedInLogWithExactEnds() {
    double[] g = RidgeSearch.logGrid(1e-4, 1e4, 33);
    assertThat(g).hasSize(33);
    assertThat(g[0]).isEqualTo(1e-4);
    assertThat(g[32]).isEqualTo(1e4);
    assertThat(g[16]).isCloseTo(1, within(1e-12));
    assertThat(Math.log10(g[1]) - Math.log10(g[0])).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void badSettingsAndData_areRefusedWithTheirValue() {
    assertThatThrownBy(() -> RidgeSearch.logGrid(0, 1, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < from <= to");
    assertThatThrownBy(() -> RidgeSearch.builder().grid(1, 1)).hasMessageContaining("holds 1.0 twice");
    assertThatThrownBy(() -> RidgeSearch.builder().kFold(1)).hasMessageContaining("at least 2 folds, got 1");
    double[][] x = design(5, 3, 71, false);
    assertThatThrownBy(() -> RidgeSearch.builder().kFold(3).build().select(LinearRegressionTrainer
        .ordinaryLeastSquares(), x, targets(x, 72))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("5 rows are too few");
    double[][] constant = {{1, 2}, {1, 3}, {1, 5}, {1, 7}, {1, 1}};
    assertThatThrownBy(() -> RidgeSearch.builder().build().select(LinearRegressionTrainer.builder().standardize(true)
        .build(), constant, new double[] {1, 2, 3, 4, 5})).hasMessageContaining("column 'x1' is constant");
  }

  static double[][] design(int n, int p, long seed, boolean illConditioned) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        x[i][j] = 3 * j + (j + 1) * gaussian(r);
      }
      if (illConditioned) {
        x[i][p - 1] = x[i][0] + 1e-6 * gaussian(r);
      }
    }
    return x;
  }

  static double[] targets(double[][] x, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double v = 2;
      for (int j = 0; j < x[i].length; j++) {
        v += (j % 2 == 0 ? 1.5 : -0.7) * x[i][j];
      }
      y[i] = v + 2 * gaussian(r);
    }
    return y;
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static double predict(LinearRegressionModel m, double[] row) {
    double v = m.intercept();
    for (int j = 0; j < row.length; j++) {
      v += m.coefficient(j) * row[j];
    }
    return v;
  }

  private static double[] scales(double[][] x) {
    int p = x[0].length;
    double[] out = new double[p];
    for (int j = 0; j < p; j++) {
      double mean = 0;
      for (double[] row : x) {
        mean += row[j] / x.length;
      }
      double ss = 0;
      for (double[] row : x) {
        ss += (row[j] - mean) * (row[j] - mean);
      }
      out[j] = Math.sqrt(ss / x.length);
    }
    return out;
  }

  private static double[] ones(int p) {
    double[] out = new double[p];
    java.util.Arrays.fill(out, 1);
    return out;
  }

  private static double[][] divide(double[][] x, double[] scale) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new double[x[i].length];
      for (int j = 0; j < scale.length; j++) {
        out[i][j] = x[i][j] / scale[j];
      }
    }
    return out;
  }

  private static double[][] without(double[][] x, int row) {
    double[][] out = new double[x.length - 1][];
    for (int i = 0, k = 0; i < x.length; i++) {
      if (i != row) {
        out[k++] = x[i];
      }
    }
    return out;
  }

  private static double[] without(double[] y, int row) {
    double[] out = new double[y.length - 1];
    for (int i = 0, k = 0; i < y.length; i++) {
      if (i != row) {
        out[k++] = y[i];
      }
    }
    return out;
  }
}
