package dev.maas.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One cell of a JMH run as JMH's JSON result file records it: which benchmark method with which
 * parameters, its primary score with the 99.9 % error, the percentiles where the mode has them, and
 * the allocation per operation when the GC profiler ran.
 *
 * @param className the benchmark class's simple name
 * @param method the benchmark method
 * @param mode JMH's mode label ({@code avgt}, {@code sample}, {@code ss}, {@code thrpt})
 * @param threads benchmark threads
 * @param params parameter name to value, sorted by name
 * @param score the primary score
 * @param error JMH's 99.9 % confidence half-width; NaN when too few iterations to tell
 * @param unit the score's unit, such as {@code us/op}
 * @param percentiles percentile (such as 50.0) to score, empty unless the mode samples
 * @param allocBytesPerOp bytes allocated per operation, NaN without the GC profiler
 * @param jvm the forked JVM's name and version
 */
record JmhResult(String className, String method, String mode, int threads, Map<String, String> params,
    double score, double error, String unit, Map<Double, Double> percentiles, double allocBytesPerOp, String jvm) {

  JmhResult {
    params = new TreeMap<>(params);
    percentiles = new TreeMap<>(percentiles);
  }

  /** The results in a JMH JSON result file, in file order. */
  static List<JmhResult> read(Path file) throws IOException {
    Object root = Json.read(file);
    if (!(root instanceof List<?> cells)) {
      throw new IOException(file + " is not a JMH JSON result file (expected an array)");
    }
    List<JmhResult> out = new ArrayList<>();
    for (Object cell : cells) {
      out.add(of(Json.map(cell)));
    }
    return out;
  }

  private static JmhResult of(Map<String, Object> cell) {
    String benchmark = (String) cell.get("benchmark");
    int dot = benchmark.lastIndexOf('.');
    String cls = benchmark.substring(0, dot);
    cls = cls.substring(cls.lastIndexOf('.') + 1);
    Map<String, String> params = new TreeMap<>();
    if (cell.get("params") != null) {
      Json.map(cell.get("params")).forEach((k, v) -> params.put(k, String.valueOf(v)));
    }
    Map<String, Object> primary = Json.map(cell.get("primaryMetric"));
    Map<Double, Double> percentiles = new TreeMap<>();
    if (primary.get("scorePercentiles") != null) {
      Json.map(primary.get("scorePercentiles")).forEach((k, v) -> percentiles.put(Double.parseDouble(k), Json.number(v)));
    }
    double alloc = Double.NaN;
    if (cell.get("secondaryMetrics") != null) {
      for (Map.Entry<String, Object> m : Json.map(cell.get("secondaryMetrics")).entrySet()) {
        if (m.getKey().endsWith("gc.alloc.rate.norm")) {
          alloc = Json.number(Json.map(m.getValue()).get("score"));
        }
      }
    }
    boolean sampled = "sample".equals(cell.get("mode"));
    return new JmhResult(cls, benchmark.substring(dot + 1), (String) cell.get("mode"),
        (int) Json.number(cell.get("threads")), params, Json.number(primary.get("score")),
        Json.number(primary.get("scoreError")), (String) primary.get("scoreUnit"),
        sampled ? percentiles : Map.of(), alloc, cell.get("vmName") + " " + cell.get("vmVersion"));
  }

  /** The parameter {@code name} as a number, or NaN when missing or not a number. */
  double numericParam(String name) {
    String v = params.get(name);
    if (v == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** A minimal JSON tree reader over jackson-core: objects as maps, arrays as lists. Stateless. */
  static final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    static Object read(Path file) throws IOException {
      try (JsonParser p = FACTORY.createParser(file.toFile())) {
        p.nextToken();
        return value(p);
      }
    }

    private static Object value(JsonParser p) throws IOException {
      JsonToken t = p.currentToken();
      if (t == null) {
        throw new IOException("unexpected end of JSON");
      }
      switch (t) {
        case START_OBJECT -> {
          Map<String, Object> map = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            map.put(name, value(p));
          }
          return map;
        }
        case START_ARRAY -> {
          List<Object> list = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            list.add(value(p));
          }
          return list;
        }
        case VALUE_STRING -> {
          return p.getText();
        }
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          return p.getDoubleValue();
        }
        case VALUE_TRUE, VALUE_FALSE -> {
          return p.getBooleanValue();
        }
        case VALUE_NULL -> {
          return null;
        }
        default -> throw new IOException("unexpected JSON token " + t);
      }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
      if (o instanceof Map<?, ?> m) {
        return (Map<String, Object>) m;
      }
      throw new IllegalArgumentException("expected a JSON object, got " + o);
    }

    /** A JSON number, or a string JMH writes for a non-finite one ("NaN", "Infinity"). */
    static double number(Object o) {
      if (o instanceof Number n) {
        return n.doubleValue();
      }
      if (o instanceof String s) {
        return Double.parseDouble(s);
      }
      return Double.NaN;
    }
  }
}
