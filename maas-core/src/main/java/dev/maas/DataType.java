package dev.maas;

import java.util.Locale;

/**
 * The element type of a {@link Tensor}: the Open Inference Protocol's tensor data types.
 *
 * <p>Unsigned types are held in the signed Java primitive of the same width and read back as
 * unsigned values. {@link #FP16} is held as its IEEE 754 binary16 bits in a {@code short}.
 * {@link #BYTES} elements are byte strings of any length (UTF-8 for text).
 *
 * <p>Enum constants are immutable and safe to share between threads.
 */
public enum DataType {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  FP32(4),
  FP64(8),
  BYTES(-1);

  private final int byteSize;

  DataType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element, or -1 for {@link #BYTES}, whose elements vary in length. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether elements have a fixed size (every type but {@link #BYTES}). */
  public boolean isFixedSize() {
    return byteSize > 0;
  }

  /** Whether elements are numbers (every type but {@link #BOOL} and {@link #BYTES}). */
  public boolean isNumeric() {
    return this != BOOL && this != BYTES;
  }

  /** Whether this is one of the floating-point types. */
  public boolean isFloatingPoint() {
    return this == FP16 || this == FP32 || this == FP64;
  }

  /** Whether this is one of the unsigned integer types. */
  public boolean isUnsigned() {
    return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
  }

  /** The name the Open Inference Protocol uses for this type, for example {@code "FP32"}. */
  public String protocolName() {
    return name();
  }

  /**
   * Parses a protocol type name, case-insensitively.
   *
   * @throws InvalidInputException if {@code name} is not a protocol type name
   */
  public static DataType fromProtocolName(String name) {
    if (name != null) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // reported below with the list of valid names
      }
    }
    throw new InvalidInputException(
        "unknown datatype '" + name + "'; expected one of " + java.util.Arrays.toString(values()));
  }
}
