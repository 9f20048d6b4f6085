package dev.maas.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * The Open Inference Protocol codec behind {@link InferenceJson}, for one set of {@link
 * JsonLimits}: strict JSON (one object, nothing after it, no duplicate fields, finite numbers),
 * Jackson's fast number parsers, and Triton's binary tensor data extension. Immutable and safe to
 * use from many threads.
 */
final class Codec {
  /** Request parameter asking for every output as binary data. */
  static final String BINARY_DATA_OUTPUT = "binary_data_output";
  /** Requested-output parameter asking for that output as binary data. */
  static final String BINARY_DATA = "binary_data";
  /** Tensor parameter giving the size of its binary data, in bytes. */
  static final String BINARY_DATA_SIZE = "binary_data_size";

  static final Codec DEFAULT = new Codec(JsonLimits.DEFAULTS);
  /**
   * The most inputs (or requested outputs) a request decoded without a model may hold: the decoder
   * builds an object per tensor, so a body of a million one-value tensors would otherwise cost many
   * times a body of the same size holding one tensor. With a model, its own counts are the cap.
   */
  static final int MAX_TENSORS = 65_536;

  private final JsonFactory json;
  private final JsonLimits limits;
  private final ParserObserver observer;

  /** Sees each parser the codec creates, with the number of bytes it is given, and may wrap it. */
  @FunctionalInterface
  interface ParserObserver {
    JsonParser created(JsonParser parser, int bytes);
  }

  Codec(JsonLimits limits) {
    this(limits, (parser, bytes) -> parser);
  }

  /** A codec whose every parser is first handed to {@code observer} (tests count the work it does). */
  Codec(JsonLimits limits, ParserObserver observer) {
    this.limits = limits;
    this.observer = observer;
    this.json = dev.maas.internal.Json.builder()
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
        .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxNestingDepth())
            .maxNumberLength(400)
            .build())
        .build();
  }

  JsonLimits limits() {
    return limits;
  }

  private JsonParser parser(byte[] body, int offset, int length) throws IOException {
    return observer.created(json.createParser(body, offset, length), length);
  }

  // ---- reading ----

  /** A request whose JSON is {@code body[0, jsonLength)}, followed by binary tensor data up to {@code length}. */
  InferenceRequest readRequest(byte[] body, int length, int jsonLength) {
    return readRequest(body, length, jsonLength, MAX_TENSORS, MAX_TENSORS, bytes -> { });
  }

  /** {@link #readRequest(byte[], int, int, int, int, LongConsumer)} with no cap on requested outputs. */
  InferenceRequest readRequest(byte[] body, int length, int jsonLength, int maxInputs, LongConsumer reserve) {
    return readRequest(body, length, jsonLength, maxInputs, Integer.MAX_VALUE, reserve);
  }

  /**
   * A request as {@link #readRequest(byte[], int, int)}, for a model taking {@code maxInputs}
   * inputs and having {@code maxOutputs} outputs: a request with more inputs, or asking for more
   * outputs, is refused as soon as the count is passed (before any tensor data is decoded, and
   * without holding an object per surplus entry), and {@code reserve} is given the bytes of each
   * tensor before it is allocated (it throws to refuse them).
   */
  InferenceRequest readRequest(byte[] body, int length, int jsonLength, int maxInputs, int maxOutputs,
      LongConsumer reserve) {
    checkLengths(body, length, jsonLength);
    try (JsonParser p = parser(body, 0, jsonLength)) {
      expectRoot(p, "an inference request object");
      Optional<String> id = Optional.empty();
      Map<String, Object> parameters = Map.of();
      List<Pending> inputs = null;
      List<RequestedOutput> outputs = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> id = Optional.of(string(p, value, "\"id\""));
          case "parameters" -> parameters = readParameters(p, value, "the request");
          case "inputs" -> inputs = readTensors(p, value, body, jsonLength, "input", false, maxInputs, reserve);
          case "outputs" -> outputs = readRequestedOutputs(p, value, maxOutputs);
          default -> p.skipChildren();
        }
      }
      expectEnd(p, "inference request");
      if (inputs == null) {
        throw new InvalidInputException("inference request has no \"inputs\"");
      }
      return new InferenceRequest(id, parameters, attachBinary(inputs, body, length, jsonLength, reserve), outputs);
    } catch (JsonProcessingException e) {
      throw malformed("inference request", e);
    } catch (IOException e) {
      // the input is in memory: any failure to read it is in its bytes (not UTF-8, say)
      throw new InvalidInputException("unreadable inference request: the body is not UTF-8 JSON", e);
    }
  }

  /**
   * The top-level {@code "id"} of the request whose JSON is {@code body[0, jsonLength)}, found by
   * skipping over everything else without decoding it; empty if there is none or the JSON is not
   * a well-formed object up to it (the full read reports that).
   */
  Optional<String> requestId(byte[] body, int jsonLength) {
    if (jsonLength < 0 || jsonLength > body.length) {
      return Optional.empty();
    }
    try (JsonParser p = parser(body, 0, jsonLength)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("id")) {
          return value == JsonToken.VALUE_STRING ? Optional.of(p.getText()) : Optional.empty();
        }
        p.skipChildren();
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A response whose JSON is {@code body[0, jsonLength)}, followed by binary tensor data up to {@code length}. */
  InferenceResponse readResponse(byte[] body, int length, int jsonLength) {
    checkLengths(body, length, jsonLength);
    try (JsonParser p = parser(body, 0, jsonLength)) {
      expectRoot(p, "an inference response object");
      String modelName = null;
      Optional<String> version = Optional.empty();
      Optional<String> id = Optional.empty();
      Map<String, Object> parameters = Map.of();
      List<Pending> outputs = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model_name" -> modelName = string(p, value, "\"model_name\"");
          case "model_version" -> version = Optional.of(string(p, value, "\"model_version\""));
          case "id" -> id = Optional.of(string(p, value, "\"id\""));
          case "parameters" -> parameters = readParameters(p, value, "the response");
          case "outputs" -> outputs = readTensors(p, value, body, jsonLength, "output", true, Integer.MAX_VALUE,
              bytes -> { });
          default -> p.skipChildren();
        }
      }
      expectEnd(p, "inference response");
      if (modelName == null || outputs == null) {
        throw new InvalidInputException("inference response needs \"model_name\" and \"outputs\"");
      }
      return new InferenceResponse(modelName, version, id, parameters,
          attachBinary(outputs, body, length, jsonLength, bytes -> { }));
    } catch (JsonProcessingException e) {
      throw malformed("inference response", e);
    } catch (IOException e) {
      // the input is in memory: any failure to read it is in its bytes (not UTF-8, say)
      throw new InvalidInputException("unreadable inference response: the body is not UTF-8 JSON", e);
    }
  }

  private static void checkLengths(byte[] body, int length, int jsonLength) {
    if (length < 0 || length > body.length) {
      throw new IllegalArgumentException("length " + length + " outside the body's " + body.length + " bytes");
    }
    if (jsonLength < 0 || jsonLength > length) {
      throw new InvalidInputException("Inference-Header-Content-Length " + jsonLength + " is outside the body's "
          + length + " bytes");
    }
  }

  private static InvalidInputException malformed(String what, JsonProcessingException e) {
    String where = e.getLocation() == null ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    if (message.length() > 200) {
      message = message.substring(0, 200) + "...";
    }
    return new InvalidInputException("malformed JSON in " + what + where + ": " + message, e);
  }

  private static void expectRoot(JsonParser p, String what) throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      throw new InvalidInputException("expected " + what + ", got " + Json.describe(t));
    }
  }

  private static void expectEnd(JsonParser p, String what) throws IOException {
    JsonToken t = p.nextToken();
    if (t != null) {
      throw new InvalidInputException("unexpected " + Json.describe(t) + " after the " + what + " object at "
          + Json.where(p) + "; send exactly one JSON object");
    }
  }

  private static String string(JsonParser p, JsonToken token, String field) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw new InvalidInputException(field + " must be a string, got " + Json.describe(token));
    }
    return p.getText();
  }

  private static Map<String, Object> readParameters(JsonParser p, JsonToken token, String owner) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw new InvalidInputException("\"parameters\" of " + owner + " must be an object, got " + Json.describe(token));
    }
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      Object value = switch (v) {
        case VALUE_STRING -> p.getText();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue()
            : (Object) p.getLongValue();
        case VALUE_NUMBER_FLOAT -> {
          double d = p.getDoubleValue();
          if (!Double.isFinite(d)) {
            throw new InvalidInputException("parameter '" + Json.clip(name) + "' of " + owner + " is out of range");
          }
          yield d;
        }
        default -> throw new InvalidInputException("parameter '" + Json.clip(name) + "' of " + owner
            + " must be a string, number or boolean, got " + Json.describe(v));
      };
      map.put(name, value);
    }
    return map;
  }

  private static List<RequestedOutput> readRequestedOutputs(JsonParser p, JsonToken token, int max)
      throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidInputException("\"outputs\" must be an array, got " + Json.describe(token));
    }
    List<RequestedOutput> outputs = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT) {
        throw new InvalidInputException("requested output " + (outputs.size() + 1) + " must be an object, got "
            + Json.describe(t));
      }
      if (outputs.size() == max) {
        throw new InvalidInputException("the model has " + max + " output" + (max == 1 ? "" : "s")
            + "; the request asks for more");
      }
      String name = null;
      Map<String, Object> parameters = Map.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "name" -> name = string(p, value, "\"name\" of a requested output");
          case "parameters" -> parameters = readParameters(p, value, "requested output " + (outputs.size() + 1));
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

  /** A tensor read from JSON whose data may still be in the binary section. */
  private record Pending(String name, DataType type, long[] shape, int count, Map<String, Object> parameters,
      Tensor tensor, long binarySize, String label) {}

  private List<Pending> readTensors(JsonParser p, JsonToken token, byte[] body, int jsonLength, String kind,
      boolean response, int max, LongConsumer reserve) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidInputException("\"" + kind + "s\" must be an array, got " + Json.describe(token));
    }
    List<Pending> tensors = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT) {
        throw new InvalidInputException(kind + " " + (tensors.size() + 1) + " must be an object, got "
            + Json.describe(t));
      }
      if (tensors.size() == max) {
        throw new InvalidInputException(max == MAX_TENSORS
            ? "a request holds at most " + MAX_TENSORS + " " + kind + "s; this one has more"
            : "the model takes " + max + " " + kind + (max == 1 ? "" : "s") + "; the request has more");
      }
      tensors.add(readTensor(p, body, jsonLength, kind, tensors.size() + 1, response, reserve));
    }
    return tensors;
  }

  private Pending readTensor(JsonParser p, byte[] body, int jsonLength, String kind, int position, boolean response,
      LongConsumer reserve) throws IOException {
    String name = null;
    long[] shape = null;
    DataType type = null;
    Map<String, Object> parameters = Map.of();
    Tensor data = null;
    boolean hasData = false;
    long deferredStart = -1;
    long deferredEnd = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "name" -> name = string(p, value, "\"name\" of " + kind + " " + position);
        case "datatype" -> {
          String text = string(p, value, label(kind, name, position) + ": \"datatype\"");
          try {
            type = DataType.fromProtocolName(text);
          } catch (InvalidInputException e) {
            throw new InvalidInputException(label(kind, name, position) + ": unknown datatype " + Json.quote(text)
                + "; expected one of " + Arrays.toString(DataType.values()), e);
          }
        }
        case "shape" -> shape = readShape(p, value, label(kind, name, position));
        case "parameters" -> parameters = readParameters(p, value, label(kind, name, position));
        case "data" -> {
          hasData = true;
          if (type != null && shape != null) {
            int n = count(shape, label(kind, name, position));
            reserve.accept(decodedBytes(type, n));
            data = TensorData.read(p, type, shape, n, label(kind, name, position), response);
            reserve.accept(packedBytes(data));
          } else if (value != JsonToken.START_ARRAY) {
            throw new InvalidInputException(label(kind, name, position) + ": \"data\" must be an array, got "
                + Json.describe(value));
          } else {
            // remember where the array lies; it is decoded from those bytes alone once the
            // shape and datatype are known
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
    int count = count(shape, label);
    long binarySize = -1;
    if (parameters.containsKey(BINARY_DATA_SIZE)) {
      Object size = parameters.get(BINARY_DATA_SIZE);
      if (!(size instanceof Long n) || n < 0) {
        throw new InvalidInputException(label + ": parameter \"binary_data_size\" must be a non-negative integer");
      }
      if (hasData) {
        throw new InvalidInputException(label + " has both \"data\" and \"binary_data_size\"; give one");
      }
      binarySize = n;
      parameters = new LinkedHashMap<>(parameters);
      parameters.remove(BINARY_DATA_SIZE);
    } else if (!hasData) {
      throw new InvalidInputException(label + " has no \"data\" (nor \"binary_data_size\" for binary data)");
    }
    if (data == null && deferredStart >= 0) {
      // "data" came before "shape" or "datatype": decode the bytes of its array alone, so that each
      // byte of the body is read at most twice however many tensors do this
      reserve.accept(decodedBytes(type, count));
      int from = (int) deferredStart;
      try (JsonParser sub = parser(body, from, (int) deferredEnd - from)) {
        sub.nextToken();
        data = TensorData.read(sub, type, shape, count, label, response);
        reserve.accept(packedBytes(data));
      }
    }
    return new Pending(name, type, shape, count, parameters, data, binarySize, label);
  }

  /**
   * The heap a decoded tensor of {@code count} elements takes. BYTES elements are packed into one
   * array with a 4-byte end offset each: this counts the offsets, and the packed bytes (at most the
   * bytes of the body they were decoded from) are charged once decoded ({@link #packedBytes}; for
   * binary data, {@link #decodedBinaryBytes} counts both exactly).
   */
  static long decodedBytes(DataType type, int count) {
    return (long) count * (type.byteSize() > 0 ? type.byteSize() : 4);
  }

  /** The bytes a decoded BYTES tensor's elements hold (0 for other types), charged once they are known. */
  private static long packedBytes(Tensor t) {
    if (t.dataType() != DataType.BYTES) {
      return 0;
    }
    long n = 0;
    for (int i = 0, size = t.size(); i < size; i++) {
      n += t.byteStringLength(i);
    }
    return n;
  }

  /** The heap a tensor decoded from {@code size} bytes of binary data takes. */
  static long decodedBinaryBytes(DataType type, int count, int size) {
    return type == DataType.BYTES ? size : decodedBytes(type, count);
  }

  private int count(long[] shape, String label) {
    long n = 1;
    for (long d : shape) {
      if (d > limits.maxTensorElements() && n != 0) {
        throw new InvalidInputException(label + ": shape " + Arrays.toString(shape) + " has more than "
            + limits.maxTensorElements() + " elements, the limit");
      }
      n *= d; // both factors are at most the element limit (< 2^31): the product cannot wrap
      if (n > limits.maxTensorElements()) {
        throw new InvalidInputException(label + ": shape " + Arrays.toString(shape) + " has more than "
            + limits.maxTensorElements() + " elements, the limit");
      }
    }
    return (int) n;
  }

  private static String label(String kind, String name, int position) {
    return name != null ? kind + " '" + Json.clip(name) + "'" : kind + " " + position;
  }

  private static long[] readShape(JsonParser p, JsonToken token, String label) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidInputException(label + ": \"shape\" must be an array of sizes, got " + Json.describe(token));
    }
    long[] dims = new long[4];
    int n = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || p.getLongValue() < 0) {
        throw new InvalidInputException(label + ": \"shape\" must hold non-negative integers, got "
            + (t == JsonToken.VALUE_NUMBER_INT ? Json.clip(p.getText()) : Json.describe(t)));
      }
      if (n == 64) {
        throw new InvalidInputException(label + ": \"shape\" has more than 64 dimensions");
      }
      if (n == dims.length) {
        dims = Arrays.copyOf(dims, n * 2);
      }
      dims[n++] = p.getLongValue();
    }
    return Arrays.copyOf(dims, n);
  }

  private static List<InferenceTensor> attachBinary(List<Pending> pending, byte[] body, int length, int jsonLength,
      LongConsumer reserve) {
    List<InferenceTensor> tensors = new ArrayList<>(pending.size());
    int offset = jsonLength;
    for (Pending t : pending) {
      if (t.binarySize() < 0) {
        tensors.add(new InferenceTensor(t.name(), t.tensor(), t.parameters()));
        continue;
      }
      if (t.binarySize() > length - offset) {
        throw new InvalidInputException(t.label() + ": \"binary_data_size\" " + t.binarySize() + " exceeds the "
            + (length - offset) + " bytes of binary data left in the body");
      }
      int size = (int) t.binarySize();
      reserve.accept(decodedBinaryBytes(t.type(), t.count(), size));
      tensors.add(new InferenceTensor(t.name(), Binary.decode(t.type(), t.shape(), t.count(), body, offset, size,
          t.label()), t.parameters()));
      offset += size;
    }
    if (offset != length) {
      throw new InvalidInputException("the body has " + (length - offset) + " bytes after the JSON and binary data"
          + " its tensors declare");
    }
    return tensors;
  }

  // ---- writing ----

  /** A message encoded for the wire: the JSON, then the binary data of some tensors, in order. */
  record Encoded(byte[] json, List<Tensor> binary) {
    /** Whether any tensor travels as binary data (so that Inference-Header-Content-Length is needed). */
    boolean hasBinary() {
      return !binary.isEmpty();
    }

    long length() {
      long n = json.length;
      for (Tensor t : binary) {
        n += Binary.size(t);
      }
      return n;
    }

    void writeTo(OutputStream out) throws IOException {
      out.write(json);
      for (Tensor t : binary) {
        Binary.write(t, out);
      }
    }

    byte[] toBytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(length(), Integer.MAX_VALUE));
      try {
        writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  Encoded encodeResponse(InferenceResponse response, Predicate<String> binaryOutput) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    List<Tensor> binary = new ArrayList<>();
    try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("model_name", response.modelName());
      if (response.modelVersion().isPresent()) {
        g.writeStringField("model_version", response.modelVersion().get());
      }
      if (response.id().isPresent()) {
        g.writeStringField("id", response.id().get());
      }
      writeParameters(g, response.parameters(), -1);
      g.writeArrayFieldStart("outputs");
      for (InferenceTensor t : response.outputs()) {
        boolean asBinary = binaryOutput.test(t.name());
        writeTensor(g, t, asBinary);
        if (asBinary) {
          binary.add(t.tensor());
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Encoded(out.toByteArray(), List.copyOf(binary));
  }

  Encoded encodeRequest(InferenceRequest request, boolean binaryInputs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    List<Tensor> binary = new ArrayList<>();
    try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      if (request.id().isPresent()) {
        g.writeStringField("id", request.id().get());
      }
      writeParameters(g, request.parameters(), -1);
      g.writeArrayFieldStart("inputs");
      for (InferenceTensor t : request.inputs()) {
        writeTensor(g, t, binaryInputs);
        if (binaryInputs) {
          binary.add(t.tensor());
        }
      }
      g.writeEndArray();
      if (!request.outputs().isEmpty()) {
        g.writeArrayFieldStart("outputs");
        for (RequestedOutput o : request.outputs()) {
          g.writeStartObject();
          g.writeStringField("name", o.name());
          writeParameters(g, o.parameters(), -1);
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Encoded(out.toByteArray(), List.copyOf(binary));
  }

  /** {@code {"error": message}}. */
  byte[] error(String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + message.length());
    try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A generator for the server's other JSON bodies (metadata, index). */
  JsonGenerator generator(OutputStream out) throws IOException {
    return json.createGenerator(out, JsonEncoding.UTF8);
  }

  private static void writeParameters(JsonGenerator g, Map<String, Object> parameters, long binarySize)
      throws IOException {
    if (parameters.isEmpty() && binarySize < 0) {
      return;
    }
    g.writeObjectFieldStart("parameters");
    for (Map.Entry<String, Object> e : parameters.entrySet()) {
      if (binarySize >= 0 && e.getKey().equals(BINARY_DATA_SIZE)) {
        continue;
      }
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
      } else if (v instanceof BigDecimal dec) {
        g.writeNumber(dec);
      } else {
        g.writeNumber(((Number) v).longValue());
      }
    }
    if (binarySize >= 0) {
      g.writeNumberField(BINARY_DATA_SIZE, binarySize);
    }
    g.writeEndObject();
  }

  private static void writeTensor(JsonGenerator g, InferenceTensor named, boolean binary) throws IOException {
    Tensor t = named.tensor();
    g.writeStartObject();
    g.writeStringField("name", named.name());
    g.writeArrayFieldStart("shape");
    for (int i = 0; i < t.rank(); i++) {
      g.writeNumber(t.dim(i));
    }
    g.writeEndArray();
    g.writeStringField("datatype", t.dataType().protocolName());
    writeParameters(g, named.parameters(), binary ? Binary.size(t) : -1);
    if (!binary) {
      g.writeArrayFieldStart("data");
      writeData(g, t);
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeData(JsonGenerator g, Tensor t) throws IOException {
    int n = t.size();
    switch (t.dataType()) {
      case FP64 -> {
        for (int i = 0; i < n; i++) {
          double v = t.getDouble(i);
          if (Double.isFinite(v)) {
            g.writeNumber(v);
          } else {
            writeNonFinite(g, v);
          }
        }
      }
      case FP32, FP16 -> {
        for (int i = 0; i < n; i++) {
          float v = t.getFloat(i);
          if (Float.isFinite(v)) {
            g.writeNumber(v);
          } else {
            writeNonFinite(g, v);
          }
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
          long v = t.getLong(i);
          if (v >= 0) {
            g.writeNumber(v);
          } else {
            g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
          }
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          g.writeNumber(t.getLong(i));
        }
      }
    }
  }

  private static void writeNonFinite(JsonGenerator g, double value) throws IOException {
    g.writeString(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
  }

  /** The binary tensor data extension's element layout: little-endian, BOOL one byte, BYTES length-prefixed. */
  static final class Binary {
    private Binary() {}

    static long size(Tensor t) {
      if (t.dataType() != DataType.BYTES) {
        return (long) t.size() * t.dataType().byteSize();
      }
      long n = 0;
      for (int i = 0; i < t.size(); i++) {
        n += 4 + t.byteStringLength(i);
      }
      return n;
    }

    static void write(Tensor t, OutputStream out) throws IOException {
      if (t.dataType() == DataType.BYTES) {
        byte[] length = new byte[4];
        ByteBuffer prefix = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.size(); i++) {
          prefix.putInt(0, t.byteStringLength(i));
          out.write(length);
          t.writeByteString(i, out);
        }
        return;
      }
      ByteBuffer bytes = ByteBuffer.allocate(t.size() * t.dataType().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      t.copyTo(bytes);
      out.write(bytes.array(), 0, bytes.position());
    }

    static Tensor decode(DataType type, long[] shape, int count, byte[] body, int offset, int size, String label) {
      ByteBuffer in = ByteBuffer.wrap(body, offset, size).slice().order(ByteOrder.LITTLE_ENDIAN);
      if (type == DataType.BYTES) {
        if ((long) count * 4 > size) {
          throw new InvalidInputException(label + ": " + count + " BYTES elements need at least " + 4L * count
              + " bytes of binary data, \"binary_data_size\" is " + size);
        }
        // packed: one array of the elements' bytes (the data less its length prefixes) and an end each
        byte[] packed = new byte[size - 4 * count];
        int[] ends = new int[count];
        int at = 0;
        for (int i = 0; i < count; i++) {
          if (in.remaining() < 4) {
            throw new InvalidInputException(label + ": binary data ends inside element " + i);
          }
          long n = in.getInt() & 0xFFFF_FFFFL;
          if (n > in.remaining() || n > packed.length - at) {
            throw new InvalidInputException(label + ": binary element " + i + " declares " + n + " bytes, "
                + in.remaining() + " are left");
          }
          in.get(packed, at, (int) n);
          at += (int) n;
          ends[i] = at;
        }
        if (in.hasRemaining()) {
          throw new InvalidInputException(label + ": binary data has " + in.remaining() + " bytes after its "
              + count + " elements");
        }
        return Tensor.wrapByteStrings(packed, ends, shape);
      }
      long expected = (long) count * type.byteSize();
      if (size != expected) {
        throw new InvalidInputException(label + ": shape " + Arrays.toString(shape) + " of " + type + " needs "
            + expected + " bytes of binary data, \"binary_data_size\" is " + size);
      }
      return switch (type) {
        case BOOL -> {
          boolean[] b = new boolean[count];
          for (int i = 0; i < count; i++) {
            byte v = in.get(i);
            if (v != 0 && v != 1) {
              throw new InvalidInputException(label + ": binary BOOL element " + i + " is " + v + ", not 0 or 1");
            }
            b[i] = v == 1;
          }
          yield Tensor.wrap(type, b, shape);
        }
        case INT8, UINT8 -> {
          byte[] b = new byte[count];
          in.get(b);
          yield Tensor.wrap(type, b, shape);
        }
        case INT16, UINT16, FP16 -> {
          short[] s = new short[count];
          in.asShortBuffer().get(s);
          yield Tensor.wrap(type, s, shape);
        }
        case INT32, UINT32 -> {
          int[] v = new int[count];
          in.asIntBuffer().get(v);
          yield Tensor.wrap(type, v, shape);
        }
        case INT64, UINT64 -> {
          long[] v = new long[count];
          in.asLongBuffer().get(v);
          yield Tensor.wrap(type, v, shape);
        }
        case FP32 -> {
          float[] v = new float[count];
          in.asFloatBuffer().get(v);
          yield Tensor.wrap(type, v, shape);
        }
        case FP64 -> {
          double[] v = new double[count];
          in.asDoubleBuffer().get(v);
          yield Tensor.wrap(type, v, shape);
        }
        case BYTES -> throw new AssertionError(type);
      };
    }
  }
}
