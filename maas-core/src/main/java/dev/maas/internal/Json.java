package dev.maas.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON layer of MaaS, on jackson-core: every parser it makes refuses duplicate keys, and
 * {@link #parse} reads a whole document into plain Java values. Stateless and thread-safe.
 */
public final class Json {
  /** The factory every MaaS JSON reader and writer uses; its parsers refuse duplicate keys. */
  public static final JsonFactory FACTORY = builder().build();

  /**
   * A builder with the settings of {@link #FACTORY}, for the one reader that needs more (the
   * protocol codec's limits and fast number handling).
   */
  public static com.fasterxml.jackson.core.JsonFactoryBuilder builder() {
    return (com.fasterxml.jackson.core.JsonFactoryBuilder) JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  }

  private Json() {}

  /**
   * Reads one JSON document into {@code Map<String, Object>} (insertion-ordered), {@code
   * List<Object>}, {@code String}, {@code Long} (integers that fit) or {@code Double}, {@code
   * Boolean} and {@code null}.
   *
   * @throws IOException if the bytes are not one JSON document: a syntax error, a duplicate key, an
   *     empty document or content after the document; the message says which
   */
  public static Object parse(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new IOException("the document is empty");
      }
      Object value = read(p, first);
      if (p.nextToken() != null) {
        throw new IOException("content after the JSON value at " + p.currentLocation().offsetDescription());
      }
      return value;
    }
  }

  private static Object read(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          String key = p.currentName();
          map.put(key, read(p, next(p)));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
          list.add(read(p, t));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG
            ? (Object) p.getLongValue() : (Object) p.getDoubleValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected " + token + " at " + p.currentLocation().offsetDescription());
    }
  }

  private static JsonToken next(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new IOException("the document ends early");
    }
    return t;
  }

  /** A pretty-printing generator writing UTF-8 to {@code out}; the caller closes it (not {@code out}). */
  public static JsonGenerator prettyGenerator(OutputStream out) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.useDefaultPrettyPrinter();
    return g;
  }

  /**
   * Writes {@code specs} as the protocol's tensor metadata: an array of {@code {"name", "datatype",
   * "shape"}} objects, {@code -1} for a dynamic dimension.
   */
  public static void writeSpecs(JsonGenerator g, java.util.List<dev.maas.TensorSpec> specs) throws IOException {
    g.writeStartArray();
    for (dev.maas.TensorSpec spec : specs) {
      g.writeStartObject();
      g.writeStringField("name", spec.name());
      g.writeStringField("datatype", spec.dataType().protocolName());
      g.writeArrayFieldStart("shape");
      for (long d : spec.shape()) {
        g.writeNumber(d);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
