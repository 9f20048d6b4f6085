package dev.maas.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Float16Test {
  @Test
  void everyHalf_roundTripsThroughFloat() {
    for (int bits = 0; bits <= 0xFFFF; bits++) {
      float f = Float16.toFloat((short) bits);
      short back = Float16.fromFloat(f);
      if (Float.isNaN(f)) {
        assertThat(Float.isNaN(Float16.toFloat(back))).isTrue();
      } else {
        assertThat(back & 0xFFFF).as("bits %04x", bits).isEqualTo(bits);
      }
    }
  }

  @Test
  void fromFloat_roundsToNearestEven_andOverflowsToInfinity() {
    assertThat(Float16.fromFloat(1 + 0x1p-11f)).isEqualTo((short) 0x3C00);
    assertThat(Float16.fromFloat(1 + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
    assertThat(Float16.fromFloat(1e6f)).isEqualTo((short) 0x7C00);
    assertThat(Float16.fromFloat(1e-10f)).isEqualTo((short) 0);
  }
}
