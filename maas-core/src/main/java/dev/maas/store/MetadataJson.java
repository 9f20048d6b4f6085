package dev.maas.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.maas.AliasTarget;
import dev.maas.DataType;
import dev.maas.IntegrityException;
import dev.maas.Lineage;
import dev.maas.ModelReference;
import dev.maas.ModelSignature;
import dev.maas.ModelVersion;
import dev.maas.TensorSpec;
import dev.maas.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON forms of a {@link ModelVersion} ({@code maas-version.json}) and of a model's alias table
 * ({@code aliases.json}), through the one JSON layer ({@link Json}): duplicate keys are refused.
 * Reading is strict about what it needs and ignores fields it does not know, so that later
 * versions can add some.
 */
final class MetadataJson {
  static final int SCHEMA = 1;
  private static final JsonFactory JSON = Json.FACTORY;

  private MetadataJson() {}

  // ---- writing ----

  static byte[] writeVersion(ModelVersion v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeNumberField("schema", SCHEMA);
      g.writeStringField("name", v.name());
      g.writeNumberField("version", v.version());
      g.writeStringField("format", v.format());
      g.writeStringField("created_at", v.createdAt().toString());
      g.writeStringField("description", v.description());
      g.writeObjectFieldStart("signature");
      writeSpecs(g, "inputs", v.signature().inputs());
      writeSpecs(g, "outputs", v.signature().outputs());
      g.writeBooleanField("batched", v.signature().batched());
      g.writeEndObject();
      writeStrings(g, "files", v.files());
      g.writeObjectFieldStart("metrics");
      for (Map.Entry<String, Double> e : v.metrics().entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      writeStrings(g, "parameters", v.parameters());
      writeStrings(g, "tags", v.tags());
      Lineage l = v.lineage();
      g.writeObjectFieldStart("lineage");
      g.writeStringField("data_source", l.dataSource());
      g.writeStringField("data_fingerprint", l.dataFingerprint());
      g.writeNumberField("row_count", l.rowCount());
      g.writeStringField("library_version", l.libraryVersion());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeSpecs(JsonGenerator g, String field, List<TensorSpec> specs) throws IOException {
    g.writeFieldName(field);
    Json.writeSpecs(g, specs);
  }

  private static void writeStrings(JsonGenerator g, String field, Map<String, String> map) throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : map.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /**
   * Writes an alias table: a plain alias as its version number, as it always was ({@code
   * "production": 3}); a split or shadowed one as an object ({@code "production": {"split": {"3":
   * 90, "4": 10}, "shadow": 5}}).
   */
  static byte[] writeAliases(Map<String, AliasTarget> aliases) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      for (Map.Entry<String, AliasTarget> e : new TreeMap<>(aliases).entrySet()) {
        AliasTarget t = e.getValue();
        if (t.isPlain()) {
          g.writeNumberField(e.getKey(), t.primary());
          continue;
        }
        g.writeObjectFieldStart(e.getKey());
        g.writeObjectFieldStart("split");
        for (Map.Entry<Integer, Integer> w : t.weights().entrySet()) {
          g.writeNumberField(Integer.toString(w.getKey()), w.getValue());
        }
        g.writeEndObject();
        if (t.shadow().isPresent()) {
          g.writeNumberField("shadow", t.shadow().getAsInt());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---- reading ----

  /**
   * Parses a version record.
   *
   * @param source names the file in messages
   * @throws IntegrityException if the JSON is malformed, incomplete or of a newer schema
   */
  static ModelVersion readVersion(byte[] json, String source) {
    try {
      Map<String, Object> root = readObject(json, source);
      Object schema = root.get("schema");
      if (!(schema instanceof Long s) || s < 1 || s > SCHEMA) {
        throw malformed(source, "unsupported schema " + schema + " (this library reads schema " + SCHEMA + ")");
      }
      Map<String, Object> sig = object(root, "signature", source);
      Map<String, Object> lineage = object(root, "lineage", source);
      return new ModelVersion(
          string(root, "name", source),
          (int) number(root, "version", source),
          string(root, "format", source),
          new ModelSignature(specs(sig, "inputs", source), specs(sig, "outputs", source),
              Boolean.TRUE.equals(sig.get("batched"))),
          stringMap(root, "files", source),
          Instant.parse(string(root, "created_at", source)),
          string(root, "description", source),
          doubleMap(root, "metrics", source),
          stringMap(root, "parameters", source),
          stringMap(root, "tags", source),
          new Lineage(
              string(lineage, "data_source", source),
              string(lineage, "data_fingerprint", source),
              number(lineage, "row_count", source),
              string(lineage, "library_version", source)));
    } catch (IntegrityException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw malformed(source, detail(e));
    }
  }

  /** Parses an alias table (see {@link #writeAliases}); see {@link #readVersion} for errors. */
  static Map<String, AliasTarget> readAliases(byte[] json, String source) {
    try {
      Map<String, Object> root = readObject(json, source);
      Map<String, AliasTarget> aliases = new TreeMap<>();
      for (String alias : root.keySet()) {
        ModelReference.requireValidName(alias, "alias");
        if (root.get(alias) instanceof Map<?, ?>) {
          aliases.put(alias, readTarget(object(root, alias, source), alias, source));
          continue;
        }
        aliases.put(alias, AliasTarget.of(version(number(root, alias, source), alias, source)));
      }
      return aliases;
    } catch (IntegrityException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw malformed(source, detail(e));
    }
  }

  private static AliasTarget readTarget(Map<String, Object> target, String alias, String source) {
    Map<String, Object> split = object(target, "split", source + " alias '" + alias + "'");
    TreeMap<Integer, Integer> weights = new TreeMap<>();
    for (String key : split.keySet()) {
      int version;
      try {
        version = Integer.parseInt(key);
      } catch (NumberFormatException e) {
        throw malformed(source, "alias '" + alias + "' splits to '" + key + "', not a version number");
      }
      long weight = number(split, key, source + " alias '" + alias + "' split");
      if (weight < 1 || weight > AliasTarget.MAX_WEIGHT) {
        throw malformed(source, "alias '" + alias + "' gives version " + key + " invalid weight " + weight);
      }
      weights.put(version(version, alias, source), (int) weight);
    }
    java.util.OptionalInt shadow = target.containsKey("shadow")
        ? java.util.OptionalInt.of(version(number(target, "shadow", source + " alias '" + alias + "'"), alias, source))
        : java.util.OptionalInt.empty();
    try {
      return new AliasTarget(weights, shadow);
    } catch (dev.maas.InvalidInputException e) {
      throw malformed(source, "alias '" + alias + "': " + e.getMessage());
    }
  }

  private static int version(long v, String alias, String source) {
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw malformed(source, "alias '" + alias + "' points at invalid version " + v);
    }
    return (int) v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readObject(byte[] json, String source) throws IOException {
    if (!(Json.parse(json) instanceof Map<?, ?> map)) {
      throw malformed(source, "expected a JSON object");
    }
    return (Map<String, Object>) map;
  }

  /** What the parser said, with the line and column but without Jackson's "Source: REDACTED" text. */
  private static String detail(Exception e) {
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      String said = j.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source: [^\\]]*\\]\\)", "");
      return said + " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
    }
    return e.getMessage();
  }

  private static IntegrityException malformed(String source, String detail) {
    return new IntegrityException(source + " is malformed: " + detail);
  }

  private static Object field(Map<String, Object> map, String key, String source) {
    Object value = map.get(key);
    if (value == null) {
      throw malformed(source, "missing field '" + key + "'");
    }
    return value;
  }

  private static String string(Map<String, Object> map, String key, String source) {
    if (field(map, key, source) instanceof String s) {
      return s;
    }
    throw malformed(source, "field '" + key + "' must be a string");
  }

  private static long number(Map<String, Object> map, String key, String source) {
    if (field(map, key, source) instanceof Long n) {
      return n;
    }
    throw malformed(source, "field '" + key + "' must be an integer");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> map, String key, String source) {
    if (field(map, key, source) instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw malformed(source, "field '" + key + "' must be an object");
  }

  private static Map<String, String> stringMap(Map<String, Object> map, String key, String source) {
    Map<String, Object> obj = object(map, key, source);
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : obj.keySet()) {
      out.put(k, string(obj, k, source + " " + key));
    }
    return out;
  }

  private static Map<String, Double> doubleMap(Map<String, Object> map, String key, String source) {
    Map<String, Object> obj = object(map, key, source);
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : obj.entrySet()) {
      if (!(e.getValue() instanceof Number n)) {
        throw malformed(source, key + " '" + e.getKey() + "' must be a number");
      }
      out.put(e.getKey(), n.doubleValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<TensorSpec> specs(Map<String, Object> sig, String key, String source) {
    if (!(field(sig, key, source) instanceof List<?> list)) {
      throw malformed(source, "signature field '" + key + "' must be an array");
    }
    List<TensorSpec> specs = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m)) {
        throw malformed(source, "signature " + key + " must hold objects");
      }
      Map<String, Object> spec = (Map<String, Object>) m;
      if (!(field(spec, "shape", source) instanceof List<?> dims)) {
        throw malformed(source, "tensor shape must be an array");
      }
      List<Long> shape = new ArrayList<>();
      for (Object d : dims) {
        if (!(d instanceof Long n)) {
          throw malformed(source, "tensor shape must hold integers");
        }
        shape.add(n);
      }
      specs.add(new TensorSpec(string(spec, "name", source),
          DataType.fromProtocolName(string(spec, "datatype", source)), shape));
    }
    return specs;
  }
}
