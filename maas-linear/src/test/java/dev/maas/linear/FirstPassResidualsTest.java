package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FirstPassResidualsTest {
  private static final int N = 30_000;
  private static final int P = 5;

  /**
   * Sums gathered over growing segments at moving points, carried to the last point by the Gram
   * matrix, against the sums of a separate pass at that point; a point other than the last is
   * answered by the second read.
   */
  @Test
  void accumulate_afterMovingSegments_equalsASeparatePassAtTheLastPoint() {
    SplittableRandom random = new SplittableRandom(4);
    double[][] x = new double[N][P];
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      double v = 1.5;
      for (int j = 0; j < P; j++) {
        x[i][j] = 3 + random.nextGaussian();
        v += (j - 2) * x[i][j];
      }
      y[i] = v + random.nextGaussian();
    }
    Design d = new Design(List.of("a", "b", "c", "d", "e"), true, 0, false);
    d.setShifts(x[0], y[0]);
    int k = d.parameters;
    int[] rereads = {0};
    FirstPassResiduals first = new FirstPassResiduals(d, (hi, lo, rss, gradient) -> {
      rereads[0]++;
      return N;
    });
    int from = 0;
    int size = 256;
    int moves = 0;
    while (from < N) {
      int to = Math.min(N, from + size);
      double[] point = first.point();
      GramAccumulator gram = new GramAccumulator(d.columns);
      ResidualSums sums = new ResidualSums(d, point, new double[k]);
      double[][] buffer = new double[GramAccumulator.bufferRows(to - from)][d.columns];
      for (int i = from; i < to; i++) {
        d.fillRow(buffer, i - from, x[i], y[i], "row", i);
        sums.add(x[i], y[i]);
      }
      gram.addRows(buffer, null, to - from);
      first.add(new StreamedSums(gram, sums));
      if (to < N) {
        first.movePoint();
        moves++;
      }
      size = 3 * to;
      from = to;
    }
    double[] point = first.point();
    ResidualSums direct = new ResidualSums(d, point, new double[k]);
    for (int i = 0; i < N; i++) {
      direct.add(x[i], y[i]);
    }
    Dot2 expectedRss = new Dot2();
    Dot2[] expected = sums(k);
    direct.addTo(d, expectedRss, expected);
    Dot2 rss = new Dot2();
    Dot2[] gradient = sums(k);

    long rows = first.accumulate(point, new double[k], rss, gradient);

    assertThat(moves).isGreaterThanOrEqualTo(3);
    assertThat(rows).isEqualTo(N);
    assertThat(rereads[0]).isZero();
    assertThat(rss.value()).isCloseTo(expectedRss.value(), within(1e-12 * expectedRss.value()));
    for (int c = 0; c < k; c++) {
      assertThat(gradient[c].value()).as("gradient %d", c).isCloseTo(expected[c].value(), within(1e-12 * N));
    }
    assertThat(first.translationError()).isPositive().isFinite();

    first.accumulate(point, new double[k], new Dot2(), sums(k));
    assertThat(rereads[0]).as("a second request is read again").isEqualTo(1);
  }

  private static Dot2[] sums(int k) {
    Dot2[] out = new Dot2[k];
    for (int c = 0; c < k; c++) {
      out[c] = new Dot2();
    }
    return out;
  }
}
