package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InMemoryResidualPassTest {
  /** The pass against {@link SemiNormalRefiner#addRow} row by row, the reference it replaces. */
  @ParameterizedTest(name = "weighted {0}, intercept {1}, threads {2}")
  @CsvSource({"false, true, 1", "false, true, 3", "true, true, 2", "false, false, 2", "true, false, 1"})
  void accumulate_anyThreads_equalsRowByRowSums(boolean weighted, boolean intercept, int threads) {
    int n = 40_000;
    int p = 9;
    SplittableRandom random = new SplittableRandom(21);
    double[][] x = new double[n][p];
    double[] y = new double[n];
    double[] w = weighted ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      double v = 3;
      for (int j = 0; j < p; j++) {
        x[i][j] = 1e3 * j + random.nextGaussian() * (j + 1);
        v += x[i][j] / (j + 2);
      }
      y[i] = v + 1e-3 * random.nextGaussian();
      if (weighted) {
        w[i] = 0.5 + random.nextDouble();
      }
    }
    List<String> names = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
    Design d = new Design(names, intercept, 0, false, weighted);
    d.setShifts(x[0], y[0]);
    int k = d.parameters;
    double[] hi = new double[k];
    double[] lo = new double[k];
    for (int c = 0; c < k; c++) {
      hi[c] = random.nextGaussian();
      lo[c] = 1e-17 * random.nextGaussian();
    }
    Dot2 rss = new Dot2();
    Dot2[] gradient = new Dot2[k];
    Dot2 refRss = new Dot2();
    Dot2[] refGradient = new Dot2[k];
    for (int c = 0; c < k; c++) {
      gradient[c] = new Dot2();
      refGradient[c] = new Dot2();
    }
    long read = new InMemoryResidualPass(d, x, y, w, threads).accumulate(hi, lo, rss, gradient);
    double[] values = new double[d.values()];
    double[] scratch = new double[2 * k];
    Dot2 sum = new Dot2();
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, values, 0, p);
      values[p] = y[i];
      if (weighted) {
        values[p + 1] = w[i];
      }
      SemiNormalRefiner.addRow(d, values, hi, lo, scratch, sum, refRss, refGradient);
    }
    assertThat(read).isEqualTo(n);
    assertThat(rss.value()).isCloseTo(refRss.value(), within(1e-14 * refRss.value()));
    for (int c = 0; c < k; c++) {
      double scale = Math.sqrt(refRss.value()) * 1e3 * Math.sqrt(n);
      assertThat(gradient[c].value()).as("gradient %d", c).isCloseTo(refGradient[c].value(), within(1e-28 * scale));
    }
  }
}
