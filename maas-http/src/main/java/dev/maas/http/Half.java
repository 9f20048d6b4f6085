package dev.maas.http;

/**
 * Conversion of {@code float} to IEEE 754 binary16 bits (round to nearest, ties to even), for FP16
 * tensor data given in JSON. Stateless.
 */
final class Half {
  /** The largest finite binary16 value. */
  static final float MAX = 65504f;

  private Half() {}

  /** The binary16 bits nearest to {@code value}; values beyond the range become infinities. */
  static short fromFloat(float value) {
    int f = Float.floatToRawIntBits(value);
    int sign = (f >>> 16) & 0x8000;
    int exponent = (f >>> 23) & 0xFF;
    int mantissa = f & 0x7FFFFF;
    if (exponent == 0xFF) {
      return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
    }
    int unbiased = exponent - 127;
    if (unbiased > 15) {
      return (short) (sign | 0x7C00);
    }
    if (unbiased >= -14) {
      int half = ((unbiased + 15) << 10) | (mantissa >>> 13);
      int rest = mantissa & 0x1FFF;
      if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
        half++; // may carry into the exponent, up to infinity: still the nearest value
      }
      return (short) (sign | half);
    }
    if (unbiased < -25) {
      return (short) sign;
    }
    int full = mantissa | 0x800000;
    int shift = -unbiased - 1;
    int half = full >>> shift;
    int rest = full & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }
}
