package dev.maas.monitor;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Watches a model's live inputs and outputs for drift from its {@link ReferenceStatistics}: each
 * observed value is counted in its feature's reference bin over a sliding {@link Window}, and a
 * {@link #report()} compares the window with the reference (PSI, Jensen-Shannon distance,
 * Kolmogorov-Smirnov statistic) and gives the running counts of missing and out-of-range values.
 *
 * <p>Observing costs a bin search and one atomic add per value, on counters striped by thread so
 * that concurrent requests rarely share a cache line; it allocates nothing and takes no lock
 * (except once per window step). At most {@link MonitorOptions#maxFeatures()} features are
 * tracked: the outputs' first, then the inputs', each in column order.
 *
 * <p>Thread-safe: any number of threads may observe while others take reports. A report taken
 * while requests are counted may include part of a request.
 */
public final class DriftMonitor {
  private static final int NUMERIC = 0;
  private static final int CATEGORICAL = 1;
  private static final int STRING = 2;
  private static final int TOTALS_PAD = 16;

  /** From this many rows a request's numeric values are counted in a local histogram first. */
  private static final int LOCAL_COUNT_ROWS = 8;

  private final ReferenceStatistics reference;
  private final Plan[] inputPlans;
  private final Plan[] outputPlans;
  private final List<Tracked> tracked = new ArrayList<>();
  private final WindowCounters window;
  private final long[] totals;
  private final int totalsStride;
  private final int stripeMask;
  private final int untracked;
  /** The most bins of a tracked feature: the size of the local histogram of {@link #countLocally}. */
  private final int maxBins;

  private DriftMonitor(ReferenceStatistics reference, MonitorOptions options) {
    this.reference = reference;
    int[] budget = {options.maxFeatures()};
    int[] slots = {0};
    int[] totalSlots = {0};
    List<Plan> outs = plans(reference.outputs(), FeatureDrift.Side.OUTPUT, budget, slots, totalSlots);
    List<Plan> ins = plans(reference.inputs(), FeatureDrift.Side.INPUT, budget, slots, totalSlots);
    this.outputPlans = outs.toArray(new Plan[0]);
    this.inputPlans = ins.toArray(new Plan[0]);
    for (Plan p : outputPlans) {
      tracked.addAll(Arrays.asList(p.features));
    }
    for (Plan p : inputPlans) {
      tracked.addAll(Arrays.asList(p.features));
    }
    int all = 0;
    for (TensorReference t : reference.inputs()) {
      all += t.features().size();
    }
    for (TensorReference t : reference.outputs()) {
      all += t.features().size();
    }
    this.untracked = all - tracked.size();
    int most = 0;
    for (Tracked f : tracked) {
      most = Math.max(most, f.bins);
    }
    this.maxBins = most;
    int stripes = WindowCounters.stripesFor(Runtime.getRuntime().availableProcessors());
    this.stripeMask = stripes - 1;
    this.window = new WindowCounters(options.window(), slots[0], stripes, options.nanoClock());
    this.totalsStride = ((totalSlots[0] + 7) & ~7) + TOTALS_PAD;
    this.totals = new long[totalsStride * stripes];
  }

  /** A monitor of live data against {@code reference}. */
  public static DriftMonitor create(ReferenceStatistics reference, MonitorOptions options) {
    return new DriftMonitor(Objects.requireNonNull(reference, "reference"), Objects.requireNonNull(options, "options"));
  }

  /** The reference this monitor compares with. */
  public ReferenceStatistics reference() {
    return reference;
  }

  /**
   * A predictor that passes every call to {@code backend} and observes its inputs and outputs here.
   *
   * @throws InvalidInputException if the reference does not fit the backend's signature
   */
  public Predictor monitoring(Predictor backend) {
    Objects.requireNonNull(backend, "backend");
    reference.checkFits(backend.signature());
    return new MonitoredPredictor(backend, this);
  }

  private static final class MonitoredPredictor implements Predictor {
    private final Predictor backend;
    private final DriftMonitor monitor;

    MonitoredPredictor(Predictor backend, DriftMonitor monitor) {
      this.backend = backend;
      this.monitor = monitor;
    }

    @Override
    public ModelSignature signature() {
      return backend.signature();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      Map<String, Tensor> result = backend.predict(inputs, outputs);
      monitor.observe(inputs, result);
      return result;
    }
  }

  /**
   * Counts one request: its inputs and the outputs the model gave for them. Tensors the reference
   * does not describe are ignored, as are described tensors that are absent (an output the caller
   * did not ask for). The request counts as one step of a row window by the rows of its first
   * described tensor.
   *
   * @throws InvalidInputException if a described tensor's values do not divide into the reference's
   *     columns, or a string tensor is numeric in the reference (or the other way round); nothing is
   *     counted then
   */
  public void observe(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
    int rows = check(inputPlans, inputs, -1);
    rows = check(outputPlans, outputs, rows);
    if (rows < 0) {
      return;
    }
    WindowCounters.Segment segment = window.segmentFor(rows);
    long[] counts = segment.counts;
    int base = window.stripeBase();
    int totalsBase = ((int) Thread.currentThread().getId() & stripeMask) * totalsStride;
    count(inputPlans, inputs, counts, base, totalsBase);
    count(outputPlans, outputs, counts, base, totalsBase);
  }

  private static int check(Plan[] plans, Map<String, Tensor> tensors, int rows) {
    for (Plan p : plans) {
      Tensor t = tensors.get(p.tensor);
      if (t == null) {
        continue;
      }
      if (p.axis != TensorReference.DEFAULT_AXIS && (t.rank() <= p.axis || t.dim(p.axis) != p.columns)) {
        throw new InvalidInputException(p.side.name().toLowerCase(java.util.Locale.ROOT) + " '" + p.tensor + "': "
            + t.dataType() + " " + Arrays.toString(t.shape()) + " does not have the reference's " + p.columns
            + " features along axis " + p.axis);
      }
      if (t.size() % p.columns != 0 || (t.dataType() == DataType.BYTES) != p.strings) {
        throw new InvalidInputException(p.side.name().toLowerCase(java.util.Locale.ROOT) + " '" + p.tensor + "': "
            + t.dataType() + " " + Arrays.toString(t.shape()) + " does not fit the reference's "
            + (p.strings ? "string" : "numeric") + " rows of " + p.columns + (p.columns == 1 ? " value" : " values"));
      }
      if (rows < 0) {
        // a declared axis counts its leading dimension (the batch) as the rows; a tabular tensor its rows
        rows = p.axis == TensorReference.DEFAULT_AXIS ? t.size() / p.columns : Math.toIntExact(t.dim(0));
      }
    }
    return rows;
  }

  private void count(Plan[] plans, Map<String, Tensor> tensors, long[] counts, int base, int totalsBase) {
    for (Plan p : plans) {
      Tensor t = tensors.get(p.tensor);
      if (t == null) {
        continue;
      }
      int inner = ReferenceLayout.inner(t, p.axis);
      if (inner != 1) {
        countAlongAxis(p, t, inner, counts, base, totalsBase);
        continue;
      }
      int columns = p.columns;
      int n = t.size() / columns;
      Tracked[] features = p.features;
      if (p.strings) {
        for (int r = 0, row = 0; r < n; r++, row += columns) {
          for (Tracked f : features) {
            int index = row + f.column;
            int bin;
            if (t.byteStringLength(index) == 0) {
              bin = f.bins;
              WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal, 1L);
            } else {
              bin = f.strings.bin(t, index);
              if (bin == f.bins - 1) {
                WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal + 1, 1L);
              }
            }
            WindowCounters.LONGS.getAndAdd(counts, base + f.slot + bin, 1L);
          }
        }
      } else if (n >= LOCAL_COUNT_ROWS) {
        countLocally(t, n, columns, features, counts, base, totalsBase);
      } else {
        for (int r = 0, row = 0; r < n; r++, row += columns) {
          for (Tracked f : features) {
            double v = t.getDouble(row + f.column);
            int bin;
            if (v != v) {
              bin = f.bins;
              WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal, 1L);
            } else {
              bin = f.bin(v);
              if (f.outside(v, bin)) {
                WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal + 1, 1L);
              }
            }
            WindowCounters.LONGS.getAndAdd(counts, base + f.slot + bin, 1L);
          }
        }
      }
      WindowCounters.LONGS.getAndAdd(totals, totalsBase + p.rowsTotal, (long) n);
    }
  }

  /**
   * The numeric loop of {@link #count} for requests of many rows: each feature's values are binned
   * into a local histogram first, and only its non-zero bins are added to the shared counters, so
   * a request pays one atomic add per bin touched instead of one per value.
   */
  private void countLocally(Tensor t, int n, int columns, Tracked[] features, long[] counts, int base,
      int totalsBase) {
    long[] local = new long[maxBins + 1];
    for (Tracked f : features) {
      long missing = 0;
      long outsideCount = 0;
      int bins = f.bins;
      for (int r = 0, index = f.column; r < n; r++, index += columns) {
        double v = t.getDouble(index);
        int bin;
        if (v != v) {
          bin = bins;
          missing++;
        } else {
          bin = f.bin(v);
          if (f.outside(v, bin)) {
            outsideCount++;
          }
        }
        local[bin]++;
      }
      for (int b = 0; b <= bins; b++) {
        if (local[b] != 0) {
          WindowCounters.LONGS.getAndAdd(counts, base + f.slot + b, local[b]);
          local[b] = 0;
        }
      }
      if (missing != 0) {
        WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal, missing);
      }
      if (outsideCount != 0) {
        WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal + 1, outsideCount);
      }
    }
  }

  /**
   * As the loops of {@link #count}, for a declared axis whose features hold {@code inner} values per
   * block (rare and not the tabular hot path, so written plainly).
   */
  private void countAlongAxis(Plan p, Tensor t, int inner, long[] counts, int base, int totalsBase) {
    int block = p.columns * inner;
    int n = t.size() / block;
    for (int r = 0; r < n; r++) {
      for (Tracked f : p.features) {
        for (int j = 0, index = r * block + f.column * inner; j < inner; j++, index++) {
          int bin;
          boolean missing;
          boolean outside;
          if (p.strings) {
            missing = t.byteStringLength(index) == 0;
            bin = missing ? f.bins : f.strings.bin(t, index);
            outside = !missing && bin == f.bins - 1;
          } else {
            double v = t.getDouble(index);
            missing = v != v;
            bin = missing ? f.bins : f.bin(v);
            outside = !missing && f.outside(v, bin);
          }
          if (missing) {
            WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal, 1L);
          } else if (outside) {
            WindowCounters.LONGS.getAndAdd(totals, totalsBase + f.missingTotal + 1, 1L);
          }
          WindowCounters.LONGS.getAndAdd(counts, base + f.slot + bin, 1L);
        }
      }
    }
    // the feature's values, as its missing and out-of-range counts: one per value, not per block
    WindowCounters.LONGS.getAndAdd(totals, totalsBase + p.rowsTotal, (long) n * inner);
  }

  /** The drift of every tracked feature now. */
  public DriftReport report() {
    List<FeatureDrift> out = new ArrayList<>(tracked.size());
    for (Tracked f : tracked) {
      long[] counts = new long[f.bins + 1];
      window.sum(f.slot, counts);
      out.add(new FeatureDrift(f.side, f.plan.tensor, f.reference, counts, total(f.plan.rowsTotal),
          total(f.missingTotal), total(f.missingTotal + 1)));
    }
    return new DriftReport(out, untracked);
  }

  private long total(int slot) {
    long sum = 0;
    for (int base = 0; base < totals.length; base += totalsStride) {
      sum += (long) WindowCounters.LONGS.getVolatile(totals, base + slot);
    }
    return sum;
  }

  private static List<Plan> plans(List<TensorReference> tensors, FeatureDrift.Side side, int[] budget, int[] slots,
      int[] totalSlots) {
    List<Plan> plans = new ArrayList<>();
    for (TensorReference t : tensors) {
      int take = Math.min(budget[0], t.features().size());
      if (take == 0) {
        continue;
      }
      budget[0] -= take;
      boolean strings = t.features().get(0).kind() == FeatureKind.STRING;
      for (FeatureReference f : t.features()) {
        if ((f.kind() == FeatureKind.STRING) != strings) {
          throw new InvalidInputException("tensor '" + t.name() + "' mixes string and numeric features");
        }
      }
      Plan plan = new Plan(side, t.name(), t.axis(), t.columns(), strings, totalSlots[0]++);
      Tracked[] features = new Tracked[take];
      for (int i = 0; i < take; i++) {
        FeatureReference f = t.features().get(i);
        features[i] = new Tracked(side, plan, f, slots[0], totalSlots[0]);
        slots[0] += f.binCount() + 1;
        totalSlots[0] += 2;
      }
      plan.features = features;
      plans.add(plan);
    }
    return plans;
  }

  private static final class Plan {
    final FeatureDrift.Side side;
    final String tensor;
    final int axis;
    final int columns;
    final boolean strings;
    final int rowsTotal;
    Tracked[] features;

    Plan(FeatureDrift.Side side, String tensor, int axis, int columns, boolean strings, int rowsTotal) {
      this.side = side;
      this.tensor = tensor;
      this.axis = axis;
      this.columns = columns;
      this.strings = strings;
      this.rowsTotal = rowsTotal;
    }
  }

  private static final class Tracked {
    final FeatureDrift.Side side;
    final Plan plan;
    final FeatureReference reference;
    final int column;
    final int kind;
    final double[] edges;
    final double[] values;
    final StringBins strings;
    final double min;
    final double max;
    /** The first window counter of this feature: one per bin, then one for missing values. */
    final int slot;
    final int bins;
    /** The running count of missing values; the next slot counts out-of-range values. */
    final int missingTotal;

    Tracked(FeatureDrift.Side side, Plan plan, FeatureReference reference, int slot, int missingTotal) {
      this.side = side;
      this.plan = plan;
      this.reference = reference;
      this.column = reference.column();
      this.kind = switch (reference.kind()) {
        case NUMERIC -> NUMERIC;
        case CATEGORICAL -> CATEGORICAL;
        case STRING -> STRING;
      };
      this.edges = reference.edges();
      this.values = reference.categoryValues();
      this.strings = reference.kind() == FeatureKind.STRING ? new StringBins(reference.categoryStrings()) : null;
      this.min = reference.min();
      this.max = reference.max();
      this.slot = slot;
      this.bins = reference.binCount();
      this.missingTotal = missingTotal;
    }

    /** The bin of the present (not NaN) numeric value {@code v}. */
    int bin(double v) {
      return kind == NUMERIC ? Bins.numericBin(edges, v) : Bins.categoryBin(values, v);
    }

    /** Whether the present value {@code v}, in {@code bin}, lies outside the reference's range or categories. */
    boolean outside(double v, int bin) {
      return kind == NUMERIC ? v < min || v > max : bin == bins - 1;
    }
  }
}
