package dev.maas.monitor;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.InvalidInputException;
import dev.maas.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@link ReferenceStatistics}:
 * <pre>{"format": 1, "rows": n, "inputs": [tensor...], "outputs": [tensor...]}
 * tensor:  {"name": "x", "columns": 4, "features": [feature...]}   ("axis": k too, when declared)
 * feature: {"name": "age", "column": 0, "kind": "numeric|categorical|string", "count": n, "missing": m,
 *           "min": x|null, "max": x|null, "edges": [..], "categories": [..], "binCounts": [..],
 *           "frequent": [{"value": "3", "count": k}...]}</pre>
 */
final class ReferenceJson {
  static final int FORMAT = 1;

  private ReferenceJson() {}

  static void write(ReferenceStatistics r, OutputStream out) throws IOException {
    try (JsonGenerator g = Json.prettyGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("format", FORMAT);
      g.writeNumberField("rows", r.rows());
      writeTensors(g, "inputs", r.inputs());
      writeTensors(g, "outputs", r.outputs());
      g.writeEndObject();
    }
  }

  private static void writeTensors(JsonGenerator g, String field, List<TensorReference> tensors) throws IOException {
    g.writeArrayFieldStart(field);
    for (TensorReference t : tensors) {
      g.writeStartObject();
      g.writeStringField("name", t.name());
      if (t.axis() != TensorReference.DEFAULT_AXIS) {
        g.writeNumberField("axis", t.axis());
      }
      g.writeNumberField("columns", t.columns());
      g.writeArrayFieldStart("features");
      for (FeatureReference f : t.features()) {
        writeFeature(g, f);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeFeature(JsonGenerator g, FeatureReference f) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", f.name());
    g.writeNumberField("column", f.column());
    g.writeStringField("kind", f.kind().name().toLowerCase(java.util.Locale.ROOT));
    g.writeNumberField("count", f.count());
    g.writeNumberField("missing", f.missing());
    writeNumber(g, "min", f.min());
    writeNumber(g, "max", f.max());
    g.writeArrayFieldStart("edges");
    for (double e : f.edgesUnsafe()) {
      g.writeNumber(e);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("categories");
    if (f.kind() == FeatureKind.STRING) {
      for (String s : f.categoryStrings()) {
        g.writeString(s);
      }
    } else {
      for (double v : f.categoryValuesUnsafe()) {
        g.writeNumber(v);
      }
    }
    g.writeEndArray();
    g.writeArrayFieldStart("binCounts");
    for (long c : f.binCounts()) {
      g.writeNumber(c);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("frequent");
    for (FrequentValue v : f.frequentValues()) {
      g.writeStartObject();
      g.writeStringField("value", v.value());
      g.writeNumberField("count", v.count());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeNumber(JsonGenerator g, String field, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumberField(field, v);
    } else if (Double.isNaN(v)) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, v > 0 ? "Infinity" : "-Infinity");
    }
  }

  static ReferenceStatistics read(byte[] json) {
    Object doc;
    try {
      doc = Json.parse(json);
    } catch (IOException e) {
      throw new InvalidInputException("reference statistics: not JSON: " + e.getMessage(), e);
    }
    Map<String, Object> root = object(doc, "the reference document");
    Object format = root.get("format");
    if (!(format instanceof Long l) || l != FORMAT) {
      throw new InvalidInputException("reference statistics: unsupported format " + format + " (this version reads "
          + FORMAT + ")");
    }
    return new ReferenceStatistics(longField(root, "rows", "the reference"), tensors(root, "inputs"),
        tensors(root, "outputs"));
  }

  private static List<TensorReference> tensors(Map<String, Object> root, String field) {
    List<TensorReference> out = new ArrayList<>();
    for (Object o : list(root.get(field), "'" + field + "'")) {
      Map<String, Object> t = object(o, "an entry of '" + field + "'");
      String name = string(t.get("name"), "the name of an entry of '" + field + "'");
      String where = "tensor '" + name + "'";
      List<FeatureReference> features = new ArrayList<>();
      for (Object fo : list(t.get("features"), "the features of " + where)) {
        features.add(feature(object(fo, "a feature of " + where), where));
      }
      int axis = t.containsKey("axis") ? Math.toIntExact(longField(t, "axis", where)) : TensorReference.DEFAULT_AXIS;
      out.add(new TensorReference(name, axis, Math.toIntExact(longField(t, "columns", where)), features));
    }
    return out;
  }

  private static FeatureReference feature(Map<String, Object> f, String tensor) {
    String name = string(f.get("name"), "the name of a feature of " + tensor);
    String where = tensor + ", feature '" + name + "'";
    String kindText = string(f.get("kind"), "the kind of " + where);
    FeatureKind kind;
    try {
      kind = FeatureKind.valueOf(kindText.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(where + ": unknown kind '" + kindText + "'");
    }
    List<Object> categories = list(f.get("categories"), "the categories of " + where);
    double[] values = kind == FeatureKind.STRING ? new double[0] : doubles(categories, "the categories of " + where);
    List<String> strings = new ArrayList<>();
    if (kind == FeatureKind.STRING) {
      for (Object c : categories) {
        strings.add(string(c, "a category of " + where));
      }
    }
    List<Object> counts = list(f.get("binCounts"), "the bin counts of " + where);
    long[] bins = new long[counts.size()];
    for (int i = 0; i < bins.length; i++) {
      if (!(counts.get(i) instanceof Long l)) {
        throw new InvalidInputException(where + ": bin counts must be integers, got " + counts.get(i));
      }
      bins[i] = l;
    }
    List<FrequentValue> frequent = new ArrayList<>();
    for (Object o : list(f.get("frequent"), "the frequent values of " + where)) {
      Map<String, Object> v = object(o, "a frequent value of " + where);
      frequent.add(new FrequentValue(string(v.get("value"), "a frequent value of " + where),
          longField(v, "count", "a frequent value of " + where)));
    }
    return new FeatureReference(name, Math.toIntExact(longField(f, "column", where)), kind,
        longField(f, "count", where), longField(f, "missing", where), number(f.get("min"), "min of " + where),
        number(f.get("max"), "max of " + where), doubles(list(f.get("edges"), "the edges of " + where),
            "the edges of " + where), values, strings, bins, frequent);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String what) {
    if (!(o instanceof Map)) {
      throw new InvalidInputException("reference statistics: " + what + " must be an object");
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o, String what) {
    if (!(o instanceof List)) {
      throw new InvalidInputException("reference statistics: " + what + " must be an array");
    }
    return (List<Object>) o;
  }

  private static String string(Object o, String what) {
    if (!(o instanceof String s)) {
      throw new InvalidInputException("reference statistics: " + what + " must be a string");
    }
    return s;
  }

  private static long longField(Map<String, Object> m, String field, String where) {
    if (!(m.get(field) instanceof Long l)) {
      throw new InvalidInputException("reference statistics: '" + field + "' of " + where + " must be an integer");
    }
    return l;
  }

  private static double number(Object o, String what) {
    if (o == null) {
      return Double.NaN;
    }
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    if ("Infinity".equals(o)) {
      return Double.POSITIVE_INFINITY;
    }
    if ("-Infinity".equals(o)) {
      return Double.NEGATIVE_INFINITY;
    }
    throw new InvalidInputException("reference statistics: " + what + " must be a number or null");
  }

  private static double[] doubles(List<Object> list, String what) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Number n)) {
        throw new InvalidInputException("reference statistics: " + what + " must be numbers");
      }
      out[i] = n.doubleValue();
    }
    return out;
  }
}
