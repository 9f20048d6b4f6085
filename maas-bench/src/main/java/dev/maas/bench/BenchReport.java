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
 * each variant's latency against the stored model's at the same setting, a text rendering of all
 * of it, and JMH's raw results as JSON.
 *
 * <p>Immutable and thread-safe.
 */
public final class BenchReport {
  private final String reference;
  private final String format;
  private final List<BenchResult> results;
  private final List<RunResult> raw;

  BenchReport(String reference, String format, List<BenchResult> results, List<RunResult> raw) {
    this.reference = Objects.requireNonNull(reference, "reference");
    this.format = Objects.requireNonNull(format, "format");
    this.results = List.copyOf(results);
    this.raw = List.copyOf(raw);
  }

  /** The model version measured ({@code name:version}). */
  public String reference() {
    return reference;
  }

  /** One result per setting, in the order they ran. */
  public List<BenchResult> results() {
    return results;
  }

  /** The setting with the most rows per second, if any ran. */
  public Optional<BenchResult> best() {
    return results.stream().max(Comparator.comparingDouble(BenchResult::rowsPerSecond));
  }

  /** A variant's mean latency over the stored model's at the same setting. */
  public record Ratio(String setting, String variant, double ratio, double error) {}

  /** Every variant's mean latency per call divided by the stored model's at the same setting. */
  public List<Ratio> ratios() {
    Map<String, BenchResult> stored = new LinkedHashMap<>();
    for (BenchResult r : results) {
      if (r.variant().equals("stored")) {
        stored.put(key(r), r);
      }
    }
    List<Ratio> out = new ArrayList<>();
    for (BenchResult r : results) {
      BenchResult base = stored.get(key(r));
      if (!r.variant().equals("stored") && base != null) {
        double q = r.meanMicros() / base.meanMicros();
        double ea = r.errorMicros() / r.meanMicros();
        double eb = base.errorMicros() / base.meanMicros();
        out.add(new Ratio(r.setting(), r.variant(), q, q * Math.sqrt(ea * ea + eb * eb)));
      }
    }
    return out;
  }

  /** The stored model's setting a variant's result compares with: the same batch and threads; the
   * ONNX settings count only when the stored model has them too. */
  private String key(BenchResult r) {
    boolean storedOnnx = results.stream().anyMatch(x -> x.variant().equals("stored") && !x.intraOpThreads()
        .equals("-"));
    return r.rows() + "/" + r.threads() + (storedOnnx ? "/" + r.intraOpThreads() + "/" + r.optimization() : "");
  }

  /** The report as text: a block per setting, the best setting, then the variant ratios. */
  public String format() {
    StringBuilder s = new StringBuilder();
    s.append("maas bench ").append(reference).append(" (").append(format).append("): ").append(results.size())
        .append(results.size() == 1 ? " setting" : " settings")
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
    if (!ratios.isEmpty()) {
      s.append("\nvariants against the stored model (mean latency per call; below 1 is faster):\n");
      for (Ratio q : ratios) {
        s.append(String.format(Locale.ROOT, "  %s | %s: %s ± %s%n", q.variant(), q.setting(), num(q.ratio()),
            num(q.error())));
      }
    }
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
