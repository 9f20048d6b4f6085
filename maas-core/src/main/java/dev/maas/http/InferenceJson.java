package dev.maas.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import dev.maas.internal.Float16;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Open Inference Protocol's JSON for inference: reads and writes {@link InferenceRequest}s
 * and {@link InferenceResponse}s, and writes error bodies, with Jackson's streaming parser. Tensor
 * data may be flat or nested in the tensor's shape; either way it must hold exactly the shape's
 * element count, and each element must fit the tensor's datatype. Unknown fields are ignored.
 * Non-finite floating-point elements are written as the strings {@code "NaN"}, {@code "Infinity"}
 * and {@code "-Infinity"}, and read back from them.
 *
 * <p>This class has no mutable state and is safe to use from many threads.
 */
public final class InferenceJson {
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build()).build();
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  private InferenceJson() {}

  // ---- requests ----

  /**
   * Reads an inference request.
   *
   * @throws InvalidInputException if {@code json} is not a well-formed inference request, naming the
   *     input at fault where there is one
   */
  public static InferenceRequest readRequest(byte[] json) {
    Objects.requireNonNull(json, "json");
    try (JsonParser p = JSON.createParser(json)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "an inference request object");
      Optional<String> id = Optional.empty();
      Map<String, Object> parameters = Map.of();
      List<InferenceTensor> inputs = null;
      List<RequestedOutput> outputs = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> id = Optional.of(scalarText(p, value, "id"));
          case "parameters" -> parameters = readParameters(p, value, "request");
          case "inputs" -> inputs = readTensors(p, value, json, "input");
          case "outputs" -> outputs = readRequestedOutputs(p, value);
          default -> p.skipChildren();
        }
      }
      if (inputs == null) {
        throw new InvalidInputException("inference request has no \"inputs\"");
      }
      return new InferenceRequest(id, parameters, inputs, outputs);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("malformed JSON in inference request: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads an inference request from {@code in} to its end; see {@link #readRequest(byte[])}. */
  public static InferenceRequest readRequest(InputStream in) throws IOException {
    return readRequest(in.readAllBytes());
  }

  /** Reads an inference request from text; see {@link #readRequest(byte[])}. */
  public static InferenceRequest readRequest(String json) {
    return readRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code request} as JSON to {@code out}, data flat; the caller closes the stream. */
  public static void writeRequest(InferenceRequest request, OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      if (request.id().isPresent()) {
        g.writeStringField("id", request.id().get());
      }
      writeParameters(g, request.parameters());
      g.writeArrayFieldStart("inputs");
      for (InferenceTensor t : request.inputs()) {
        writeTensor(g, t);
      }
      g.writeEndArray();
      if (!request.outputs().isEmpty()) {
        g.writeArrayFieldStart("outputs");
        for (RequestedOutput o : request.outputs()) {
          g.writeStartObject();
          g.writeStringField("name", o.name());
          writeParameters(g, o.parameters());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
  }

  /** {@code request} as JSON text. */
  public static String toJson(InferenceRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeRequest(request, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  // ---- responses ----

  /** Writes {@code response} as JSON to {@code out}, data flat; the caller closes the stream. */
  public static void writeResponse(InferenceResponse response, OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("model_name", response.modelName());
      if (response.modelVersion().isPresent()) {
        g.writeStringField("model_version", response.modelVersion().get());
      }
      if (response.id().isPresent()) {
        g.writeStringField("id", response.id().get());
      }
      writeParameters(g, response.parameters());
      g.writeArrayFieldStart("outputs");
      for (InferenceTensor t : response.outputs()) {
        writeTensor(g, t);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /** {@code response} as JSON text. */
  public static String toJson(InferenceResponse response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeResponse(response, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Reads an inference response, as a client does.
   *
   * @throws InvalidInputException if {@code json} is not a well-formed inference response
   */
  public static InferenceResponse readResponse(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "an inference response object");
      String modelName = null;
      Optional<String> version = Optional.empty();
      Optional<String> id = Optional.empty();
      Map<String, Object> parameters = Map.of();
      List<InferenceTensor> outputs = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model_name" -> modelName = scalarText(p, value, "model_name");
          case "model_version" -> version = Optional.of(scalarText(p, value, "model_version"));
          case "id" -> id = Optional.of(scalarText(p, value, "id"));
          case "parameters" -> parameters = readParameters(p, value, "response");
          case "outputs" -> outputs = readTensors(p, value, json, "output");
          default -> p.skipChildren();
        }
      }
      if (modelName == null || outputs == null) {
        throw new InvalidInputException("inference response needs \"model_name\" and \"outputs\"");
      }
      return new InferenceResponse(modelName, version, id, parameters, outputs);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("malformed JSON in inference response: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The protocol's error body, {@code {"error": message}}. */
  public static String errorJson(String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("error", Objects.requireNonNull(message, "message"));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  // ---- reading helpers ----

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what) {
    if (actual != expected) {
      throw new InvalidInputException("expected " + what + " at " + where(p) + ", got " + describe(actual));
    }
  }

  private static String where(JsonParser p) {
    return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
  }

  private static String describe(JsonToken token) {
    return token == null ? "end of input" : switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }

  private static String scalarText(JsonParser p, JsonToken token, String field) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw new InvalidInputException("\"" + field + "\" must be a string, got " + describe(token));
    }
    return p.getText();
  }

  private static Map<String, Object> readParameters(JsonParser p, JsonToken token, String owner) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw new InvalidInputException("\"parameters\" of " + owner + " must be an object, got " + describe(token));
    }
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      Object value = switch (v) {
        case VALUE_STRING -> p.getText();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NUMBER_INT -> p.getNumberValue();
        case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
        default -> throw new InvalidInputException("parameter '" + name + "' of " + owner
            + " must be a string, number or boolean, got " + describe(v));
      };
      map.put(name, value);
    }
    return map;
  }

  private static List<RequestedOutput> readRequestedOutputs(JsonParser p, JsonToken token) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidInputException("\"outputs\" must be an array, got " + describe(token));
    }
    List<RequestedOutput> outputs = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      expect(p, t, JsonToken.START_OBJECT, "a requested output object");
      String name = null;
      Map<String, Object> parameters = Map.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "name" -> name = scalarText(p, value, "name");
          case "parameters" -> parameters = readParameters(p, value, "requested output");
          default -> p.skipChildren();
        }
      }
      if (name == null) {
        throw new InvalidInputException("requested output " + (outputs.size() + 1) + " has no \"name\"");
      }
      outputs.add(new RequestedOutput(name, parameters));
    }
    return outputs;
  }

  private static List<InferenceTensor> readTensors(JsonParser p, JsonToken token, byte[] json, String kind)
      throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidInputException("\"" + kind + "s\" must be an array, got " + describe(token));
    }
    List<InferenceTensor> tensors = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      expect(p, t, JsonToken.START_OBJECT, "an " + kind + " tensor object");
      tensors.add(readTensor(p, json, kind, tensors.size() + 1));
    }
    return tensors;
  }

  private static InferenceTensor readTensor(JsonParser p, byte[] json, String kind, int position) throws IOException {
    String name = null;
    long[] shape = null;
    DataType type = null;
    Map<String, Object> parameters = Map.of();
    Elements data = null;
    long deferredStart = -1;
    long deferredEnd = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "name" -> name = scalarText(p, value, "name");
        case "datatype" -> {
          String text = scalarText(p, value, "datatype");
          try {
            type = DataType.fromProtocolName(text);
          } catch (InvalidInputException e) {
            throw new InvalidInputException(label(kind, name, position) + ": " + e.getMessage(), e);
          }
        }
        case "shape" -> shape = readShape(p, value, label(kind, name, position));
        case "parameters" -> parameters = readParameters(p, value, label(kind, name, position));
        case "data" -> {
          if (type != null) {
            data = readData(p, value, type, label(kind, name, position));
          } else {
            deferredStart = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            deferredEnd = p.currentLocation().getByteOffset();
          }
        }
        default -> p.skipChildren();
      }
    }
    String label = label(kind, name, position);
    if (name == null) {
      throw new InvalidInputException(label + " has no \"name\"");
    }
    if (type == null) {
      throw new InvalidInputException(label + " has no \"datatype\"");
    }
    if (shape == null) {
      throw new InvalidInputException(label + " has no \"shape\"");
    }
    if (data == null && deferredStart >= 0) {
      try (JsonParser sub = JSON.createParser(json, (int) deferredStart, (int) (deferredEnd - deferredStart))) {
        data = readData(sub, sub.nextToken(), type, label);
      }
    }
    if (data == null) {
      throw new InvalidInputException(label + " has no \"data\"");
    }
    int expected;
    try {
      expected = Tensor.elementCount(shape);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(label + ": " + e.getMessage(), e);
    }
    if (data.size() != expected) {
      throw new InvalidInputException(label + ": shape " + Arrays.toString(shape) + " needs " + expected
          + " elements, \"data\" has " + data.size());
    }
    return new InferenceTensor(name, data.toTensor(shape), parameters);
  }

  private static String label(String kind, String name, int position) {
    return name != null ? kind + " '" + name + "'" : kind + " " + position;
  }

  private static long[] readShape(JsonParser p, JsonToken token, String label) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidInputException(label + ": \"shape\" must be an array of sizes, got " + describe(token));
    }
    long[] dims = new long[4];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
        throw new InvalidInputException(label + ": \"shape\" must hold non-negative integers, got "
            + (t == JsonToken.VALUE_NUMBER_INT ? p.getText() : describe(t)));
      }
      if (n == dims.length) {
        dims = Arrays.copyOf(dims, n * 2);
      }
      dims[n++] = p.getLongValue();
    }
    return Arrays.copyOf(dims, n);
  }

  private static Elements readData(JsonParser p, JsonToken token, DataType type, String label) throws IOException {
    Elements elements = new Elements(type, label);
    if (token != JsonToken.START_ARRAY) {
      if (token == null || token.isStructStart() || token.isStructEnd()) {
        throw new InvalidInputException(label + ": \"data\" must be an array, got " + describe(token));
      }
      elements.add(p, token);
      return elements;
    }
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else if (t == null || t == JsonToken.START_OBJECT) {
        throw new InvalidInputException(label + ": \"data\" must hold " + type + " elements, got " + describe(t));
      } else {
        elements.add(p, t);
      }
    }
    return elements;
  }

  /** A growing, typed buffer of elements read from JSON. */
  private static final class Elements {
    private final DataType type;
    private final String label;
    private int size;
    private double[] doubles;
    private float[] floats;
    private long[] longs;
    private boolean[] booleans;
    private List<byte[]> strings;

    Elements(DataType type, String label) {
      this.type = type;
      this.label = label;
      switch (type) {
        case FP64 -> doubles = new double[16];
        case FP32, FP16 -> floats = new float[16];
        case BOOL -> booleans = new boolean[16];
        case BYTES -> strings = new ArrayList<>();
        default -> longs = new long[16];
      }
    }

    int size() {
      return size;
    }

    void add(JsonParser p, JsonToken t) throws IOException {
      switch (type) {
        case FP64 -> {
          if (size == doubles.length) {
            doubles = Arrays.copyOf(doubles, size * 2);
          }
          doubles[size] = floating(p, t);
        }
        case FP32, FP16 -> {
          if (size == floats.length) {
            floats = Arrays.copyOf(floats, size * 2);
          }
          floats[size] = (float) floating(p, t);
        }
        case BOOL -> {
          if (size == booleans.length) {
            booleans = Arrays.copyOf(booleans, size * 2);
          }
          booleans[size] = bool(p, t);
        }
        case BYTES -> {
          if (t != JsonToken.VALUE_STRING) {
            throw bad(p, t);
          }
          strings.add(p.getText().getBytes(StandardCharsets.UTF_8));
        }
        default -> {
          if (size == longs.length) {
            longs = Arrays.copyOf(longs, size * 2);
          }
          longs[size] = integer(p, t);
        }
      }
      size++;
    }

    private double floating(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
        return p.getDoubleValue();
      }
      if (t == JsonToken.VALUE_STRING) {
        switch (p.getText()) {
          case "NaN" -> {
            return Double.NaN;
          }
          case "Infinity" -> {
            return Double.POSITIVE_INFINITY;
          }
          case "-Infinity" -> {
            return Double.NEGATIVE_INFINITY;
          }
          default -> {
            // reported below
          }
        }
      }
      throw bad(p, t);
    }

    private boolean bool(JsonParser p, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_TRUE) {
        return true;
      }
      if (t == JsonToken.VALUE_FALSE) {
        return false;
      }
      if (t == JsonToken.VALUE_NUMBER_INT && (p.getText().equals("0") || p.getText().equals("1"))) {
        return p.getText().equals("1");
      }
      throw bad(p, t);
    }

    private long integer(JsonParser p, JsonToken t) throws IOException {
      BigInteger value;
      if (t == JsonToken.VALUE_NUMBER_INT) {
        value = p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue()
            : BigInteger.valueOf(p.getLongValue());
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
        double d = p.getDoubleValue();
        if (d != Math.rint(d) || Double.isInfinite(d)) {
          throw bad(p, t);
        }
        value = new java.math.BigDecimal(d).toBigInteger();
      } else {
        throw bad(p, t);
      }
      BigInteger min;
      BigInteger max;
      switch (type) {
        case INT8 -> {
          min = BigInteger.valueOf(Byte.MIN_VALUE);
          max = BigInteger.valueOf(Byte.MAX_VALUE);
        }
        case INT16 -> {
          min = BigInteger.valueOf(Short.MIN_VALUE);
          max = BigInteger.valueOf(Short.MAX_VALUE);
        }
        case INT32 -> {
          min = BigInteger.valueOf(Integer.MIN_VALUE);
          max = BigInteger.valueOf(Integer.MAX_VALUE);
        }
        case INT64 -> {
          min = BigInteger.valueOf(Long.MIN_VALUE);
          max = BigInteger.valueOf(Long.MAX_VALUE);
        }
        case UINT8 -> {
          min = BigInteger.ZERO;
          max = BigInteger.valueOf(0xFF);
        }
        case UINT16 -> {
          min = BigInteger.ZERO;
          max = BigInteger.valueOf(0xFFFF);
        }
        case UINT32 -> {
          min = BigInteger.ZERO;
          max = BigInteger.valueOf(0xFFFF_FFFFL);
        }
        default -> {
          min = BigInteger.ZERO;
          max = TWO_64.subtract(BigInteger.ONE);
        }
      }
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new InvalidInputException(label + ": element " + size + " is " + value + ", outside the range of "
            + type + " [" + min + ", " + max + "]");
      }
      return value.longValue();
    }

    private InvalidInputException bad(JsonParser p, JsonToken t) throws IOException {
      String shown = t == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : t != null && t.isScalarValue() ? p.getText()
          : describe(t);
      return new InvalidInputException(label + ": element " + size + " is " + shown + ", not a " + type + " value");
    }

    Tensor toTensor(long[] shape) {
      return switch (type) {
        case FP64 -> Tensor.wrap(type, Arrays.copyOf(doubles, size), shape);
        case FP32 -> Tensor.wrap(type, Arrays.copyOf(floats, size), shape);
        case FP16 -> {
          short[] bits = new short[size];
          for (int i = 0; i < size; i++) {
            bits[i] = Float16.fromFloat(floats[i]);
          }
          yield Tensor.wrap(type, bits, shape);
        }
        case BOOL -> Tensor.wrap(type, Arrays.copyOf(booleans, size), shape);
        case BYTES -> Tensor.wrap(type, strings.toArray(new byte[0][]), shape);
        case INT8, UINT8 -> {
          byte[] b = new byte[size];
          for (int i = 0; i < size; i++) {
            b[i] = (byte) longs[i];
          }
          yield Tensor.wrap(type, b, shape);
        }
        case INT16, UINT16 -> {
          short[] s = new short[size];
          for (int i = 0; i < size; i++) {
            s[i] = (short) longs[i];
          }
          yield Tensor.wrap(type, s, shape);
        }
        case INT32, UINT32 -> {
          int[] v = new int[size];
          for (int i = 0; i < size; i++) {
            v[i] = (int) longs[i];
          }
          yield Tensor.wrap(type, v, shape);
        }
        case INT64, UINT64 -> Tensor.wrap(type, Arrays.copyOf(longs, size), shape);
      };
    }
  }

  // ---- writing helpers ----

  private static void writeParameters(JsonGenerator g, Map<String, Object> parameters) throws IOException {
    if (parameters.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart("parameters");
    for (Map.Entry<String, Object> e : parameters.entrySet()) {
      g.writeFieldName(e.getKey());
      Object v = e.getValue();
      if (v instanceof String s) {
        g.writeString(s);
      } else if (v instanceof Boolean b) {
        g.writeBoolean(b);
      } else if (v instanceof Double || v instanceof Float) {
        g.writeNumber(((Number) v).doubleValue());
      } else if (v instanceof BigInteger big) {
        g.writeNumber(big);
      } else if (v instanceof java.math.BigDecimal dec) {
        g.writeNumber(dec);
      } else {
        g.writeNumber(((Number) v).longValue());
      }
    }
    g.writeEndObject();
  }

  private static void writeTensor(JsonGenerator g, InferenceTensor named) throws IOException {
    Tensor t = named.tensor();
    g.writeStartObject();
    g.writeStringField("name", named.name());
    g.writeArrayFieldStart("shape");
    for (long d : t.shape()) {
      g.writeNumber(d);
    }
    g.writeEndArray();
    g.writeStringField("datatype", t.dataType().protocolName());
    writeParameters(g, named.parameters());
    g.writeArrayFieldStart("data");
    int n = t.size();
    switch (t.dataType()) {
      case FP64 -> {
        for (int i = 0; i < n; i++) {
          writeFloating(g, t.getDouble(i), false);
        }
      }
      case FP32, FP16 -> {
        for (int i = 0; i < n; i++) {
          writeFloating(g, t.getFloat(i), true);
        }
      }
      case BOOL -> {
        for (int i = 0; i < n; i++) {
          g.writeBoolean(t.getBoolean(i));
        }
      }
      case BYTES -> {
        for (int i = 0; i < n; i++) {
          g.writeString(t.getString(i));
        }
      }
      case UINT64 -> {
        for (int i = 0; i < n; i++) {
          g.writeNumber(Long.toUnsignedString(t.getLong(i)));
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          g.writeNumber(t.getLong(i));
        }
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeFloating(JsonGenerator g, double value, boolean single) throws IOException {
    if (Double.isNaN(value)) {
      g.writeString("NaN");
    } else if (Double.isInfinite(value)) {
      g.writeString(value > 0 ? "Infinity" : "-Infinity");
    } else if (single) {
      g.writeNumber((float) value);
    } else {
      g.writeNumber(value);
    }
  }
}
