package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GramAccumulatorTest {
  private static final int Q = 7;

  /** Working rows: an intercept column, five features, a target. */
  private static double[][] rows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] rows = new double[n][Q];
    for (double[] row : rows) {
      row[0] = 1;
      double y = 0.5;
      for (int j = 1; j < Q - 1; j++) {
        row[j] = random.nextGaussian() * j + 0.3 * j;
        y += row[j] * (j % 2 == 0 ? 1 : -0.25);
      }
      row[Q - 1] = y + random.nextGaussian();
    }
    return rows;
  }

  private static GramAccumulator gram(double[][] rows, int from, int to, int block) {
    GramAccumulator g = new GramAccumulator(Q);
    double[][] buffer = new double[GramAccumulator.bufferRows(block)][Q];
    for (int start = from; start < to; start += block) {
      int count = Math.min(block, to - start);
      for (int i = 0; i < count; i++) {
        System.arraycopy(rows[start + i], 0, buffer[i], 0, Q);
      }
      g.addRows(buffer, null, count);
    }
    return g;
  }

  private static QrAccumulator householder(double[][] rows) {
    QrAccumulator acc = new QrAccumulator(Q);
    double[][] block = new double[Q][rows.length];
    for (int i = 0; i < rows.length; i++) {
      for (int c = 0; c < Q; c++) {
        block[c][i] = rows[i][c];
      }
    }
    acc.addData(block, rows.length);
    return acc;
  }

  @Test
  void factor_wellConditioned_isTheHouseholderFactorUpToRowSigns() {
    double[][] data = rows(1001, 3);
    QrAccumulator cholesky = gram(data, 0, data.length, 256).factor(Q - 1, 1, 100);
    QrAccumulator qr = householder(data);
    assertThat(cholesky).isNotNull();
    assertThat(cholesky.cholesky()).isTrue();
    assertThat(cholesky.count()).isEqualTo(1001);
    for (int i = 0; i < Q; i++) {
      double sign = Math.signum(qr.r()[i * Q + i]);
      assertThat(cholesky.r()[i * Q + i]).isGreaterThanOrEqualTo(0);
      for (int j = 0; j < Q; j++) {
        double scale = Math.abs(qr.r()[j * Q + j]) + 1;
        assertThat(cholesky.r()[i * Q + j]).as("R[%d][%d]", i, j)
            .isCloseTo(j < i ? 0 : sign * qr.r()[i * Q + j], within(1e-11 * scale));
      }
      assertThat(cholesky.mean(i)).isCloseTo(qr.mean(i), within(1e-13));
      assertThat(cholesky.sumOfSquares(i)).isCloseTo(qr.sumOfSquares(i), within(1e-10 * qr.sumOfSquares(i) + 1e-12));
    }
    assertThat(cholesky.condition()).isCloseTo(
        Solution.conditionNumber(qr.r(), Q, 1, Q - 1), within(1e-9 * cholesky.condition()));
  }

  @Test
  void merge_partsInAnyBlocking_equalTheWholeToRounding() {
    double[][] data = rows(900, 5);
    GramAccumulator whole = gram(data, 0, 900, 256);
    GramAccumulator parts = gram(data, 0, 333, 100);
    parts.merge(gram(data, 333, 900, 37));
    double[] a = whole.factor(Q - 1, 1, 100).r();
    double[] b = parts.factor(Q - 1, 1, 100).r();
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).isCloseTo(a[i], within(1e-12 * (1 + Math.abs(a[i]))));
    }
    assertThat(parts.count()).isEqualTo(900);
  }

  @Test
  void addData_columnMajor_equalsRowWise() {
    double[][] data = rows(300, 9);
    GramAccumulator rowWise = gram(data, 0, 300, 300);
    GramAccumulator columns = new GramAccumulator(Q);
    double[][] block = new double[Q][300];
    for (int i = 0; i < 300; i++) {
      for (int c = 0; c < Q; c++) {
        block[c][i] = data[i][c];
      }
    }
    columns.addData(block, null, 300);
    assertThat(columns.factor(Q - 1, 1, 100).r()).containsExactly(rowWise.factor(Q - 1, 1, 100).r());
  }

  @Test
  void factor_duplicatedColumn_isRefusedForHouseholder() {
    double[][] data = rows(500, 11);
    for (double[] row : data) {
      row[3] = row[2];
    }
    assertThat(gram(data, 0, 500, 256).factor(Q - 1, 1, 1e4)).isNull();
  }

  @Test
  void factor_conditionAboveTheLimit_isRefusedForHouseholder() {
    double[][] data = rows(500, 13);
    SplittableRandom random = new SplittableRandom(1);
    for (double[] row : data) {
      row[3] = row[2] + 1e-4 * random.nextGaussian();
    }
    GramAccumulator g = gram(data, 0, 500, 256);
    assertThat(gram(data, 0, 500, 256).factor(Q - 1, 1, 100)).isNull();
    assertThat(g.factor(Q - 1, 1, 1e7)).isNotNull();
  }

  @Test
  void factor_largeCommonOffset_isRefusedForHouseholder() {
    double[][] data = rows(500, 17);
    for (double[] row : data) {
      row[1] += 1e7;
    }
    assertThat(gram(data, 0, 500, 256).factor(Q - 1, 1, 1e4)).isNull();
  }
}
