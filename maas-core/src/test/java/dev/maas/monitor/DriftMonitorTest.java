package dev.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
  /** Input "x": column 0 numeric N(0, 1), column 1 categorical {0, 1, 2}; output "y" = 2 x0. */
  private static final ModelSignature SIGNATURE = new ModelSignature(
      List.of(TensorSpec.of("x", DataType.FP64, -1, 2)), List.of(TensorSpec.of("y", DataType.FP64, -1)), true);
  private static final double TOLERANCE = 1e-9;

  private static double[][] draw(long seed, int n, double shift, double missingRate, int categories) {
    Random r = new Random(seed);
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      double x0 = r.nextGaussian() + shift;
      if (r.nextDouble() < missingRate) {
        x0 = Double.NaN;
      }
      rows[i] = new double[] {x0, r.nextInt(categories)};
    }
    return rows;
  }

  private static Map<String, Tensor> inputs(double[][] rows) {
    return Map.of("x", ReferenceBuilderTest.rows(rows));
  }

  private static Map<String, Tensor> outputs(double[][] rows) {
    double[] y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      y[i] = 2 * rows[i][0];
    }
    return Map.of("y", Tensor.ofDoubles(y, y.length));
  }

  private static ReferenceStatistics reference(double[][] rows) {
    ReferenceBuilder b = ReferenceStatistics.builder(SIGNATURE, ReferenceOptions.defaults());
    for (int from = 0; from < rows.length; from += 1000) {
      double[][] batch = java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + 1000));
      b.addInputs(inputs(batch)).addOutputs(outputs(batch));
    }
    return b.build();
  }

  private static final ReferenceStatistics REFERENCE = reference(draw(1, 10_000, 0, 0, 3));

  private static DriftReport observeAll(ReferenceStatistics ref, double[][] rows, Window window) {
    DriftMonitor m = DriftMonitor.create(ref, MonitorOptions.builder().window(window).build());
    for (int from = 0; from < rows.length; from += 7) {
      double[][] batch = java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + 7));
      m.observe(inputs(batch), outputs(batch));
    }
    return m.report();
  }

  @Test
  void observe_largeRequests_countExactlyAsSmallOnes() {
    // shifted, 10 % missing, a category (3) the reference never saw: every kind of count is exercised
    double[][] rows = draw(77, 3000, 0.7, 0.1, 4);
    DriftReport small = observeAll(REFERENCE, rows, Window.unbounded());
    DriftMonitor m = DriftMonitor.create(REFERENCE, MonitorOptions.builder().window(Window.unbounded()).build());
    for (int from = 0; from < rows.length; from += 250) {
      double[][] batch = java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + 250));
      m.observe(inputs(batch), outputs(batch));
    }
    DriftReport large = m.report();
    assertThat(large.features()).hasSameSizeAs(small.features()).isNotEmpty();
    for (int i = 0; i < small.features().size(); i++) {
      FeatureDrift a = small.features().get(i);
      FeatureDrift b = large.features().get(i);
      assertThat(b.windowCounts()).as(a.feature()).containsExactly(a.windowCounts());
      assertThat(b.missingTotal()).as(a.feature()).isEqualTo(a.missingTotal());
      assertThat(b.outOfRangeTotal()).as(a.feature()).isEqualTo(a.outOfRangeTotal());
      assertThat(b.observedTotal()).as(a.feature()).isEqualTo(a.observedTotal()).isEqualTo(3000);
    }
    assertThat(small.input("x", "0").orElseThrow().missingTotal()).isPositive();
    assertThat(small.input("x", "1").orElseThrow().outOfRangeTotal()).isPositive();
  }

  // ---- a straightforward implementation of the distances, independent of the production code ----

  /** Reference proportions per bin, then missing, as the record defines them. */
  private static double[] expectedReference(FeatureReference f) {
    long[] counts = f.binCounts();
    long sum = 0;
    for (long c : counts) {
      sum += c;
    }
    double[] p = new double[counts.length + 1];
    for (int i = 0; i < counts.length; i++) {
      p[i] = (1 - (double) f.missing() / f.count()) * counts[i] / sum;
    }
    p[counts.length] = (double) f.missing() / f.count();
    return p;
  }

  private static int slowBin(FeatureReference f, double v) {
    if (f.kind() == FeatureKind.NUMERIC) {
      double[] edges = f.edges();
      for (int i = 0; i < edges.length; i++) {
        if (v <= edges[i]) {
          return i;
        }
      }
      return edges.length;
    }
    double[] values = f.categoryValues();
    for (int i = 0; i < values.length; i++) {
      if (values[i] == v) {
        return i;
      }
    }
    return values.length;
  }

  private static long[] slowCounts(FeatureReference f, double[] values) {
    long[] counts = new long[f.binCount() + 1];
    for (double v : values) {
      counts[Double.isNaN(v) ? f.binCount() : slowBin(f, v)]++;
    }
    return counts;
  }

  private static double[] proportions(long[] counts) {
    double total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] q = new double[counts.length];
    for (int i = 0; i < q.length; i++) {
      q[i] = counts[i] / total;
    }
    return q;
  }

  private static double slowPsi(double[] p, double[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      double a = p[i] < 1e-4 ? 1e-4 : p[i];
      double b = q[i] < 1e-4 ? 1e-4 : q[i];
      s += (b - a) * Math.log(b / a);
    }
    return s;
  }

  private static double slowJs(double[] p, double[] q) {
    double kl1 = 0;
    double kl2 = 0;
    for (int i = 0; i < p.length; i++) {
      double m = 0.5 * p[i] + 0.5 * q[i];
      if (p[i] > 0) {
        kl1 += p[i] * (Math.log(p[i]) - Math.log(m)) / Math.log(2);
      }
      if (q[i] > 0) {
        kl2 += q[i] * (Math.log(q[i]) - Math.log(m)) / Math.log(2);
      }
    }
    return Math.sqrt(0.5 * kl1 + 0.5 * kl2);
  }

  private static double slowKs(long[] reference, long[] current, int bins) {
    double r = 0;
    double c = 0;
    for (int i = 0; i < bins; i++) {
      r += reference[i];
      c += current[i];
    }
    double best = 0;
    for (int k = 1; k < bins; k++) {
      double rc = 0;
      double cc = 0;
      for (int i = 0; i < k; i++) {
        rc += reference[i];
        cc += current[i];
      }
      best = Math.max(best, Math.abs(rc / r - cc / c));
    }
    return best;
  }

  private static double[] column(double[][] rows, int c) {
    double[] v = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      v[i] = rows[i][c];
    }
    return v;
  }

  private static void assertMatchesIndependent(FeatureDrift d, double[] values) {
    FeatureReference f = d.reference();
    long[] counts = slowCounts(f, values);
    assertThat(d.windowCounts()).containsExactly(counts);
    double[] p = expectedReference(f);
    double[] q = proportions(counts);
    assertThat(d.psi()).isCloseTo(slowPsi(p, q), within(TOLERANCE));
    assertThat(d.jensenShannon()).isCloseTo(slowJs(p, q), within(TOLERANCE));
    if (f.kind() == FeatureKind.NUMERIC) {
      assertThat(d.kolmogorovSmirnov()).isCloseTo(slowKs(f.binCounts(), counts, f.binCount()), within(TOLERANCE));
    } else {
      assertThat(d.kolmogorovSmirnov()).isNaN();
    }
  }

  @Test
  void report_seededShifts_matchIndependentDistancesAndGrowWithTheShift() {
    double[] shifts = {0, 0.1, 0.5, 1.0};
    double[] psi = new double[shifts.length];
    for (int s = 0; s < shifts.length; s++) {
      double[][] rows = draw(100 + s, 5000, shifts[s], 0, 3);
      DriftReport report = observeAll(REFERENCE, rows, Window.unbounded());
      FeatureDrift x0 = report.input("x", "0").orElseThrow();
      assertMatchesIndependent(x0, column(rows, 0));
      assertMatchesIndependent(report.input("x", "1").orElseThrow(), column(rows, 1));
      double[] y = new double[rows.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = 2 * rows[i][0];
      }
      assertMatchesIndependent(report.output("y", "0").orElseThrow(), y);
      psi[s] = x0.psi();
    }
    assertThat(psi[0]).isLessThan(0.1);
    assertThat(psi[1]).isLessThan(0.1).isGreaterThan(psi[0]);
    assertThat(psi[2]).isGreaterThan(0.1);
    assertThat(psi[3]).isGreaterThan(0.25);
  }

  @Test
  void report_newCategory_otherBinOutOfRangeAndSignificantPsi() {
    double[][] rows = draw(200, 3000, 0, 0, 4);
    FeatureDrift d = observeAll(REFERENCE, rows, Window.unbounded()).input("x", "1").orElseThrow();
    assertMatchesIndependent(d, column(rows, 1));
    long threes = java.util.Arrays.stream(rows).filter(r -> r[1] == 3).count();
    assertThat(d.windowCounts()[3]).isEqualTo(threes);
    assertThat(d.outOfRangeTotal()).isEqualTo(threes);
    assertThat(d.psi()).isGreaterThan(0.25);
  }

  @Test
  void report_missingValueSurge_missingCountedAndSignificantPsi() {
    double[][] rows = draw(300, 3000, 0, 0.3, 3);
    DriftReport report = observeAll(REFERENCE, rows, Window.unbounded());
    FeatureDrift d = report.input("x", "0").orElseThrow();
    assertMatchesIndependent(d, column(rows, 0));
    long missing = java.util.Arrays.stream(rows).filter(r -> Double.isNaN(r[0])).count();
    assertThat(d.missingTotal()).isEqualTo(missing);
    assertThat(d.missingRate()).isCloseTo((double) missing / rows.length, within(TOLERANCE));
    assertThat(d.psi()).isGreaterThan(0.25);
    assertThat(d.observedTotal()).isEqualTo(3000);
    assertThat(report.output("y", "0").orElseThrow().missingTotal()).isEqualTo(missing);
  }

  @Test
  void report_inDistributionWindows_falseAlarmRateBelowOnePercent() {
    int windows = 200;
    int alarms = 0;
    double worst = 0;
    for (int w = 0; w < windows; w++) {
      DriftReport report = observeAll(REFERENCE, draw(1000 + w, 1000, 0, 0, 3), Window.unbounded());
      for (FeatureDrift d : report.features()) {
        worst = Math.max(worst, d.psi());
        if (d.psi() > 0.1) {
          alarms++;
        }
      }
    }
    // 600 feature windows of 1,000 rows from the training distribution: PSI near (bins - 1) (1/n + 1/N)
    assertThat((double) alarms / (windows * 3)).isLessThanOrEqualTo(0.01);
    assertThat(worst).isLessThan(0.1);
  }

  @Test
  void rowWindow_slides_onlyRecentRowsCount() {
    DriftMonitor m = DriftMonitor.create(REFERENCE, MonitorOptions.builder()
        .window(new Window.Rows(1000, 10)).build());
    double[][] before = draw(400, 2000, 0, 0, 3);
    double[][] after = draw(401, 1000, 3, 0, 3);
    for (double[][] part : List.of(before, after)) {
      for (int from = 0; from < part.length; from += 10) {
        double[][] batch = java.util.Arrays.copyOfRange(part, from, from + 10);
        m.observe(inputs(batch), outputs(batch));
      }
    }
    FeatureDrift d = m.report().input("x", "0").orElseThrow();
    assertThat(d.windowCount()).isBetween(900L, 1000L);
    // every row in the window comes from the shifted data: its counts are those of the latest rows
    double[] latest = column(java.util.Arrays.copyOfRange(after, (int) (1000 - d.windowCount()), 1000), 0);
    assertMatchesIndependent(d, latest);
    assertThat(d.observedTotal()).isEqualTo(3000);
  }

  @Test
  void timeWindow_expires_emptyWindowGivesClearError() {
    AtomicLong now = new AtomicLong(0);
    DriftMonitor m = DriftMonitor.create(REFERENCE, MonitorOptions.builder()
        .window(new Window.Time(Duration.ofSeconds(10), 5)).nanoClock(now::get).build());
    assertThatThrownBy(() -> m.report().input("x", "0").orElseThrow().psi())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("input 'x', feature '0': PSI needs data, and the window holds no values yet");
    double[][] rows = draw(500, 100, 0, 0, 3);
    m.observe(inputs(rows), outputs(rows));
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    double[][] more = draw(501, 50, 0, 0, 3);
    m.observe(inputs(more), outputs(more));
    assertThat(m.report().input("x", "0").orElseThrow().windowCount()).isEqualTo(150);
    now.addAndGet(Duration.ofSeconds(7).toNanos());
    assertThat(m.report().input("x", "0").orElseThrow().windowCount()).isEqualTo(50);
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    FeatureDrift empty = m.report().input("x", "0").orElseThrow();
    assertThat(empty.hasData()).isFalse();
    assertThat(empty.observedTotal()).isEqualTo(150);
    assertThatThrownBy(empty::jensenShannon).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("window holds no values");
  }

  @Test
  void observe_concurrentThreads_noCountLost() throws Exception {
    DriftMonitor m = DriftMonitor.create(REFERENCE, MonitorOptions.builder().window(Window.unbounded()).build());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        double[][] rows = draw(600 + t, 5000, 0, 0.01, 3);
        done.add(pool.submit(() -> {
          for (int from = 0; from < rows.length; from += 5) {
            double[][] batch = java.util.Arrays.copyOfRange(rows, from, from + 5);
            m.observe(inputs(batch), outputs(batch));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (FeatureDrift d : m.report().features()) {
      assertThat(d.windowCount()).isEqualTo(20_000);
      assertThat(d.observedTotal()).isEqualTo(20_000);
    }
  }

  @Test
  void observe_tensorThatDoesNotFit_refusedNamingIt() {
    DriftMonitor m = DriftMonitor.create(REFERENCE, MonitorOptions.defaults());
    assertThatThrownBy(() -> m.observe(Map.of("x", Tensor.ofDoubles(new double[3], 1, 3)), Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("input 'x': FP64 [1, 3] does not fit the reference's numeric rows of 2 values");
    assertThatThrownBy(() -> m.observe(Map.of(), Map.of("y", Tensor.ofStrings(new String[] {"a"}, 1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("output 'y'");
    assertThat(m.report().features()).allSatisfy(d -> assertThat(d.windowCount()).isZero());
  }

  @Test
  void create_featureCap_outputsFirstAndUntrackedCounted() {
    DriftMonitor m = DriftMonitor.create(REFERENCE, MonitorOptions.builder().maxFeatures(2).build());
    DriftReport r = m.report();
    assertThat(r.features()).extracting(d -> d.side() + ":" + d.tensor() + "/" + d.feature())
        .containsExactly("OUTPUT:y/0", "INPUT:x/0");
    assertThat(r.untrackedFeatures()).isEqualTo(1);
  }

  @Test
  void monitoring_wrapsPredictor_observesEachCall() {
    Predictor doubler = new Predictor() {
      @Override
      public ModelSignature signature() {
        return SIGNATURE;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> in, Set<String> out) {
        Tensor x = in.get("x");
        double[] y = new double[(int) x.dim(0)];
        for (int i = 0; i < y.length; i++) {
          y[i] = 2 * x.getDouble(2 * i);
        }
        return Map.of("y", Tensor.ofDoubles(y, y.length));
      }
    };
    DriftMonitor m = DriftMonitor.create(REFERENCE, MonitorOptions.defaults());
    Predictor monitored = m.monitoring(doubler);
    double[][] rows = draw(700, 20, 0, 0, 3);
    monitored.predict(inputs(rows));
    assertThat(m.report().output("y", "0").orElseThrow().windowCount()).isEqualTo(20);
    ModelSignature other = new ModelSignature(List.of(TensorSpec.of("x", DataType.FP64, -1, 5)), SIGNATURE.outputs(), true);
    Predictor wrong = new Predictor() {
      @Override
      public ModelSignature signature() {
        return other;
      }

      @Override
      public Map<String, Tensor> predict(Map<String, Tensor> in, Set<String> out) {
        return Map.of();
      }
    };
    assertThatThrownBy(() -> m.monitoring(wrong)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2 columns; the model's input is FP64 [-1, 5]");
  }

  @Test
  void stringFeature_newCategory_countedAsOther() {
    ModelSignature s = new ModelSignature(List.of(TensorSpec.of("city", DataType.BYTES, -1)), List.of(TensorSpec.of("y", DataType.FP64, -1)), true);
    String[] train = {"oslo", "rome", "oslo", "lima"};
    ReferenceStatistics ref = ReferenceStatistics.builder(s, ReferenceOptions.defaults())
        .addInputs(Map.of("city", Tensor.ofStrings(train, 4))).build();
    DriftMonitor m = DriftMonitor.create(ref, MonitorOptions.defaults());
    m.observe(Map.of("city", Tensor.ofStrings(new String[] {"oslo", "paris", "", "rome"}, 4)), Map.of());
    FeatureDrift d = m.report().input("city", "0").orElseThrow();
    assertThat(d.binLabels()).containsExactly("oslo", "lima", "rome", "other", "missing");
    assertThat(d.windowCounts()).containsExactly(1, 0, 1, 1, 1);
    assertThat(d.outOfRangeTotal()).isEqualTo(1);
    assertThat(d.missingTotal()).isEqualTo(1);
    double[] p = {0.5, 0.25, 0.25, 0, 0};
    double[] q = {0.25, 0, 0.25, 0.25, 0.25};
    assertThat(d.psi()).isCloseTo(slowPsi(p, q), within(TOLERANCE));
    assertThat(d.jensenShannon()).isCloseTo(slowJs(p, q), within(TOLERANCE));
  }
}
