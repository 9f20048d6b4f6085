package dev.maas.internal;

/** Conversions between IEEE 754 binary16 bits and {@code float}, round-to-nearest-even; stateless and thread-safe. */
public final class Float16 {
  private Float16() {}

  /** The float value of binary16 {@code bits}; exact for every finite half, NaN kept NaN. */
  public static float toFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1F;
    int mantissa = h & 0x3FF;
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** The binary16 bits nearest to {@code value} (ties to even; overflow to infinity). */
  public static short fromFloat(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exponent = (f >>> 23) & 0xFF;
    int mantissa = f & 0x7FFFFF;
    if (exponent == 0xFF) {
      return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int unbiased = exponent - 127;
    if (unbiased > 15) {
      return (short) (sign | 0x7C00);
    }
    if (unbiased >= -14) {
      int halfMantissa = mantissa >>> 13;
      int rest = mantissa & 0x1FFF;
      int result = ((unbiased + 15) << 10) | halfMantissa;
      if (rest > 0x1000 || (rest == 0x1000 && (halfMantissa & 1) != 0)) {
        result++;
      }
      return (short) (sign | result);
    }
    if (unbiased < -25) {
      return (short) sign;
    }
    int full = mantissa | 0x800000;
    int shift = -unbiased - 14 + 13;
    int halfMantissa = full >>> shift;
    int rest = full & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (rest > halfway || (rest == halfway && (halfMantissa & 1) != 0)) {
      halfMantissa++;
    }
    return (short) (sign | halfMantissa);
  }
}
