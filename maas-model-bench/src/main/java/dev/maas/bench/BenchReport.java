package dev.maas.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;

/**
 * The results of one {@link ModelBench} run: a {@link BenchResult} per setting, the best setting,
 * the ratios of each variant against the stored model, of batched against unbatched calls and of
 * HTTP against in-process calls at otherwise the same setting, a text rendering of all of it, and
 * JMH's raw results as JSON.
 *
 * <p>Immutable and thread-safe.
 */
public final class BenchReport {
  private final String reference;
  private final String format;
  private final List<String> outputs;
  private final List<BenchResult> results;
  private final List<RunResult> raw;

  BenchReport(String reference, String format, List<String> outputs, List<BenchResult> results,
      List<RunResult> raw) {
    this.reference = Objects.requireNonNull(reference, "reference");
    this.format = Objects.requireNonNull(format, "format");
    this.outputs = List.copyOf(outputs);
    this.results = List.copyOf(results);
    this.raw = List.copyOf(raw);
  }

  /** The model version measured ({@code name:version}). */
  public String reference() {
    return reference;
  }

  /** The outputs every call asked for; empty when calls asked for every declared output. */
  public List<String> outputs() {
    return outputs;
  }

  /** One result per setting, in the order they ran. */
  public List<BenchResult> results() {
    return results;
  }

  /** The setting with the most rows per second, if any ran. */
  public Optional<BenchResult> best() {
    return results.stream().max(Comparator.comparingDouble(BenchResult::rowsPerSecond));
  }

  /** Which pair of results a {@link Ratio} divides. */
  public enum Comparison {
    /** A variant against the stored model, at the same setting. */
    VARIANT,
    /** Calls through a batcher against direct calls, same variant and otherwise the same setting. */
    BATCHING,
    /** Calls over HTTP against in-process calls, same variant and otherwise the same setting. */
    TRANSPORT
  }

  /**
   * One result's mean latency per call over its baseline's, with the error propagated from both.
   *
   * @param comparison which pair it divides
   * @param subject what was measured against its baseline: the variant, {@code VARIANT batched}, or
   *     {@code VARIANT over TRANSPORT}
   * @param setting the setting both share, as {@link BenchResult#setting()} writes it (without the
   *     batching or the transport when those are what differs)
   * @param ratio the subject's mean latency over the baseline's; below 1 is faster
   * @param error the 99.9 % error of the ratio, from JMH's errors of both means; NaN if either is
   */
  public record Ratio(Comparison comparison, String subject, String setting, double ratio, double error) {
    /** Checks the labels are present. */
    public Ratio {
      Objects.requireNonNull(comparison, "comparison");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(setting, "setting");
    }
  }

  /**
   * Every ratio the results allow, variants first, then batched against unbatched, then HTTP
   * against in-process: a variant's mean latency per call over the stored model's at the same
   * setting (ONNX Runtime settings count only when the stored model has them too); a batched
   * result's over the unbatched one's; an HTTP result's over the in-process one's.
   */
  public List<Ratio> ratios() {
    boolean storedOnnx = results.stream().anyMatch(x -> x.variant().equals("stored") && !x.intraOpThreads()
        .equals("-"));
    Map<String, BenchResult> byKey = new LinkedHashMap<>();
    for (BenchResult r : results) {
      byKey.put(key(r.variant(), r, r.intraOpThreads(), r.optimization(), r.batching(), r.transport()), r);
    }
    List<Ratio> out = new ArrayList<>();
    for (BenchResult r : results) {
      if (!r.variant().equals("stored")) {
        BenchResult base = byKey.get(key("stored", r, storedOnnx ? r.intraOpThreads() : "-",
            storedOnnx ? r.optimization() : "-", r.batching(), r.transport()));
        ratio(Comparison.VARIANT, r.variant(), r.setting(), r, base).ifPresent(out::add);
      }
    }
    for (BenchResult r : results) {
      if (r.batched()) {
        BenchResult base = byKey.get(key(r.variant(), r, r.intraOpThreads(), r.optimization(), "off", r.transport()));
        ratio(Comparison.BATCHING, r.variant() + " batched", r.setting(false, true), r, base).ifPresent(out::add);
      }
    }
    for (BenchResult r : results) {
      if (r.overHttp()) {
        BenchResult base = byKey.get(key(r.variant(), r, r.intraOpThreads(), r.optimization(), r.batching(),
            "in-process"));
        ratio(Comparison.TRANSPORT, r.variant() + " over " + r.transport(), r.setting(true, false), r, base)
            .ifPresent(out::add);
      }
    }
    return out;
  }

  private static String key(String variant, BenchResult r, String intraOp, String optimization, String batching,
      String transport) {
    return String.join("/", variant, Integer.toString(r.rows()), Integer.toString(r.threads()), intraOp,
        optimization, batching, transport);
  }

  private static Optional<Ratio> ratio(Comparison c, String subject, String setting, BenchResult r, BenchResult base) {
    if (base == null) {
      return Optional.empty();
    }
    double q = r.meanMicros() / base.meanMicros();
    double ea = r.errorMicros() / r.meanMicros();
    double eb = base.errorMicros() / base.meanMicros();
    return Optional.of(new Ratio(c, subject, setting, q, q * Math.sqrt(ea * ea + eb * eb)));
  }

  /** The report as text: a block per setting, the best setting, then the variant ratios. */
  public String format() {
    StringBuilder s = new StringBuilder();
    s.append("maas bench ").append(reference).append(" (").append(format).append("): ").append(results.size())
        .append(results.size() == 1 ? " setting" : " settings")
        .append(outputs.isEmpty() ? "" : "; outputs " + String.join(", ", outputs))
        .append("; latency per call sampled by JMH, mean ± 99.9% error\n");
    for (BenchResult r : results) {
      s.append('\n').append(r.variant()).append(" | ").append(r.setting()).append('\n');
      s.append(String.format(Locale.ROOT, "  per call    mean %s ± %s us   p50 %s   p99 %s   p99.9 %s us%n",
          num(r.meanMicros()), num(r.errorMicros()), num(r.p50Micros()), num(r.p99Micros()), num(r.p999Micros())));
      double n = r.rows();
      s.append(String.format(Locale.ROOT, "  per row     mean %s us   p50 %s   p99 %s   p99.9 %s us%n",
          num(r.meanMicros() / n), num(r.p50Micros() / n), num(r.p99Micros() / n), num(r.p999Micros() / n)));
      s.append(String.format(Locale.ROOT, "  throughput  %s calls/s   %s rows/s%n", count(r.callsPerSecond()),
          count(r.rowsPerSecond())));
      s.append("  allocation  ").append(Double.isNaN(r.allocBytesPerCall()) ? "unknown"
          : count(r.allocBytesPerCall()) + " B/call").append('\n');
    }
    best().ifPresent(b -> s.append(String.format(Locale.ROOT, "%nbest: %s | %s: %s rows/s (mean %s us per call)%n",
        b.variant(), b.setting(), count(b.rowsPerSecond()), num(b.meanMicros()))));
    List<Ratio> ratios = ratios();
    section(s, ratios, Comparison.VARIANT, "variants against the stored model (mean latency per call; below 1 is"
        + " faster):");
    section(s, ratios, Comparison.BATCHING, "batched against unbatched, same threads (mean latency per call;"
        + " below 1 is faster):");
    section(s, ratios, Comparison.TRANSPORT, "over HTTP against in-process (mean latency per call; above 1 is what"
        + " HTTP costs):");
    return s.toString();
  }

  /**
   * Writes JMH's raw results as JSON (JMH's own result format) to {@code file}.
   *
   * @throws BenchException if the file cannot be written
   */
  public void writeJson(Path file) {
    try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
      ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(raw);
      if (out.checkError()) {
        throw new IOException("write failed");
      }
    } catch (IOException e) {
      throw new BenchException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void section(StringBuilder s, List<Ratio> ratios, Comparison c, String title) {
    List<Ratio> these = ratios.stream().filter(q -> q.comparison() == c).toList();
    if (these.isEmpty()) {
      return;
    }
    s.append('\n').append(title).append('\n');
    for (Ratio q : these) {
      s.append(String.format(Locale.ROOT, "  %s | %s: %s ± %s%n", q.subject(), q.setting(), num(q.ratio()),
          num(q.error())));
    }
  }

  private static String num(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String count(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }
}
