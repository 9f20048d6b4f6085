package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InMemoryResidualPassTest {
  /** The pass (the shared {@link ResidualSums} kernel) against {@link #addRow} row by row, the plain reference. */
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
      addRow(d, values, hi, lo, scratch, sum, refRss, refGradient);
    }
    assertThat(read).isEqualTo(n);
    assertThat(rss.value()).isCloseTo(refRss.value(), within(1e-14 * refRss.value()));
    for (int c = 0; c < k; c++) {
      double scale = Math.sqrt(refRss.value()) * 1e3 * Math.sqrt(n);
      assertThat(gradient[c].value()).as("gradient %d", c).isCloseTo(refGradient[c].value(), within(1e-28 * scale));
    }
  }

  /**
   * Adds one raw data row ({@code values}: the features, the target, then the weight if the
   * design is weighted; the weighted residual and gradient {@code Σ w e²}, {@code Σ w a e}) to {@code rss} and
   * {@code gradient}: the working row {@code a} and residual {@code y - a·(hi + lo)} are formed
   * exactly as double-double sums, so that the gradient keeps its digits when the residual is
   * large. {@code scratch} holds {@code 2 * parameters} doubles; {@code sum} is a work accumulator.
   */
  private static void addRow(Design design, double[] values, double[] hi, double[] lo, double[] scratch, Dot2 sum, Dot2 rss,
      Dot2[] gradient) {
    int k = design.parameters;
    int off = design.offset;
    double y = values[design.features];
    sum.reset();
    double yh = y - design.shiftY;
    sum.add(yh);
    sum.add(Dot2.differenceError(y, design.shiftY, yh));
    if (design.intercept) {
      scratch[0] = 1;
      scratch[k] = 0;
      sum.add(-hi[0]);
      sum.add(-lo[0]);
    }
    for (int j = 0; j < design.features; j++) {
      double ah = values[j] - design.shift[j];
      double al = Dot2.differenceError(values[j], design.shift[j], ah);
      scratch[off + j] = ah;
      scratch[k + off + j] = al;
      double b = hi[off + j];
      sum.addProduct(-ah, b);
      sum.addProduct(-al, b);
      sum.addProduct(-ah, lo[off + j]);
    }
    double rh = sum.value();
    double rl = sum.remainder(rh);
    if (design.weighted) {
      double w = values[design.features + 1];
      double wr = w * rh;
      rss.addProduct(wr, rh);
      rss.addProduct(2 * wr, rl);
      rl = Math.fma(w, rh, -wr) + w * rl;
      rh = wr;
    } else {
      rss.addProduct(rh, rh);
      rss.addProduct(2 * rh, rl);
    }
    for (int c = 0; c < k; c++) {
      double ah = scratch[c];
      double al = scratch[k + c];
      gradient[c].addProduct(ah, rh);
      gradient[c].addProduct(ah, rl);
      gradient[c].addProduct(al, rh);
    }
  }
}
