package dev.maas.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import dev.maas.internal.Float16;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads one tensor's JSON {@code data} array into a primitive buffer of its datatype, checking the
 * nesting against the shape, every element against the datatype and the count against the shape,
 * without boxing. Not thread-safe: one instance per tensor being read.
 */
final class TensorData {
  private static final int MAX_PREALLOCATION = 1 << 16;

  private final DataType type;
  private final String label;
  private final long[] shape;
  private final int expected;
  private final boolean nonFiniteStrings;
  private int size;
  private double[] doubles;
  private float[] floats;
  private short[] halves;
  private long[] longs;
  private boolean[] booleans;
  /** BYTES: the elements' UTF-8 bytes packed one after the other, and where each ends. */
  private byte[] packed;
  private int[] ends;
  private int packedLength;

  private TensorData(DataType type, String label, long[] shape, int expected, boolean nonFiniteStrings) {
    this.type = type;
    this.label = label;
    this.shape = shape;
    this.expected = expected;
    this.nonFiniteStrings = nonFiniteStrings;
    int initial = Math.min(Math.max(expected, 1), MAX_PREALLOCATION);
    switch (type) {
      case FP64 -> doubles = new double[initial];
      case FP32 -> floats = new float[initial];
      case FP16 -> halves = new short[initial];
      case BOOL -> booleans = new boolean[initial];
      case BYTES -> {
        ends = new int[initial];
        packed = new byte[Math.min(initial * 8, MAX_PREALLOCATION)];
      }
      default -> longs = new long[initial];
    }
  }

  /**
   * Reads the {@code data} value whose first token {@code p} is on, returning the tensor.
   *
   * @param expected the shape's element count, already checked against the element limit
   * @param nonFiniteStrings whether "NaN", "Infinity" and "-Infinity" are read as floats (responses)
   */
  static Tensor read(JsonParser p, DataType type, long[] shape, int expected, String label, boolean nonFiniteStrings)
      throws IOException {
    JsonToken token = p.currentToken();
    if (token != JsonToken.START_ARRAY) {
      throw new InvalidInputException(label + ": \"data\" must be an array, got " + Json.describe(token));
    }
    TensorData data = new TensorData(type, label, shape, expected, nonFiniteStrings);
    data.readArray(p);
    if (data.size != expected) {
      throw new InvalidInputException(label + ": shape " + Arrays.toString(shape) + " needs " + expected
          + " elements, \"data\" has " + data.size);
    }
    return data.toTensor();
  }

  private void readArray(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == JsonToken.START_ARRAY && shape.length > 1) {
      readNested(p, first, 1);
      return;
    }
    for (JsonToken t = first; t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t == JsonToken.START_ARRAY) {
        throw new InvalidInputException(label + ": \"data\" nesting does not match shape " + Arrays.toString(shape)
            + "; give it flat or nested exactly as the shape");
      }
      add(p, t);
    }
  }

  /** Reads arrays at {@code level} (1-based) until the enclosing array ends; its first token is given. */
  private void readNested(JsonParser p, JsonToken first, int level) throws IOException {
    long count = 0;
    JsonToken t = first;
    while (t != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_ARRAY) {
        throw mismatch(level);
      }
      count++;
      if (count > shape[level - 1]) {
        throw new InvalidInputException(label + ": nested \"data\" has more than " + shape[level - 1]
            + " elements at level " + level + " of shape " + Arrays.toString(shape));
      }
      if (level + 1 < shape.length) {
        readNested(p, p.nextToken(), level + 1);
      } else {
        long inner = 0;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          if (e == JsonToken.START_ARRAY) {
            throw mismatch(level + 1);
          }
          add(p, e);
          inner++;
        }
        if (inner != shape[level]) {
          throw new InvalidInputException(label + ": nested \"data\" has " + inner + " elements at level " + (level + 1)
              + ", shape " + Arrays.toString(shape) + " needs " + shape[level]);
        }
      }
      t = p.nextToken();
    }
    if (count != shape[level - 1]) {
      throw new InvalidInputException(label + ": nested \"data\" has " + count + " elements at level " + level
          + ", shape " + Arrays.toString(shape) + " needs " + shape[level - 1]);
    }
  }

  private InvalidInputException mismatch(int level) {
    return new InvalidInputException(label + ": \"data\" nesting does not match shape " + Arrays.toString(shape)
        + " at level " + level + "; give it flat or nested exactly as the shape");
  }

  private void add(JsonParser p, JsonToken t) throws IOException {
    if (t == null || t == JsonToken.START_OBJECT) {
      throw new InvalidInputException(label + ": \"data\" must hold " + type + " elements, got " + Json.describe(t));
    }
    if (size == expected) {
      throw new InvalidInputException(label + ": shape " + Arrays.toString(shape) + " needs " + expected
          + " elements, \"data\" has more");
    }
    switch (type) {
      case FP64 -> {
        if (size == doubles.length) {
          doubles = Arrays.copyOf(doubles, grow(doubles.length));
        }
        doubles[size] = fp64(p, t);
      }
      case FP32 -> {
        if (size == floats.length) {
          floats = Arrays.copyOf(floats, grow(floats.length));
        }
        floats[size] = fp32(p, t);
      }
      case FP16 -> {
        if (size == halves.length) {
          halves = Arrays.copyOf(halves, grow(halves.length));
        }
        halves[size] = fp16(p, t);
      }
      case BOOL -> {
        if (size == booleans.length) {
          booleans = Arrays.copyOf(booleans, grow(booleans.length));
        }
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw bad(p, t, "JSON booleans");
        }
        booleans[size] = t == JsonToken.VALUE_TRUE;
      }
      case BYTES -> {
        if (size == ends.length) {
          ends = Arrays.copyOf(ends, grow(ends.length));
        }
        if (t != JsonToken.VALUE_STRING) {
          throw bad(p, t, "JSON strings");
        }
        appendUtf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        ends[size] = packedLength;
      }
      default -> {
        if (size == longs.length) {
          longs = Arrays.copyOf(longs, grow(longs.length));
        }
        longs[size] = integer(p, t);
      }
    }
    size++;
  }

  /**
   * Appends the UTF-8 encoding of {@code chars[offset, offset + length)} to {@link #packed}, as
   * {@link String#getBytes} would (an unpaired surrogate becomes {@code '?'}), without a String
   * or an array per element. A JSON string never encodes to more bytes than its JSON text holds,
   * so the packed bytes stay within the body's size.
   */
  private void appendUtf8(char[] chars, int offset, int length) {
    long room = packedLength + 3L * length;
    if (room > packed.length) {
      if (room > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(label + ": the strings hold more than 2^31-9 bytes");
      }
      packed = Arrays.copyOf(packed, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(room, 2L * packed.length)));
    }
    byte[] out = packed;
    int at = packedLength;
    for (int i = offset, end = offset + length; i < end; i++) {
      char c = chars[i];
      if (c < 0x80) {
        out[at++] = (byte) c;
      } else if (c < 0x800) {
        out[at++] = (byte) (0xC0 | (c >> 6));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
        int cp = Character.toCodePoint(c, chars[++i]);
        // four bytes from two chars: within the 3 bytes per char reserved above
        out[at++] = (byte) (0xF0 | (cp >> 18));
        out[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        out[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        out[at++] = '?';
      } else {
        out[at++] = (byte) (0xE0 | (c >> 12));
        out[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    packedLength = at;
  }

  private int grow(int length) {
    return (int) Math.min((long) length * 2, expected);
  }

  private double fp64(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      double d = p.getDoubleValue();
      if (!Double.isFinite(d)) {
        throw outOfRange(p);
      }
      return d;
    }
    return nonFinite(p, t);
  }

  private float fp32(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      float f = p.getFloatValue();
      if (!Float.isFinite(f)) {
        throw outOfRange(p);
      }
      return f;
    }
    return (float) nonFinite(p, t);
  }

  private short fp16(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      short bits = Float16.fromFloat(p.getFloatValue());
      if ((bits & 0x7C00) == 0x7C00) {
        throw outOfRange(p);
      }
      return bits;
    }
    return Float16.fromFloat((float) nonFinite(p, t));
  }

  private double nonFinite(JsonParser p, JsonToken t) throws IOException {
    if (nonFiniteStrings && t == JsonToken.VALUE_STRING) {
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
    if (t == JsonToken.VALUE_STRING && !nonFiniteStrings) {
      throw new InvalidInputException(label + ": element " + size + " is " + Json.quote(p.getText()) + ", not a "
          + type + " number; JSON data holds finite numbers only (send non-finite values with the binary extension)");
    }
    throw bad(p, t, "JSON numbers");
  }

  private long integer(JsonParser p, JsonToken t) throws IOException {
    long min;
    long max;
    switch (type) {
      case INT8 -> {
        min = Byte.MIN_VALUE;
        max = Byte.MAX_VALUE;
      }
      case INT16 -> {
        min = Short.MIN_VALUE;
        max = Short.MAX_VALUE;
      }
      case INT32 -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
      case UINT8 -> {
        min = 0;
        max = 0xFF;
      }
      case UINT16 -> {
        min = 0;
        max = 0xFFFF;
      }
      case UINT32 -> {
        min = 0;
        max = 0xFFFF_FFFFL;
      }
      case UINT64 -> {
        min = 0;
        max = Long.MAX_VALUE;
      }
      default -> {
        min = Long.MIN_VALUE;
        max = Long.MAX_VALUE;
      }
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        java.math.BigInteger big = p.getBigIntegerValue();
        if (type == DataType.UINT64 && big.signum() > 0 && big.bitLength() <= 64) {
          return big.longValue();
        }
        throw outOfRange(p);
      }
      long v = p.getLongValue();
      if (v < min || v > max) {
        throw outOfRange(p);
      }
      return v;
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (d != Math.rint(d) || Math.abs(d) > 0x1p53) {
        throw bad(p, t, "integers");
      }
      long v = (long) d;
      if (v < min || v > max) {
        throw outOfRange(p);
      }
      return v;
    }
    throw bad(p, t, "JSON integers");
  }

  private InvalidInputException outOfRange(JsonParser p) throws IOException {
    return new InvalidInputException(label + ": element " + size + " is " + Json.clip(p.getText())
        + ", outside the range of " + type);
  }

  private InvalidInputException bad(JsonParser p, JsonToken t, String what) throws IOException {
    String shown = t == JsonToken.VALUE_STRING ? Json.quote(p.getText())
        : t != null && t.isScalarValue() ? Json.clip(p.getText()) : Json.describe(t);
    return new InvalidInputException(label + ": element " + size + " is " + shown + "; " + type + " data are " + what);
  }

  private Tensor toTensor() {
    return switch (type) {
      case FP64 -> Tensor.wrap(type, trim(doubles), shape);
      case FP32 -> Tensor.wrap(type, trim(floats), shape);
      case FP16 -> Tensor.wrap(type, halves.length == size ? halves : Arrays.copyOf(halves, size), shape);
      case BOOL -> Tensor.wrap(type, booleans.length == size ? booleans : Arrays.copyOf(booleans, size), shape);
      case BYTES -> Tensor.wrapByteStrings(packed.length - packedLength > packedLength ? Arrays.copyOf(packed,
          packedLength) : packed, ends.length == size ? ends : Arrays.copyOf(ends, size), shape);
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
      case INT64, UINT64 -> Tensor.wrap(type, trim(longs), shape);
    };
  }

  private double[] trim(double[] a) {
    return a.length == size ? a : Arrays.copyOf(a, size);
  }

  private float[] trim(float[] a) {
    return a.length == size ? a : Arrays.copyOf(a, size);
  }

  private long[] trim(long[] a) {
    return a.length == size ? a : Arrays.copyOf(a, size);
  }
}
