package dev.maas.benchmarks;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The project's benchmark suite: runs every JMH benchmark in this jar (or those whose name matches
 * the given regular expressions) under one of three profiles, with the GC profiler on, and writes
 * JMH's JSON results plus a description of the run (machine, JVM, date, commit, load) into a
 * results directory that {@link Render} turns into {@code docs/benchmarks.md}.
 *
 * <p>Profiles: {@code full} keeps each benchmark's own annotations (the settings for published
 * numbers); {@code quick} runs every cell with one fork, two 1 s warm-up and three 1 s measured
 * iterations; {@code smoke} runs every benchmark method once, for one short iteration, at the
 * smallest value of each of its parameters, so that a broken benchmark fails fast.
 *
 * <p>Usage: {@code Suite [--profile quick|full|smoke] [--results DIR] [--list] [REGEX...]}.
 * Benchmarks are found through JMH's generated list, so a new class in this module joins the suite
 * without edits here. Not thread-safe; one run per process.
 */
public final class Suite {
  /** How long and how often each benchmark runs. */
  enum Profile {
    FULL, QUICK, SMOKE
  }

  private Suite() {}

  /** Runs the suite; see the class comment for the arguments. Exits 1 on a failed benchmark, 2 on bad usage. */
  public static void main(String[] args) throws IOException {
    Profile profile = Profile.QUICK;
    Path results = null;
    boolean list = false;
    List<String> patterns = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--profile" -> profile = parseProfile(value(args, ++i));
        case "--results" -> results = Path.of(value(args, ++i));
        case "--list" -> list = true;
        default -> {
          if (args[i].startsWith("-")) {
            usage("unknown option " + args[i]);
          }
          patterns.add(args[i]);
        }
      }
    }
    SortedSet<BenchmarkListEntry> entries = find(patterns);
    if (entries.isEmpty()) {
      usage("no benchmark matches " + patterns);
    }
    if (list) {
      entries.forEach(e -> System.out.println(e.getUsername()));
      return;
    }
    if (results == null) {
      usage("--results DIR is required");
    }
    Files.createDirectories(results);
    String startLoad = loadAverage();
    Instant started = Instant.now();
    Collection<RunResult> runs;
    try {
      runs = run(profile, entries, System.out);
    } catch (RunnerException e) {
      System.err.println("suite: " + e.getMessage());
      System.exit(1);
      return;
    }
    try (PrintStream out = new PrintStream(Files.newOutputStream(results.resolve("jmh.json")), true,
        StandardCharsets.UTF_8)) {
      ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(runs);
    }
    writeRunInfo(results.resolve("run-info.json"), profile, patterns, started, startLoad);
    System.out.println("suite: " + runs.size() + " results in " + results);
  }

  /** The benchmarks matching {@code patterns} (all when empty), in JMH's order. */
  static SortedSet<BenchmarkListEntry> find(List<String> patterns) {
    List<String> includes = patterns.isEmpty() ? List.of(".*") : patterns;
    return BenchmarkList.defaultList().find(OutputFormatFactory.createFormatInstance(System.err, VerboseMode.SILENT),
        includes, List.of());
  }

  /** Runs {@code entries} under {@code profile}, JMH's progress going to {@code progress}. */
  static Collection<RunResult> run(Profile profile, SortedSet<BenchmarkListEntry> entries, PrintStream progress)
      throws RunnerException {
    List<RunResult> all = new ArrayList<>();
    if (profile == Profile.SMOKE) {
      // one run per class, each parameter at its smallest declared value
      Map<String, List<BenchmarkListEntry>> byClass = new TreeMap<>();
      for (BenchmarkListEntry e : entries) {
        byClass.computeIfAbsent(e.getUserClassQName(), k -> new ArrayList<>()).add(e);
      }
      for (Map.Entry<String, List<BenchmarkListEntry>> cls : byClass.entrySet()) {
        ChainedOptionsBuilder options = base(true).forks(1).warmupIterations(0).measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100)).warmupForks(0);
        for (BenchmarkListEntry e : cls.getValue()) {
          options.include("^" + Pattern.quote(e.getUsername()) + "$");
        }
        smallestParams(cls.getValue()).forEach((name, v) -> options.param(name, v));
        all.addAll(new Runner(options.build(), OutputFormatFactory.createFormatInstance(progress, VerboseMode.NORMAL))
            .run());
      }
      return all;
    }
    ChainedOptionsBuilder options = base(false);
    for (BenchmarkListEntry e : entries) {
      options.include("^" + Pattern.quote(e.getUsername()) + "$");
    }
    if (profile == Profile.QUICK) {
      options.forks(1).warmupForks(0).warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(3).measurementTime(TimeValue.seconds(1));
    }
    all.addAll(new Runner(options.build(), OutputFormatFactory.createFormatInstance(progress, VerboseMode.NORMAL))
        .run());
    return all;
  }

  /** JMH options every profile shares; a smoke run stops at the first broken benchmark, the others carry on. */
  private static ChainedOptionsBuilder base(boolean failOnError) {
    return new OptionsBuilder().addProfiler(GCProfiler.class).shouldFailOnError(failOnError);
  }

  /**
   * For each parameter of a class's benchmarks, its smallest declared value (numerically when
   * every value is a number, else the first declared).
   */
  static Map<String, String> smallestParams(List<BenchmarkListEntry> entries) {
    Map<String, String> out = new LinkedHashMap<>();
    for (BenchmarkListEntry e : entries) {
      if (!e.getParams().hasValue()) {
        continue;
      }
      for (Map.Entry<String, String[]> p : e.getParams().get().entrySet()) {
        String[] values = p.getValue();
        if (values.length == 0) {
          continue;
        }
        String smallest = Arrays.stream(values).allMatch(Suite::isNumber)
            ? Arrays.stream(values).min(Comparator.comparingDouble(Double::parseDouble)).orElseThrow()
            : values[0];
        out.putIfAbsent(p.getKey(), smallest);
      }
    }
    return out;
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void writeRunInfo(Path file, Profile profile, List<String> patterns, Instant started,
      String startLoad) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("profile", profile.name().toLowerCase(java.util.Locale.ROOT));
      json.writeArrayFieldStart("patterns");
      for (String p : patterns) {
        json.writeString(p);
      }
      json.writeEndArray();
      json.writeStringField("started", started.truncatedTo(ChronoUnit.SECONDS).toString());
      json.writeStringField("finished", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      json.writeStringField("commit", System.getProperty("maas.commit", "unknown"));
      json.writeStringField("cpu", cpuModel());
      json.writeStringField("cpuFlags", cpuFlags());
      json.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
      json.writeStringField("memory", memory());
      json.writeStringField("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
          + System.getProperty("os.arch"));
      json.writeStringField("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
      json.writeStringField("loadAtStart", startLoad);
      json.writeStringField("loadAtEnd", loadAverage());
      json.writeStringField("host", ManagementFactory.getRuntimeMXBean().getName().replaceAll("^[0-9]+@", ""));
      json.writeEndObject();
    }
  }

  private static String cpuModel() {
    return firstLine(Path.of("/proc/cpuinfo"), "model name").map(l -> l.replaceFirst("^[^:]*:\\s*", ""))
        .orElse(System.getProperty("os.arch"));
  }

  /** The CPU features that decide INT8 and FP16 speed, as /proc/cpuinfo names them. */
  static final List<String> KERNEL_FLAGS = List.of("avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni",
      "avx_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16", "asimddp", "i8mm");

  /** Which of {@link #KERNEL_FLAGS} the CPU has, or "unknown" where /proc/cpuinfo has no flags line. */
  static String cpuFlags() {
    java.util.Optional<String> line = firstLine(Path.of("/proc/cpuinfo"), "flags")
        .or(() -> firstLine(Path.of("/proc/cpuinfo"), "Features"));
    if (line.isEmpty()) {
      return "unknown";
    }
    java.util.Set<String> flags = new java.util.HashSet<>(Arrays.asList(
        line.get().replaceFirst("^[^:]*:\\s*", "").trim().split("\\s+")));
    List<String> present = KERNEL_FLAGS.stream().filter(flags::contains).toList();
    List<String> absent = KERNEL_FLAGS.stream().filter(f -> !flags.contains(f)).toList();
    return (present.isEmpty() ? "none of " : String.join(" ", present) + "; without ") + String.join(" ", absent);
  }

  private static String memory() {
    return firstLine(Path.of("/proc/meminfo"), "MemTotal").map(l -> {
      long kib = Long.parseLong(l.replaceAll("[^0-9]", ""));
      return String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
    }).orElse("unknown");
  }

  /** The 1, 5 and 15 minute load averages, or "unknown" off Linux. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | UncheckedIOException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  private static java.util.Optional<String> firstLine(Path file, String prefix) {
    try {
      return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private static Profile parseProfile(String s) {
    try {
      return Profile.valueOf(s.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      usage("unknown profile '" + s + "' (quick, full or smoke)");
      throw e;
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      usage(args[i - 1] + " needs a value");
    }
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println("suite: " + problem);
    System.err.println("usage: Suite [--profile quick|full|smoke] [--results DIR] [--list] [REGEX...]");
    System.exit(2);
  }
}
