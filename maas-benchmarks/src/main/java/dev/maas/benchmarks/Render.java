package dev.maas.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns a suite run (JMH's JSON results and {@link Suite}'s run description) into the generated
 * section of {@code docs/benchmarks.md} and PNG charts: the machine, JVM, date, commit and load; a
 * table per benchmark class with every method's score and JMH's 99.9 % error, allocation per
 * operation, and each method's ratio to the class's reference method with its propagated error;
 * latency against batch size, fit time against n and p, any benchmark's score against a numeric
 * parameter such as concurrency, and bars of every ratio.
 *
 * <p>The section lies between the markers {@value #BEGIN} and {@value #END}; the text around them
 * (the hand-written sections) is kept as it is. Usage:
 * {@code Render RESULTS_DIR [--doc docs/benchmarks.md] [--images docs/images] [--data-link PATH]}.
 * Stateless.
 */
public final class Render {
  static final String BEGIN = "<!-- BEGIN GENERATED: suite -->";
  static final String END = "<!-- END GENERATED: suite -->";

  /** What a benchmark class compares: a title and the method every other method is divided by. */
  record Comparison(String title, String reference, String reading) {}

  /** Benchmark classes whose reference is known; any other class gets ratios against its fastest method. */
  static final Map<String, Comparison> COMPARISONS = Map.of(
      "LinearFitBenchmark", new Comparison("Linear fit: MaaS against commons-math3 and EJML", "maas",
          "peer ÷ MaaS above 1 means MaaS is faster; maasSingleThread is MaaS on one thread, as the peers run"),
      "LinearFitScalingBenchmark", new Comparison("Linear fit cost curves: time against n and p", "maas",
          "maasSingleThread ÷ maas is the gain from the second core; maasNever ÷ maas above 1 means the default "
          + "(Gram pass, refined where needed) beats one Householder pass"),
      "LinearPredictBenchmark", new Comparison("Single-row linear predict against a hand-written loop",
          "handWrittenDot", "maasPredictRow ÷ handWrittenDot is MaaS's overhead per call"),
      "LinearStreamingBenchmark", new Comparison("Streaming CSV fit against reading and parsing alone",
          "readAndParseOnly", "maasFitCsv ÷ readAndParseOnly: the whole fit against a one-thread parse"),
      "OnnxPredictBenchmark", new Comparison("ONNX predictor against raw OrtSession.run", "rawOrtSession",
          "MaaS ÷ raw near 1 means the adapter adds nothing"),
      "OnnxDjlBenchmark", new Comparison("MaaS against DJL's ONNX Runtime engine", "maasPredictor",
          "djlPredictor ÷ maasPredictor above 1 means MaaS is faster"),
      "TensorCopyBenchmark", new Comparison("Array-backed input: copying into the scratch buffer",
          "floatBufferPut", "tensorCopyTo ÷ floatBufferPut is the adapter's copy against one bulk put; "
          + "slicedViews is the adapter's copy before 2026-12-01"),
      "BatchingBenchmark", new Comparison("Dynamic batching against direct calls, 32 threads", "unbatched",
          "batched ÷ unbatched above 1 means batching raised throughput"),
      "BatchingLatencyBenchmark", new Comparison("Dynamic batching for a lone caller", "unbatched",
          "batched ÷ unbatched is the latency a lone caller pays for batching (the queue delay included)"),
      "ExplainBenchmark", new Comparison("Explanation throughput against raw prediction", "raw",
          "explain ÷ raw is the share of the model's batched throughput an explanation keeps"));

  /** A chart drawn from one class's results: x from a result, series name, which results. */
  record LineChart(String file, String className, String title, String xLabel, Function<JmhResult, Double> x,
      Predicate<JmhResult> filter, boolean logX, boolean logY) {}

  static final List<LineChart> LINE_CHARTS = List.of(
      new LineChart("onnx-latency-vs-batch.png", "OnnxPredictBenchmark", "ONNX predict latency against batch size",
          "batch size (rows per call)", r -> r.numericParam("batch"), r -> true, true, true),
      new LineChart("linear-fit-vs-n.png", "LinearFitScalingBenchmark", "Linear fit time against rows (p = 8)",
          "rows n", r -> shape(r)[0], r -> shape(r)[1] == 8 && !"ordinary".equals(r.params().get("data")), true, true),
      new LineChart("linear-fit-vs-p.png", "LinearFitScalingBenchmark", "Linear fit time against features (n = 10^5)",
          "features p", r -> shape(r)[1], r -> shape(r)[0] == 100_000 && !"ordinary".equals(r.params().get("data")),
          true, true));

  /** Numeric parameters that get a generic score-against-parameter chart in classes without a specific one. */
  static final List<String> CURVE_PARAMS = List.of("batch", "concurrency", "connections", "clients", "threads",
      "rows", "n");

  private Render() {}

  /** Renders; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println("usage: Render RESULTS_DIR [--doc docs/benchmarks.md] [--images docs/images]"
          + " [--data-link PATH]");
      System.exit(2);
    }
    Path results = Path.of(args[0]);
    Path doc = Path.of("docs/benchmarks.md");
    Path images = Path.of("docs/images");
    String dataLink = null;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--doc" -> doc = Path.of(args[i + 1]);
        case "--images" -> images = Path.of(args[i + 1]);
        case "--data-link" -> dataLink = args[i + 1];
        default -> {
          System.err.println("render: unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    List<JmhResult> cells = JmhResult.read(results.resolve("jmh.json"));
    Map<String, Object> info = JmhResult.Json.map(JmhResult.Json.read(results.resolve("run-info.json")));
    Files.createDirectories(images);
    String imageLink = doc.toAbsolutePath().getParent().relativize(images.toAbsolutePath()).toString();
    String section = render(cells, info, images, imageLink, dataLink);
    String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "# Benchmarks\n";
    Files.writeString(doc, splice(text, section), StandardCharsets.UTF_8);
    System.out.println("render: " + cells.size() + " results into " + doc + " and " + images);
  }

  /** {@code text} with the generated section replaced by {@code section} (appended if there is none yet). */
  static String splice(String text, String section) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      return text.stripTrailing() + "\n\n" + BEGIN + "\n" + section + END + "\n";
    }
    return text.substring(0, begin + BEGIN.length()) + "\n" + section + text.substring(end);
  }

  /** The generated section's markdown; writes the charts into {@code images}, linked as {@code imageLink}. */
  static String render(List<JmhResult> cells, Map<String, Object> info, Path images, String imageLink,
      String dataLink) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("## Suite results (generated)\n\n");
    md.append("Generated by `maas-benchmarks/render` from one suite run; edits inside these markers are "
        + "overwritten.\n\n");
    md.append(String.format(Locale.ROOT, "- Profile: **%s**%s; commit `%s`; %s to %s UTC.%n", info.get("profile"),
        patterns(info), info.get("commit"), info.get("started"), info.get("finished")));
    md.append(String.format(Locale.ROOT, "- Machine: %s, %s cores, %s memory, %s; %s.%n", info.get("cpu"),
        fmtInt(JmhResult.Json.number(info.get("cores"))), info.get("memory"), info.get("os"), cells.isEmpty()
            ? info.get("jvm") : cells.get(0).jvm()));
    md.append(String.format(Locale.ROOT, "- Load average (1, 5, 15 min): %s at the start, %s at the end.%s%n",
        info.get("loadAtStart"), info.get("loadAtEnd"), loaded(info)));
    md.append("- Reproduce: `maas-benchmarks/run ").append(info.get("profile")).append(patternArgs(info))
        .append("`, then `maas-benchmarks/render RESULTS_DIR` with the directory it names.");
    if (dataLink != null) {
      md.append(" Raw JMH results: [").append(dataLink).append("](").append(dataLink).append(").");
    }
    md.append("\n\n");
    md.append("Scores are JMH's with its 99.9 % confidence half-width (± error; a blank error means too few "
        + "iterations to tell); *B/op* is allocation per operation from JMH's GC profiler; ratios divide one "
        + "method's score by the reference method's score of the same row, with the error propagated from "
        + "both.\n\n");
    Map<String, List<JmhResult>> byClass = new LinkedHashMap<>();
    for (JmhResult r : cells) {
      byClass.computeIfAbsent(r.className(), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<JmhResult>> e : byClass.entrySet()) {
      md.append(table(e.getKey(), e.getValue()));
      for (String chart : charts(e.getKey(), e.getValue(), images)) {
        md.append("![").append(chart).append("](").append(imageLink).append('/').append(chart).append(")\n\n");
      }
    }
    return md.toString();
  }

  private static String loaded(Map<String, Object> info) {
    String start = String.valueOf(info.get("loadAtStart"));
    double cores = JmhResult.Json.number(info.get("cores"));
    try {
      double load = Double.parseDouble(start.split(" ")[0]);
      // a 1-minute load above the core count means something besides this run wanted the cores
      // (the benchmark itself keeps one or two busy, and a build just before leaves a trailing average)
      if (load > cores) {
        return " Other work shared the cores during the run, so single figures carry that noise; the ratios "
            + "compare cells of the same run.";
      }
    } catch (NumberFormatException e) {
      return "";
    }
    return "";
  }

  private static String patterns(Map<String, Object> info) {
    Object p = info.get("patterns");
    return p instanceof List<?> l && !l.isEmpty() ? " (benchmarks matching " + l + ")" : " (the whole suite)";
  }

  private static String patternArgs(Map<String, Object> info) {
    Object p = info.get("patterns");
    if (p instanceof List<?> l && !l.isEmpty()) {
      return l.stream().map(o -> " '" + o + "'").collect(Collectors.joining());
    }
    return "";
  }

  /** The markdown table of one benchmark class. */
  static String table(String className, List<JmhResult> results) {
    Comparison comparison = COMPARISONS.get(className);
    String wanted = comparison == null ? null : comparison.reference();
    List<String> methods = results.stream().map(JmhResult::method).distinct()
        .sorted(java.util.Comparator.comparing(m -> !m.equals(wanted))).toList();
    List<String> paramNames = columns(results);
    Map<List<String>, Map<String, JmhResult>> rows = rows(results, paramNames);
    StringBuilder md = new StringBuilder();
    md.append("### ").append(comparison == null ? className : comparison.title()).append(" (`").append(className)
        .append("`)\n\n");
    JmhResult first = results.get(0);
    md.append("Mode ").append(first.mode()).append(", unit ").append(first.unit()).append('.');
    String reference = comparison != null && methods.contains(comparison.reference()) ? comparison.reference() : null;
    if (comparison != null) {
      md.append(' ').append(capitalize(comparison.reading())).append('.');
    } else if (methods.size() > 1) {
      md.append(" Ratios are against the row's fastest method.");
    }
    md.append("\n\n|");
    paramNames.forEach(p -> md.append(' ').append(p).append(" |"));
    methods.forEach(m -> md.append(' ').append(m).append(" |"));
    List<String> ratioMethods = methods.size() < 2 ? List.of()
        : methods.stream().filter(m -> !m.equals(reference)).toList();
    for (String m : ratioMethods) {
      md.append(' ').append(m).append(" ÷ ").append(reference == null ? "fastest" : reference).append(" |");
    }
    md.append("\n|");
    md.append(" --- |".repeat(paramNames.size() + methods.size() + ratioMethods.size()));
    md.append('\n');
    for (Map.Entry<List<String>, Map<String, JmhResult>> row : rows.entrySet()) {
      md.append('|');
      row.getKey().forEach(v -> md.append(' ').append(v).append(" |"));
      for (String m : methods) {
        JmhResult r = row.getValue().get(m);
        md.append(' ').append(r == null ? "–" : cell(r)).append(" |");
      }
      JmhResult base = reference != null ? row.getValue().get(reference) : fastest(row.getValue());
      for (String m : ratioMethods) {
        JmhResult r = row.getValue().get(m);
        md.append(' ').append(r == null || base == null ? "–" : ratioText(r, base)).append(" |");
      }
      md.append('\n');
    }
    md.append('\n');
    return md.toString();
  }

  /** Every parameter of the results (plus threads when above one or differing), in name order. */
  static List<String> columns(List<JmhResult> results) {
    Set<String> names = new TreeSet<>();
    results.forEach(r -> names.addAll(r.params().keySet()));
    List<String> out = new ArrayList<>(names);
    if (!names.contains("threads") && results.stream().anyMatch(r -> r.threads() != 1)) {
      out.add("threads");
    }
    return out;
  }

  /** The parameters whose value differs between results (plus threads when it differs), in name order. */
  static List<String> varying(List<JmhResult> results) {
    Set<String> names = new TreeSet<>();
    results.forEach(r -> names.addAll(r.params().keySet()));
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (results.stream().map(r -> r.params().get(n)).distinct().count() > 1) {
        out.add(n);
      }
    }
    if (results.stream().map(JmhResult::threads).distinct().count() > 1) {
      out.add("threads");
    }
    return out;
  }

  private static Map<List<String>, Map<String, JmhResult>> rows(List<JmhResult> results, List<String> names) {
    Map<List<String>, Map<String, JmhResult>> rows = new LinkedHashMap<>();
    for (JmhResult r : results) {
      List<String> key = names.stream().map(n -> n.equals("threads") && !r.params().containsKey(n)
          ? Integer.toString(r.threads()) : Objects.toString(r.params().get(n), "")).toList();
      rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(r.method(), r);
    }
    return rows;
  }

  private static JmhResult fastest(Map<String, JmhResult> row) {
    boolean higherIsBetter = row.values().stream().anyMatch(r -> r.mode().equals("thrpt"));
    return row.values().stream().reduce((a, b) -> higherIsBetter == (a.score() >= b.score()) ? a : b).orElse(null);
  }

  static String cell(JmhResult r) {
    StringBuilder s = new StringBuilder(number(r.score()));
    if (Double.isFinite(r.error())) {
      s.append(" ± ").append(number(r.error()));
    }
    if (r.percentiles().containsKey(99.0)) {
      s.append(" (p50 ").append(number(r.percentiles().get(50.0))).append(", p99 ")
          .append(number(r.percentiles().get(99.0))).append(')');
    }
    if (Double.isFinite(r.allocBytesPerOp())) {
      s.append(", ").append(r.allocBytesPerOp() < 0.5 ? "≈ 0" : fmtInt(r.allocBytesPerOp())).append(" B/op");
    }
    return s.toString();
  }

  /** {@code r ÷ base} with the error propagated from both scores' relative errors. */
  static double[] ratio(JmhResult r, JmhResult base) {
    double q = r.score() / base.score();
    double ea = Double.isFinite(r.error()) ? r.error() / r.score() : Double.NaN;
    double eb = Double.isFinite(base.error()) ? base.error() / base.score() : Double.NaN;
    return new double[] {q, q * Math.sqrt(ea * ea + eb * eb)};
  }

  private static String ratioText(JmhResult r, JmhResult base) {
    double[] q = ratio(r, base);
    String s = String.format(Locale.ROOT, "%.3g", q[0]);
    return Double.isFinite(q[1]) ? s + " ± " + String.format(Locale.ROOT, "%.2g", q[1]) : s;
  }

  /** A number with four significant digits, plain notation. */
  static String number(double v) {
    if (!Double.isFinite(v)) {
      return String.valueOf(v);
    }
    if (v != 0 && Math.abs(v) >= 10_000) {
      return fmtInt(v);
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static String fmtInt(double v) {
    return String.format(Locale.ROOT, "%,d", Math.round(v));
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static double[] shape(JmhResult r) {
    String[] parts = r.params().getOrDefault("shape", "0x0").split("x");
    return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
  }

  /** Draws the charts of one class into {@code images}; returns their file names. */
  static List<String> charts(String className, List<JmhResult> results, Path images) throws IOException {
    List<String> files = new ArrayList<>();
    boolean specific = false;
    for (LineChart c : LINE_CHARTS) {
      if (c.className().equals(className)) {
        specific = true;
        List<JmhResult> chosen = results.stream().filter(c.filter()).toList();
        if (distinct(chosen, c.x()) >= 2) {
          Charts.line(images.resolve(c.file()), c.title(), c.xLabel(), results.get(0).unit(), chosen, c.x(),
              seriesName(chosen, r -> c.x().apply(r)), c.logX(), c.logY());
          files.add(c.file());
        }
      }
    }
    if (!specific) {
      for (String p : CURVE_PARAMS) {
        Function<JmhResult, Double> x = p.equals("threads") && results.stream().noneMatch(r -> r.params()
            .containsKey("threads")) ? r -> (double) r.threads() : r -> r.numericParam(p);
        List<JmhResult> chosen = results.stream().filter(r -> !Double.isNaN(x.apply(r))).toList();
        if (chosen.size() == results.size() && distinct(chosen, x) >= 3) {
          String file = kebab(className) + "-vs-" + p + ".png";
          Charts.line(images.resolve(file), className + ": score against " + p, p, results.get(0).unit(), chosen,
              x, seriesName(chosen, x), true, true);
          files.add(file);
          break;
        }
      }
    }
    Comparison comparison = COMPARISONS.get(className);
    List<String> methods = results.stream().map(JmhResult::method).distinct().toList();
    if (comparison != null && methods.contains(comparison.reference()) && methods.size() > 1) {
      String file = kebab(className) + "-ratios.png";
      List<String> names = columns(results);
      Map<List<String>, Map<String, JmhResult>> rows = rows(results, names);
      List<Charts.Bar> bars = new ArrayList<>();
      for (Map.Entry<List<String>, Map<String, JmhResult>> row : rows.entrySet()) {
        JmhResult base = row.getValue().get(comparison.reference());
        if (base == null) {
          continue;
        }
        String category = names.isEmpty() ? "all" : String.join(", ", row.getKey());
        for (JmhResult r : row.getValue().values()) {
          if (r != base) {
            double[] q = ratio(r, base);
            bars.add(new Charts.Bar(r.method() + " ÷ " + comparison.reference(), category, q[0], q[1]));
          }
        }
      }
      Charts.bars(images.resolve(file), comparison.title() + " (ratio, 1 = same)",
          names.isEmpty() ? "" : String.join(", ", names), bars);
      files.add(file);
    }
    return files;
  }

  private static long distinct(List<JmhResult> results, Function<JmhResult, Double> x) {
    return results.stream().map(x).distinct().count();
  }

  /** Series name: the method plus every varying parameter that is not the x axis. */
  private static Function<JmhResult, String> seriesName(List<JmhResult> results, Function<JmhResult, Double> x) {
    Set<String> others = new LinkedHashSet<>(varying(results));
    others.removeIf(p -> results.stream().allMatch(r -> Objects.equals(x.apply(r), r.numericParam(p))));
    others.remove("shape");
    return r -> {
      StringBuilder s = new StringBuilder(r.method());
      for (String p : others) {
        s.append(' ').append(p).append('=').append(p.equals("threads") && !r.params().containsKey(p)
            ? Integer.toString(r.threads()) : r.params().get(p));
      }
      return s.toString();
    };
  }

  private static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
