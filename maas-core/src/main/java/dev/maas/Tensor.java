package dev.maas;

import dev.maas.internal.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A typed, row-major, n-dimensional array: the unit of data that goes into and comes out of a
 * {@link Predictor}. Rank 0 (a scalar, shape {@code []}) is allowed.
 *
 * <p>A tensor is backed either by a Java primitive array or by a direct, native-order {@link
 * ByteBuffer}; a buffer-backed tensor can be handed to a native runtime without a copy. The
 * {@code ofXxx} factories copy their argument; {@link #wrap} takes ownership of it instead.
 * Elements are addressed by their flat row-major index; the typed getters convert between numeric
 * types ({@code getDouble} on an INT64 tensor, say) and read unsigned types as unsigned.
 *
 * <p>Tensors are immutable and safe to share between threads.
 */
public final class Tensor {
  private static final int MAX_RANK = 64;
  private static final int PREVIEW_ELEMENTS = 8;

  private final DataType dataType;
  private final long[] shape;
  private final int size;
  /** Primitive array (boolean[] for BOOL, {@link Packed} for BYTES), or null when buffer-backed. */
  private final Object array;
  /** Read-only direct native-order buffer positioned at 0, or null when array-backed. */
  private final ByteBuffer buffer;

  private Tensor(DataType dataType, long[] shape, Object array, ByteBuffer buffer) {
    this.dataType = dataType;
    this.shape = shape;
    this.size = elementCount(shape);
    this.array = array;
    this.buffer = buffer;
    int actual = array instanceof Packed p ? p.ends.length
        : array != null ? java.lang.reflect.Array.getLength(array) : buffer.capacity() / dataType.byteSize();
    if (actual != size || (buffer != null && buffer.capacity() % dataType.byteSize() != 0)) {
      throw new InvalidInputException(
          dataType + " tensor of shape " + Arrays.toString(shape) + " needs " + size
              + " elements, got " + (buffer != null ? buffer.capacity() + " bytes" : actual + " elements"));
    }
  }

  // ---- factories that copy ----

  /** A BOOL tensor holding a copy of {@code data}. */
  public static Tensor ofBooleans(boolean[] data, long... shape) {
    return new Tensor(DataType.BOOL, checkShape(shape), data.clone(), null);
  }

  /** An INT8 tensor holding a copy of {@code data}. */
  public static Tensor ofInt8(byte[] data, long... shape) {
    return new Tensor(DataType.INT8, checkShape(shape), data.clone(), null);
  }

  /** A UINT8 tensor holding a copy of {@code data}; each byte is read as 0..255. */
  public static Tensor ofUint8(byte[] data, long... shape) {
    return new Tensor(DataType.UINT8, checkShape(shape), data.clone(), null);
  }

  /** An INT16 tensor holding a copy of {@code data}. */
  public static Tensor ofInt16(short[] data, long... shape) {
    return new Tensor(DataType.INT16, checkShape(shape), data.clone(), null);
  }

  /** An INT32 tensor holding a copy of {@code data}. */
  public static Tensor ofInts(int[] data, long... shape) {
    return new Tensor(DataType.INT32, checkShape(shape), data.clone(), null);
  }

  /** An INT64 tensor holding a copy of {@code data}. */
  public static Tensor ofLongs(long[] data, long... shape) {
    return new Tensor(DataType.INT64, checkShape(shape), data.clone(), null);
  }

  /** An FP16 tensor holding a copy of {@code bits}, each an IEEE 754 binary16 value. */
  public static Tensor ofFloat16Bits(short[] bits, long... shape) {
    return new Tensor(DataType.FP16, checkShape(shape), bits.clone(), null);
  }

  /** An FP32 tensor holding a copy of {@code data}. */
  public static Tensor ofFloats(float[] data, long... shape) {
    return new Tensor(DataType.FP32, checkShape(shape), data.clone(), null);
  }

  /** An FP64 tensor holding a copy of {@code data}. */
  public static Tensor ofDoubles(double[] data, long... shape) {
    return new Tensor(DataType.FP64, checkShape(shape), data.clone(), null);
  }

  /**
   * A BYTES tensor holding copies of the byte strings in {@code data}. BYTES tensors keep their
   * elements packed in one byte array with an end offset per element, so a tensor of many short
   * strings costs about its bytes plus 4 per element (see {@link #wrapByteStrings}).
   */
  public static Tensor ofByteStrings(byte[][] data, long... shape) {
    return new Tensor(DataType.BYTES, checkShape(shape), Packed.of(data), null);
  }

  /** A BYTES tensor holding the UTF-8 encoding of each string in {@code data}. */
  public static Tensor ofStrings(String[] data, long... shape) {
    byte[][] bytes = new byte[data.length][];
    for (int i = 0; i < data.length; i++) {
      bytes[i] = Objects.requireNonNull(data[i], "data[" + i + "]").getBytes(StandardCharsets.UTF_8);
    }
    return new Tensor(DataType.BYTES, checkShape(shape), Packed.of(bytes), null);
  }

  /**
   * A BYTES tensor that takes ownership of packed elements without copying them: element {@code i}
   * is {@code data[ends[i - 1], ends[i])} ({@code data[0, ends[0])} for the first), so {@code ends}
   * has one entry per element, never decreases and stays within {@code data} (bytes after the last
   * end are ignored, so a decoder may hand over a buffer with room to spare). The caller must not
   * change either array afterwards.
   *
   * @throws InvalidInputException if {@code ends} does not hold exactly the number of elements
   *     {@code shape} needs, decreases, or points outside {@code data}
   */
  public static Tensor wrapByteStrings(byte[] data, int[] ends, long... shape) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(ends, "ends");
    int previous = 0;
    for (int i = 0; i < ends.length; i++) {
      if (ends[i] < previous || ends[i] > data.length) {
        throw new InvalidInputException("BYTES element " + i + " ends at " + ends[i] + ", which is "
            + (ends[i] < previous ? "before its start " + previous : "beyond the " + data.length + " bytes given"));
      }
      previous = ends[i];
    }
    return new Tensor(DataType.BYTES, checkShape(shape), new Packed(data, ends), null);
  }

  /**
   * A tensor of a fixed-size type holding a copy of the remaining bytes of {@code data} (read from
   * its position, in its byte order) in a new direct, native-order buffer.
   */
  public static Tensor fromBuffer(DataType dataType, ByteBuffer data, long... shape) {
    requireFixedSize(dataType);
    ByteBuffer source = data.slice().order(data.order());
    ByteBuffer copy = ByteBuffer.allocateDirect(source.remaining()).order(ByteOrder.nativeOrder());
    int width = dataType.byteSize();
    if (source.order() == ByteOrder.nativeOrder() || width == 1) {
      copy.put(source);
    } else {
      for (int i = 0; i < source.remaining(); i += width) {
        switch (width) {
          case 2 -> copy.putShort(i, source.getShort(i));
          case 4 -> copy.putInt(i, source.getInt(i));
          default -> copy.putLong(i, source.getLong(i));
        }
      }
    }
    copy.clear();
    return new Tensor(dataType, checkShape(shape), null, copy.asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
  }

  /**
   * A tensor that takes ownership of {@code data} without copying it: a primitive array of the
   * type's Java carrier ({@code boolean[]} for BOOL, {@code byte[]} for INT8/UINT8, {@code short[]}
   * for INT16/UINT16/FP16, {@code int[]} for INT32/UINT32, {@code long[]} for INT64/UINT64, {@code
   * float[]}, {@code double[]}, {@code byte[][]} for BYTES), or, for fixed-size types, a direct
   * native-order {@link ByteBuffer} whose remaining bytes are the elements. The caller must not
   * change {@code data} afterwards. BYTES is the exception: its elements are copied (packed into
   * one array, so later changes to the caller's arrays never show); {@link #wrapByteStrings} takes
   * packed elements without a copy.
   *
   * @throws InvalidInputException if {@code data} is not a carrier of {@code dataType} or does
   *     not hold exactly the number of elements {@code shape} needs
   */
  public static Tensor wrap(DataType dataType, Object data, long... shape) {
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(data, "data");
    long[] dims = checkShape(shape);
    if (data instanceof ByteBuffer bytes) {
      requireFixedSize(dataType);
      if (!bytes.isDirect() || bytes.order() != ByteOrder.nativeOrder()) {
        throw new InvalidInputException("wrap needs a direct, native-order buffer; use fromBuffer to copy");
      }
      return new Tensor(dataType, dims, null, bytes.slice().asReadOnlyBuffer().order(ByteOrder.nativeOrder()));
    }
    Class<?> expected = carrier(dataType);
    if (data.getClass() != expected) {
      throw new InvalidInputException(
          dataType + " is carried by " + expected.getSimpleName() + ", got " + data.getClass().getSimpleName());
    }
    if (dataType == DataType.BYTES) {
      return new Tensor(dataType, dims, Packed.of((byte[][]) data), null);
    }
    return new Tensor(dataType, dims, data, null);
  }

  private static Class<?> carrier(DataType type) {
    return switch (type) {
      case BOOL -> boolean[].class;
      case INT8, UINT8 -> byte[].class;
      case INT16, UINT16, FP16 -> short[].class;
      case INT32, UINT32 -> int[].class;
      case INT64, UINT64 -> long[].class;
      case FP32 -> float[].class;
      case FP64 -> double[].class;
      case BYTES -> byte[][].class;
    };
  }

  private static void requireFixedSize(DataType dataType) {
    if (!dataType.isFixedSize()) {
      throw new InvalidInputException(dataType + " elements have no fixed size and cannot live in a buffer");
    }
  }

  private static long[] checkShape(long[] shape) {
    Objects.requireNonNull(shape, "shape");
    if (shape.length > MAX_RANK) {
      throw new InvalidInputException("rank " + shape.length + " exceeds " + MAX_RANK);
    }
    for (long d : shape) {
      if (d < 0) {
        throw new InvalidInputException("negative dimension in shape " + Arrays.toString(shape));
      }
    }
    long[] copy = shape.clone();
    elementCount(copy);
    return copy;
  }

  /**
   * The number of elements a tensor of {@code shape} holds: the product of its dimensions, 1 for
   * rank 0.
   *
   * @throws InvalidInputException if a dimension is negative or the product exceeds {@code
   *     Integer.MAX_VALUE}
   */
  public static int elementCount(long... shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new InvalidInputException("negative dimension in shape " + Arrays.toString(shape));
      }
      if (d > Integer.MAX_VALUE && n != 0) {
        throw new InvalidInputException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
      }
      n *= Math.min(d, Integer.MAX_VALUE); // both factors below 2^31: the product cannot wrap a long
      if (n > Integer.MAX_VALUE) {
        throw new InvalidInputException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
      }
    }
    return (int) n;
  }

  // ---- description ----

  /** The element type. */
  public DataType dataType() {
    return dataType;
  }

  /** A copy of the shape; empty for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of dimensions; 0 for a scalar. */
  public int rank() {
    return shape.length;
  }

  /** The size of dimension {@code axis}. */
  public long dim(int axis) {
    return shape[axis];
  }

  /** The number of elements. */
  public int size() {
    return size;
  }

  /** Whether the elements live in a direct buffer that a native runtime can read in place. */
  public boolean isBufferBacked() {
    return buffer != null;
  }

  /** A tensor with the same elements and another shape of the same element count. */
  public Tensor reshape(long... newShape) {
    long[] dims = checkShape(newShape);
    if (elementCount(dims) != size) {
      throw new InvalidInputException(
          "cannot reshape " + Arrays.toString(shape) + " (" + size + " elements) to " + Arrays.toString(dims));
    }
    return new Tensor(dataType, dims, array, buffer);
  }

  // ---- rows ----

  /**
   * The tensors stacked along dimension 0: all must have the same type, a rank of at least 1 and
   * the same trailing dimensions; the result's dimension 0 is the sum of theirs. Works for every
   * type, {@link DataType#BYTES} and {@link DataType#FP16} included; the elements are copied once
   * into a new array-backed tensor (a single tensor is returned as it is).
   *
   * @throws InvalidInputException if the list is empty, the types, ranks or trailing dimensions
   *     differ, a tensor is a scalar, or the result would exceed 2^31-1 elements
   */
  public static Tensor concat(java.util.List<Tensor> tensors) {
    Objects.requireNonNull(tensors, "tensors");
    if (tensors.isEmpty()) {
      throw new InvalidInputException("concat needs at least one tensor");
    }
    Tensor first = Objects.requireNonNull(tensors.get(0), "tensors[0]");
    if (first.rank() == 0) {
      throw new InvalidInputException("concat needs tensors of rank 1 or more; tensor 0 is a scalar");
    }
    long rows = 0;
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = Objects.requireNonNull(tensors.get(i), "tensors[" + i + "]");
      if (t.dataType != first.dataType || t.rank() != first.rank()
          || !Arrays.equals(t.shape, 1, t.shape.length, first.shape, 1, first.shape.length)) {
        throw new InvalidInputException("concat: tensor " + i + " is " + t.dataType + " " + Arrays.toString(t.shape)
            + ", tensor 0 is " + first.dataType + " " + Arrays.toString(first.shape)
            + "; they must agree in type and in every dimension but the first");
      }
      rows += t.shape[0];
    }
    if (tensors.size() == 1) {
      return first;
    }
    long[] shape = first.shape.clone();
    shape[0] = rows;
    int total = elementCount(shape);
    if (first.dataType == DataType.BYTES) {
      long bytes = 0;
      for (Tensor t : tensors) {
        Packed p = (Packed) t.array;
        bytes += p.start(t.size);
      }
      if (bytes > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException("concat: the BYTES elements hold " + bytes + " bytes, more than 2^31-9");
      }
      byte[] data = new byte[(int) bytes];
      int[] ends = new int[total];
      int element = 0;
      int at = 0;
      for (Tensor t : tensors) {
        at = ((Packed) t.array).copyTo(0, t.size, data, ends, element, at);
        element += t.size;
      }
      return new Tensor(first.dataType, shape, new Packed(data, ends), null);
    }
    Object out = newCarrier(first.dataType, total);
    int offset = 0;
    for (Tensor t : tensors) {
      t.copyElements(0, t.size, out, offset);
      offset += t.size;
    }
    return new Tensor(first.dataType, shape, out, null);
  }

  /**
   * Rows {@code fromRow} (inclusive) to {@code toRow} (exclusive) along dimension 0, keeping the
   * other dimensions: a view of the same buffer for a buffer-backed tensor, otherwise one copy.
   * Works for every type.
   *
   * @throws InvalidInputException if this is a scalar or the range is not within {@code [0, dim(0)]}
   */
  public Tensor slice(long fromRow, long toRow) {
    if (shape.length == 0) {
      throw new InvalidInputException("cannot slice a scalar");
    }
    if (fromRow < 0 || toRow < fromRow || toRow > shape[0]) {
      throw new InvalidInputException("rows [" + fromRow + ", " + toRow + ") are not within [0, " + shape[0] + ")");
    }
    if (fromRow == 0 && toRow == shape[0]) {
      return this;
    }
    int rowSize = elementCount(Arrays.copyOfRange(shape, 1, shape.length));
    long[] dims = shape.clone();
    dims[0] = toRow - fromRow;
    int from = (int) fromRow * rowSize;
    int count = (int) (toRow - fromRow) * rowSize;
    if (buffer != null) {
      int width = dataType.byteSize();
      ByteBuffer view = buffer.slice(from * width, count * width).order(ByteOrder.nativeOrder());
      return new Tensor(dataType, dims, null, view);
    }
    if (array instanceof Packed p) {
      byte[] data = new byte[p.start(from + count) - p.start(from)];
      int[] ends = new int[count];
      p.copyTo(from, count, data, ends, 0, 0);
      return new Tensor(dataType, dims, new Packed(data, ends), null);
    }
    Object out = newCarrier(dataType, count);
    copyElements(from, count, out, 0);
    return new Tensor(dataType, dims, out, null);
  }

  private static Object newCarrier(DataType type, int n) {
    return switch (type) {
      case BOOL -> new boolean[n];
      case INT8, UINT8 -> new byte[n];
      case INT16, UINT16, FP16 -> new short[n];
      case INT32, UINT32 -> new int[n];
      case INT64, UINT64 -> new long[n];
      case FP32 -> new float[n];
      case FP64 -> new double[n];
      case BYTES -> throw new AssertionError(type); // BYTES is copied by copyByteStrings
    };
  }

  /** Copies {@code count} elements from flat index {@code from} into carrier array {@code dest} at {@code offset}. */
  private void copyElements(int from, int count, Object dest, int offset) {
    if (array != null) {
      System.arraycopy(array, from, dest, offset, count);
      return;
    }
    int width = dataType.byteSize();
    ByteBuffer source = buffer.duplicate().order(ByteOrder.nativeOrder());
    source.position(from * width).limit((from + count) * width);
    source = source.slice().order(ByteOrder.nativeOrder());
    switch (dataType) {
      case BOOL -> {
        boolean[] b = (boolean[]) dest;
        for (int i = 0; i < count; i++) {
          b[offset + i] = source.get(i) != 0;
        }
      }
      case INT8, UINT8 -> source.get((byte[]) dest, offset, count);
      case INT16, UINT16, FP16 -> source.asShortBuffer().get((short[]) dest, offset, count);
      case INT32, UINT32 -> source.asIntBuffer().get((int[]) dest, offset, count);
      case INT64, UINT64 -> source.asLongBuffer().get((long[]) dest, offset, count);
      case FP32 -> source.asFloatBuffer().get((float[]) dest, offset, count);
      case FP64 -> source.asDoubleBuffer().get((double[]) dest, offset, count);
      case BYTES -> throw new AssertionError(dataType);
    }
  }

  // ---- element access ----

  /** Element {@code index} as a double (1 or 0 for BOOL; unsigned types as unsigned). */
  public double getDouble(int index) {
    return switch (dataType) {
      case FP64 -> array != null ? ((double[]) array)[index] : buffer.getDouble(index * 8);
      case FP32 -> getFloat(index);
      case FP16 -> Float16.toFloat(rawShort(index));
      case UINT64 -> unsignedToDouble(rawLong(index));
      case BOOL, INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64 -> getLong(index);
      case BYTES -> throw notNumeric();
    };
  }

  /** Element {@code index} as a float, rounded if the type is wider. */
  public float getFloat(int index) {
    return switch (dataType) {
      case FP32 -> array != null ? ((float[]) array)[index] : buffer.getFloat(index * 4);
      case FP16 -> Float16.toFloat(rawShort(index));
      default -> (float) getDouble(index);
    };
  }

  /**
   * Element {@code index} as a long: integers exactly (UINT64 values above {@code Long.MAX_VALUE}
   * come back as their two's-complement bits), floating-point values truncated toward zero.
   */
  public long getLong(int index) {
    return switch (dataType) {
      case BOOL -> getBoolean(index) ? 1 : 0;
      case INT8 -> rawByte(index);
      case UINT8 -> rawByte(index) & 0xFFL;
      case INT16 -> rawShort(index);
      case UINT16 -> rawShort(index) & 0xFFFFL;
      case INT32 -> rawInt(index);
      case UINT32 -> rawInt(index) & 0xFFFF_FFFFL;
      case INT64, UINT64 -> rawLong(index);
      case FP16, FP32, FP64 -> (long) getDouble(index);
      case BYTES -> throw notNumeric();
    };
  }

  /** Element {@code index} as an int, by the rules of {@link #getLong} then narrowed. */
  public int getInt(int index) {
    return (int) getLong(index);
  }

  /** Element {@code index} as a boolean: a BOOL element, or whether a numeric element is non-zero. */
  public boolean getBoolean(int index) {
    if (dataType == DataType.BOOL) {
      return array != null ? ((boolean[]) array)[index] : buffer.get(index) != 0;
    }
    return getDouble(index) != 0;
  }

  /** Element {@code index} of a BYTES tensor, as a copy. */
  public byte[] getByteString(int index) {
    Packed p = packed();
    return Arrays.copyOfRange(p.data, p.start(index), p.ends[index]);
  }

  /** Element {@code index} of a BYTES tensor decoded as UTF-8. */
  public String getString(int index) {
    Packed p = packed();
    int start = p.start(index);
    return new String(p.data, start, p.ends[index] - start, StandardCharsets.UTF_8);
  }

  /** The length in bytes of element {@code index} of a BYTES tensor, without a copy. */
  public int byteStringLength(int index) {
    Packed p = packed();
    return p.ends[index] - p.start(index);
  }

  /** {@link Arrays#hashCode(byte[])} of element {@code index} of a BYTES tensor, without a copy. */
  public int byteStringHashCode(int index) {
    Packed p = packed();
    int h = 1;
    for (int i = p.start(index), end = p.ends[index]; i < end; i++) {
      h = 31 * h + p.data[i];
    }
    return h;
  }

  /** Whether element {@code index} of a BYTES tensor holds exactly {@code bytes}, without a copy. */
  public boolean byteStringEquals(int index, byte[] bytes) {
    Packed p = packed();
    return Arrays.equals(p.data, p.start(index), p.ends[index], bytes, 0, bytes.length);
  }

  /**
   * Writes element {@code index} of a BYTES tensor to {@code out}, without a copy.
   *
   * @throws java.io.IOException if {@code out} fails
   */
  public void writeByteString(int index, java.io.OutputStream out) throws java.io.IOException {
    Packed p = packed();
    int start = p.start(index);
    out.write(p.data, start, p.ends[index] - start);
  }

  private Packed packed() {
    requireBytes();
    return (Packed) array;
  }

  /** The raw bits of element {@code index} of an FP16, INT16 or UINT16 tensor. */
  public short getShortBits(int index) {
    if (dataType.byteSize() != 2) {
      throw new InvalidInputException(dataType + " elements are not 16 bits wide");
    }
    return rawShort(index);
  }

  private byte rawByte(int i) {
    return array != null ? ((byte[]) array)[i] : buffer.get(i);
  }

  private short rawShort(int i) {
    return array != null ? ((short[]) array)[i] : buffer.getShort(i * 2);
  }

  private int rawInt(int i) {
    return array != null ? ((int[]) array)[i] : buffer.getInt(i * 4);
  }

  private long rawLong(int i) {
    return array != null ? ((long[]) array)[i] : buffer.getLong(i * 8);
  }

  private static double unsignedToDouble(long bits) {
    double d = (double) (bits >>> 1) * 2.0;
    return bits >= 0 ? bits : d + (bits & 1);
  }

  private InvalidInputException notNumeric() {
    return new InvalidInputException("BYTES elements have no numeric value");
  }

  private void requireBytes() {
    if (dataType != DataType.BYTES) {
      throw new InvalidInputException(dataType + " tensor holds no byte strings");
    }
  }

  // ---- bulk access ----

  /** All elements as doubles, in row-major order (see {@link #getDouble}). */
  public double[] toDoubleArray() {
    if (dataType == DataType.FP64) {
      if (array != null) {
        return ((double[]) array).clone();
      }
      double[] out = new double[size];
      buffer.duplicate().order(ByteOrder.nativeOrder()).asDoubleBuffer().get(out);
      return out;
    }
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = getDouble(i);
    }
    return out;
  }

  /** All elements as floats, in row-major order (see {@link #getFloat}). */
  public float[] toFloatArray() {
    if (dataType == DataType.FP32) {
      if (array != null) {
        return ((float[]) array).clone();
      }
      float[] out = new float[size];
      buffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
      return out;
    }
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = getFloat(i);
    }
    return out;
  }

  /** All elements as longs, in row-major order (see {@link #getLong}). */
  public long[] toLongArray() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = getLong(i);
    }
    return out;
  }

  /** All elements as ints, in row-major order (see {@link #getInt}). */
  public int[] toIntArray() {
    int[] out = new int[size];
    for (int i = 0; i < size; i++) {
      out[i] = getInt(i);
    }
    return out;
  }

  /** All elements as booleans, in row-major order (see {@link #getBoolean}). */
  public boolean[] toBooleanArray() {
    boolean[] out = new boolean[size];
    for (int i = 0; i < size; i++) {
      out[i] = getBoolean(i);
    }
    return out;
  }

  /** All elements of a BYTES tensor decoded as UTF-8. */
  public String[] toStringArray() {
    requireBytes();
    String[] out = new String[size];
    for (int i = 0; i < size; i++) {
      out[i] = getString(i);
    }
    return out;
  }

  /** Copies of all elements of a BYTES tensor. */
  public byte[][] toByteStrings() {
    requireBytes();
    byte[][] out = new byte[size][];
    for (int i = 0; i < size; i++) {
      out[i] = getByteString(i);
    }
    return out;
  }

  /**
   * The elements of a fixed-size tensor in a direct, native-order, read-only buffer: the backing
   * buffer itself (no copy) when {@link #isBufferBacked()}, otherwise a new copy. BOOL elements are
   * one byte each, 1 or 0.
   */
  public ByteBuffer asDirectBuffer() {
    requireFixedSize(dataType);
    if (buffer != null) {
      return buffer.duplicate().order(ByteOrder.nativeOrder());
    }
    ByteBuffer out = ByteBuffer.allocateDirect(size * dataType.byteSize()).order(ByteOrder.nativeOrder());
    copyTo(out);
    out.clear();
    return out.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  /**
   * Writes the elements of this fixed-size tensor into {@code target} from its position on, in
   * {@code target}'s byte order, and advances the position by {@code size() * byteSize()}. BOOL
   * elements are one byte each, 1 or 0.
   *
   * @throws java.nio.BufferOverflowException if {@code target} has too little room
   */
  public void copyTo(ByteBuffer target) {
    requireFixedSize(dataType);
    int bytes = size * dataType.byteSize();
    if (target.remaining() < bytes) {
      throw new java.nio.BufferOverflowException();
    }
    int start = target.position();
    // kept small, with the common cases first, so that the JIT inlines it and drops the typed view
    if (buffer != null) {
      copyBufferTo(target, bytes);
    } else if (array instanceof float[] floats) {
      target.asFloatBuffer().put(floats);
    } else if (array instanceof double[] doubles) {
      target.asDoubleBuffer().put(doubles);
    } else {
      copyOtherArrayTo(target);
    }
    target.position(start + bytes);
  }

  private void copyBufferTo(ByteBuffer target, int bytes) {
    ByteBuffer out = target.slice().order(target.order());
    ByteBuffer source = buffer.duplicate().order(ByteOrder.nativeOrder());
    if (target.order() == ByteOrder.nativeOrder() || dataType.byteSize() == 1) {
      out.put(source);
      return;
    }
    for (int i = 0; i < bytes; i += dataType.byteSize()) {
      switch (dataType.byteSize()) {
        case 2 -> out.putShort(i, source.getShort(i));
        case 4 -> out.putInt(i, source.getInt(i));
        default -> out.putLong(i, source.getLong(i));
      }
    }
  }

  /** One bulk put of an array other than FP32 and FP64 at {@code target}'s position. */
  private void copyOtherArrayTo(ByteBuffer target) {
    switch (dataType) {
      case BOOL -> {
        for (boolean b : (boolean[]) array) {
          target.put((byte) (b ? 1 : 0));
        }
      }
      case INT8, UINT8 -> target.put((byte[]) array);
      case INT16, UINT16, FP16 -> target.asShortBuffer().put((short[]) array);
      case INT32, UINT32 -> target.asIntBuffer().put((int[]) array);
      case INT64, UINT64 -> target.asLongBuffer().put((long[]) array);
      case FP32, FP64, BYTES -> throw new AssertionError(dataType); // copyTo handles FP32/FP64; BYTES has no fixed size
    }
  }

  // ---- value semantics ----

  /**
   * Two tensors are equal when they have the same type, shape and elements, whatever backs them.
   * Floating-point elements compare by their bits, as {@link Arrays#equals(double[], double[])}
   * does, so NaN equals NaN and 0.0 differs from -0.0.
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tensor other) || dataType != other.dataType || !Arrays.equals(shape, other.shape)) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (!elementEquals(other, i)) {
        return false;
      }
    }
    return true;
  }

  private boolean elementEquals(Tensor other, int i) {
    return switch (dataType) {
      case BYTES -> {
        Packed a = (Packed) array;
        Packed b = (Packed) other.array;
        yield Arrays.equals(a.data, a.start(i), a.ends[i], b.data, b.start(i), b.ends[i]);
      }
      case FP64 -> Double.doubleToLongBits(getDouble(i)) == Double.doubleToLongBits(other.getDouble(i));
      case FP32 -> Float.floatToIntBits(getFloat(i)) == Float.floatToIntBits(other.getFloat(i));
      case FP16 -> rawShort(i) == other.rawShort(i);
      default -> getLong(i) == other.getLong(i);
    };
  }

  @Override
  public int hashCode() {
    int h = 31 * dataType.hashCode() + Arrays.hashCode(shape);
    for (int i = 0; i < Math.min(size, 16); i++) {
      h = 31 * h + switch (dataType) {
        case BYTES -> byteStringHashCode(i);
        case FP64 -> Double.hashCode(getDouble(i));
        case FP32 -> Float.hashCode(getFloat(i));
        case FP16 -> rawShort(i);
        default -> Long.hashCode(getLong(i));
      };
    }
    return h;
  }

  /** The type, the shape and the first few elements, for logs and messages. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor[").append(dataType).append(' ').append(Arrays.toString(shape)).append(':');
    for (int i = 0; i < Math.min(size, PREVIEW_ELEMENTS); i++) {
      sb.append(i == 0 ? " " : ", ");
      switch (dataType) {
        case BYTES -> sb.append('"').append(getString(i)).append('"');
        case BOOL -> sb.append(getBoolean(i));
        case FP16, FP32, FP64 -> sb.append(getDouble(i));
        case UINT64 -> sb.append(Long.toUnsignedString(getLong(i)));
        default -> sb.append(getLong(i));
      }
    }
    if (size > PREVIEW_ELEMENTS) {
      sb.append(", ... (").append(size).append(" elements)");
    }
    return sb.append(']').toString();
  }

  /**
   * BYTES elements packed into one array: element {@code i} is {@code data[start(i), ends[i])},
   * where {@code start(0) = 0} and {@code start(i) = ends[i - 1]}. One array and 4 bytes per
   * element, instead of an array (header, padding, reference) per element.
   */
  private static final class Packed {
    final byte[] data;
    final int[] ends;

    Packed(byte[] data, int[] ends) {
      this.data = data;
      this.ends = ends;
    }

    static Packed of(byte[][] elements) {
      long total = 0;
      for (int i = 0; i < elements.length; i++) {
        total += Objects.requireNonNull(elements[i], "data[" + i + "]").length;
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException("BYTES elements hold " + total + " bytes, more than 2^31-9");
      }
      byte[] data = new byte[(int) total];
      int[] ends = new int[elements.length];
      int at = 0;
      for (int i = 0; i < elements.length; i++) {
        System.arraycopy(elements[i], 0, data, at, elements[i].length);
        at += elements[i].length;
        ends[i] = at;
      }
      return new Packed(data, ends);
    }

    int start(int i) {
      return i == 0 ? 0 : ends[i - 1];
    }

    /**
     * Copies elements {@code from} to {@code from + count} into {@code data} from byte {@code at}
     * and their ends into {@code ends} from {@code element}; answers the byte after the last.
     */
    int copyTo(int from, int count, byte[] outData, int[] outEnds, int element, int at) {
      int start = start(from);
      int length = start(from + count) - start;
      System.arraycopy(data, start, outData, at, length);
      for (int i = 0; i < count; i++) {
        outEnds[element + i] = ends[from + i] - start + at;
      }
      return at + length;
    }
  }
}
