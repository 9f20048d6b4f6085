package dev.maas.monitor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One feature's running summary while a reference is built: exact counts, missing values, range and
 * (while there are few) distinct values, plus a uniform reservoir sample (Vitter's algorithm R) that
 * quantiles and, past the distinct-value limit, frequent values come from. Not thread-safe.
 */
final class FeatureAccumulator {
  private static final int FREQUENT_NUMERIC = 10;

  private final String name;
  private final int column;
  private final boolean strings;
  private final ReferenceOptions options;
  private final SplittableRandom random;

  private long count;
  private long missing;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private boolean integral = true;
  /** Exact counts per distinct value until there are more than maxCategories; then null. */
  private Map<Object, long[]> distinct = new HashMap<>();

  private double[] sample;
  private String[] stringSample;
  private int filled;
  private long present;

  FeatureAccumulator(String name, int column, boolean strings, ReferenceOptions options, long seed) {
    this.name = name;
    this.column = column;
    this.strings = strings;
    this.options = options;
    this.random = new SplittableRandom(seed);
    this.sample = strings ? null : new double[Math.min(options.sampleSize(), 1024)];
    this.stringSample = strings ? new String[Math.min(options.sampleSize(), 1024)] : null;
  }

  void add(double v) {
    count++;
    if (Double.isNaN(v)) {
      missing++;
      return;
    }
    if (v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
    integral &= v == Math.rint(v) && !Double.isInfinite(v);
    countDistinct(v == 0 ? 0.0 : v);
    int slot = reserve();
    if (slot >= 0) {
      sample[slot] = v;
    }
  }

  void add(String v) {
    count++;
    if (v.isEmpty()) {
      missing++;
      return;
    }
    countDistinct(v);
    int slot = reserve();
    if (slot >= 0) {
      stringSample[slot] = v;
    }
  }

  /** The sample slot the current value goes to, or -1 when the reservoir keeps what it has. */
  private int reserve() {
    present++;
    int cap = options.sampleSize();
    if (filled < cap) {
      ensureRoom();
      return filled++;
    }
    long j = random.nextLong(present);
    return j < cap ? (int) j : -1;
  }

  private void ensureRoom() {
    int length = strings ? stringSample.length : sample.length;
    if (filled < length) {
      return;
    }
    int next = (int) Math.min(options.sampleSize(), (long) length * 2);
    if (strings) {
      stringSample = Arrays.copyOf(stringSample, next);
    } else {
      sample = Arrays.copyOf(sample, next);
    }
  }

  private void countDistinct(Object key) {
    if (distinct == null) {
      return;
    }
    distinct.computeIfAbsent(key, k -> new long[1])[0]++;
    if (distinct.size() > options.maxCategories()) {
      distinct = null;
    }
  }

  FeatureReference build() {
    double lo = present == 0 || strings ? Double.NaN : min;
    double hi = present == 0 || strings ? Double.NaN : max;
    double[] none = new double[0];
    if (strings) {
      List<FrequentValue> frequent = distinct != null ? exactFrequent() : sampledFrequent();
      List<String> categories = new ArrayList<>();
      long[] bins = new long[frequent.size() + 1];
      long sampled = 0;
      for (int i = 0; i < frequent.size(); i++) {
        categories.add(frequent.get(i).value());
        bins[i] = frequent.get(i).count();
        sampled += bins[i];
      }
      bins[frequent.size()] = distinct != null ? 0 : filled - sampled;
      return new FeatureReference(name, column, FeatureKind.STRING, count, missing, lo, hi, none, none, categories,
          bins, frequent);
    }
    if (distinct != null && integral && present > 0) {
      List<Map.Entry<Object, long[]>> entries = new ArrayList<>(distinct.entrySet());
      entries.sort(Comparator.comparingDouble(e -> (Double) e.getKey()));
      double[] values = new double[entries.size()];
      long[] bins = new long[entries.size() + 1];
      for (int i = 0; i < values.length; i++) {
        values[i] = (Double) entries.get(i).getKey();
        bins[i] = entries.get(i).getValue()[0];
      }
      return new FeatureReference(name, column, FeatureKind.CATEGORICAL, count, missing, lo, hi, none, values,
          List.of(), bins, exactFrequent());
    }
    double[] sorted = Arrays.copyOf(sample, filled);
    Arrays.sort(sorted);
    double[] edges = quantileEdges(sorted, options.bins());
    long[] bins = new long[edges.length + 1];
    for (double v : sorted) {
      bins[Bins.numericBin(edges, v)]++;
    }
    List<FrequentValue> frequent = integral && present > 0
        ? (distinct != null ? exactFrequent() : sampledFrequent()) : List.of();
    return new FeatureReference(name, column, FeatureKind.NUMERIC, count, missing, lo, hi, edges, none, List.of(),
        bins, frequent);
  }

  /**
   * The distinct values among the {@code bins - 1} interior quantiles of {@code sorted} (the
   * {@code ceil(i n / bins)}-th smallest value for {@code i = 1 .. bins-1}), below the largest value
   * so that the top bin is never empty.
   */
  static double[] quantileEdges(double[] sorted, int bins) {
    int n = sorted.length;
    if (n == 0) {
      return new double[0];
    }
    double[] edges = new double[bins - 1];
    int k = 0;
    for (int i = 1; i < bins; i++) {
      int rank = (int) Math.max(1, (i * (long) n + bins - 1) / bins);
      double e = sorted[rank - 1];
      if (e < sorted[n - 1] && (k == 0 || e > edges[k - 1])) {
        edges[k++] = e;
      }
    }
    return Arrays.copyOf(edges, k);
  }

  private List<FrequentValue> exactFrequent() {
    return topValues(distinct, options.maxCategories());
  }

  private List<FrequentValue> sampledFrequent() {
    Map<Object, long[]> counts = new HashMap<>();
    for (int i = 0; i < filled; i++) {
      Object key = strings ? stringSample[i] : (Object) sample[i];
      counts.computeIfAbsent(key, x -> new long[1])[0]++;
    }
    return topValues(counts, strings ? options.maxCategories() : FREQUENT_NUMERIC);
  }

  private List<FrequentValue> topValues(Map<Object, long[]> counts, int limit) {
    List<Map.Entry<Object, long[]>> entries = new ArrayList<>(counts.entrySet());
    entries.sort((a, b) -> {
      int byCount = Long.compare(b.getValue()[0], a.getValue()[0]);
      if (byCount != 0) {
        return byCount;
      }
      return strings ? ((String) a.getKey()).compareTo((String) b.getKey())
          : Double.compare((Double) a.getKey(), (Double) b.getKey());
    });
    List<FrequentValue> out = new ArrayList<>();
    for (Map.Entry<Object, long[]> e : entries.subList(0, Math.min(limit, entries.size()))) {
      String text = strings ? (String) e.getKey() : FrequentValue.format((Double) e.getKey());
      out.add(new FrequentValue(text, e.getValue()[0]));
    }
    return out;
  }
}
