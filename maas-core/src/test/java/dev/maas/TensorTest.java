package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TensorTest {
  /** A rows x 3 tensor whose element k holds a value made from {@code first + k}, array-backed. */
  private static Tensor numbered(DataType type, int rows, int first) {
    int n = rows * 3;
    Object data = switch (type) {
      case BOOL -> {
        boolean[] b = new boolean[n];
        for (int k = 0; k < n; k++) {
          b[k] = (first + k) % 3 == 0;
        }
        yield b;
      }
      case INT8, UINT8 -> {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
          b[k] = (byte) (first + k);
        }
        yield b;
      }
      case INT16, UINT16 -> {
        short[] v = new short[n];
        for (int k = 0; k < n; k++) {
          v[k] = (short) (first + k);
        }
        yield v;
      }
      case FP16 -> {
        short[] v = new short[n];
        for (int k = 0; k < n; k++) {
          v[k] = dev.maas.internal.Float16.fromFloat(first + k + 0.5f);
        }
        yield v;
      }
      case INT32, UINT32 -> {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) {
          v[k] = first + k;
        }
        yield v;
      }
      case INT64, UINT64 -> {
        long[] v = new long[n];
        for (int k = 0; k < n; k++) {
          v[k] = first + k;
        }
        yield v;
      }
      case FP32 -> {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
          v[k] = first + k + 0.25f;
        }
        yield v;
      }
      case FP64 -> {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
          v[k] = first + k + 0.125;
        }
        yield v;
      }
      case BYTES -> {
        byte[][] v = new byte[n][];
        for (int k = 0; k < n; k++) {
          v[k] = ("s" + (first + k)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        yield v;
      }
    };
    return Tensor.wrap(type, data, rows, 3);
  }

  private static Tensor bufferBacked(Tensor t) {
    return t.dataType().isFixedSize() ? Tensor.wrap(t.dataType(), t.asDirectBuffer(), t.shape()) : t;
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void slice_everyType_holdsExactlyThoseRows(DataType type) {
    Tensor t = numbered(type, 5, 0);
    for (Tensor backing : List.of(t, bufferBacked(t))) {
      assertThat(backing.slice(1, 4)).isEqualTo(numbered(type, 3, 3));
      assertThat(backing.slice(4, 5)).isEqualTo(numbered(type, 1, 12));
      assertThat(backing.slice(2, 2).shape()).containsExactly(0, 3);
      assertThat(backing.slice(0, 5)).isEqualTo(t);
    }
    assertThat(bufferBacked(t).slice(1, 4).isBufferBacked()).isEqualTo(type.isFixedSize());
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void concat_everyTypeAndBacking_stacksRowsInOrder(DataType type) {
    Tensor a = numbered(type, 2, 0);
    Tensor b = bufferBacked(numbered(type, 1, 6));
    Tensor c = numbered(type, 3, 9);
    Tensor all = Tensor.concat(List.of(a, b, c));
    assertThat(all).isEqualTo(numbered(type, 6, 0));
    assertThat(Tensor.concat(List.of(all.slice(0, 4), all.slice(4, 6)))).isEqualTo(all);
    assertThat(Tensor.concat(List.of(a))).isSameAs(a);
  }

  @Test
  void concat_mismatchedTensors_throwsNamingTheDifference() {
    Tensor x = Tensor.ofFloats(new float[6], 2, 3);
    assertThatThrownBy(() -> Tensor.concat(List.of(x, Tensor.ofDoubles(new double[3], 1, 3))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("FP64 [1, 3]");
    assertThatThrownBy(() -> Tensor.concat(List.of(x, Tensor.ofFloats(new float[4], 1, 4))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("[1, 4]");
    assertThatThrownBy(() -> Tensor.concat(List.of(Tensor.ofFloats(new float[1]))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("scalar");
    assertThatThrownBy(() -> Tensor.concat(List.of())).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void slice_outOfRange_throws() {
    Tensor x = Tensor.ofFloats(new float[6], 2, 3);
    assertThatThrownBy(() -> x.slice(1, 3)).isInstanceOf(InvalidInputException.class).hasMessageContaining("[1, 3)");
    assertThatThrownBy(() -> x.slice(2, 1)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Tensor.ofFloats(new float[1]).slice(0, 1)).isInstanceOf(InvalidInputException.class);
  }
  @Test
  void ofFloats_copiesData_laterChangesInvisible() {
    float[] data = {1, 2, 3, 4, 5, 6};
    Tensor t = Tensor.ofFloats(data, 2, 3);
    data[0] = 99;
    assertThat(t.getFloat(0)).isEqualTo(1f);
    assertThat(t.shape()).containsExactly(2, 3);
    assertThat(t.size()).isEqualTo(6);
    assertThat(t.rank()).isEqualTo(2);
  }

  @Test
  void shape_returnedCopy_cannotChangeTensor() {
    Tensor t = Tensor.ofDoubles(new double[] {1, 2}, 2);
    t.shape()[0] = 7;
    assertThat(t.dim(0)).isEqualTo(2);
  }

  @Test
  void scalar_rankZero_holdsOneElement() {
    Tensor t = Tensor.ofLongs(new long[] {42});
    assertThat(t.rank()).isZero();
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.getLong(0)).isEqualTo(42);
  }

  @Test
  void factory_elementCountMismatch_throwsNamingShape() {
    assertThatThrownBy(() -> Tensor.ofFloats(new float[] {1, 2, 3}, 2, 2))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("[2, 2]").hasMessageContaining("3");
    assertThatThrownBy(() -> Tensor.ofFloats(new float[] {1, 2}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("[]");
    assertThatThrownBy(() -> Tensor.ofFloats(new float[0], -1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("negative");
  }

  @Test
  void unsignedTypes_readAsUnsigned() {
    assertThat(Tensor.ofUint8(new byte[] {(byte) 0xFF}, 1).getLong(0)).isEqualTo(255);
    assertThat(Tensor.wrap(DataType.UINT16, new short[] {(short) 0xFFFF}, 1).getDouble(0)).isEqualTo(65535.0);
    assertThat(Tensor.wrap(DataType.UINT32, new int[] {-1}, 1).getLong(0)).isEqualTo(4294967295L);
    assertThat(Tensor.wrap(DataType.UINT64, new long[] {-1}, 1).getDouble(0)).isEqualTo(1.8446744073709552E19);
    assertThat(Tensor.ofInt8(new byte[] {(byte) 0xFF}, 1).getLong(0)).isEqualTo(-1);
  }

  @Test
  void float16_convertsBothWays() {
    Tensor t = Tensor.ofFloat16Bits(new short[] {0x3C00, (short) 0xC000, 0x7BFF, 0x0001}, 4);
    assertThat(t.toFloatArray()).containsExactly(1f, -2f, 65504f, 5.9604645e-8f);
  }

  @Test
  void strings_roundTripUtf8() {
    Tensor t = Tensor.ofStrings(new String[] {"héllo", "", "日本"}, 3);
    assertThat(t.toStringArray()).containsExactly("héllo", "", "日本");
    assertThat(t.getByteString(0)).hasSize(6);
    assertThatThrownBy(() -> t.getDouble(0)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void fromBuffer_otherByteOrder_isConverted() {
    ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f).flip();
    Tensor t = Tensor.fromBuffer(DataType.FP32, big, 2);
    assertThat(t.isBufferBacked()).isTrue();
    assertThat(t.toFloatArray()).containsExactly(1.5f, -2f);
    assertThat(t).isEqualTo(Tensor.ofFloats(new float[] {1.5f, -2f}, 2));
  }

  @Test
  void wrap_directBuffer_isSharedWithoutCopy() {
    ByteBuffer direct = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    direct.putDouble(0, 3.25).putDouble(8, 4.5);
    Tensor t = Tensor.wrap(DataType.FP64, direct, 2);
    assertThat(t.asDirectBuffer().getDouble(8)).isEqualTo(4.5);
    assertThat(t.asDirectBuffer().isReadOnly()).isTrue();
    assertThat(t.toDoubleArray()).containsExactly(3.25, 4.5);
  }

  @Test
  void wrap_wrongCarrier_throws() {
    assertThatThrownBy(() -> Tensor.wrap(DataType.FP32, new double[] {1}, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("float[]");
    assertThatThrownBy(() -> Tensor.wrap(DataType.FP32, ByteBuffer.allocate(4), 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("direct");
  }

  @Test
  void asDirectBuffer_arrayBacked_copiesEveryType() {
    assertThat(Tensor.ofBooleans(new boolean[] {true, false}, 2).asDirectBuffer().get(0)).isEqualTo((byte) 1);
    assertThat(Tensor.ofInts(new int[] {7, 8}, 2).asDirectBuffer().getInt(4)).isEqualTo(8);
    assertThat(Tensor.ofLongs(new long[] {7, 8}, 2).asDirectBuffer().getLong(8)).isEqualTo(8);
    assertThat(Tensor.ofInt16(new short[] {7, 8}, 2).asDirectBuffer().getShort(2)).isEqualTo((short) 8);
    assertThatThrownBy(() -> Tensor.ofStrings(new String[] {"a"}, 1).asDirectBuffer())
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void copyTo_otherByteOrder_writesAndAdvances() {
    ByteBuffer target = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
    target.putInt(7);
    Tensor.ofFloats(new float[] {1.5f, -2f}, 2).copyTo(target);
    assertThat(target.position()).isEqualTo(12);
    assertThat(target.getFloat(4)).isEqualTo(1.5f);
    Tensor direct = Tensor.fromBuffer(DataType.FP32, ByteBuffer.allocate(8).putFloat(0, 3f).putFloat(4, 4f), 2);
    ByteBuffer other = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
    direct.copyTo(other);
    assertThat(other.getFloat(4)).isEqualTo(4f);
    assertThatThrownBy(() -> direct.copyTo(ByteBuffer.allocate(4))).isInstanceOf(java.nio.BufferOverflowException.class);
  }

  @Test
  void copyTo_arrayBackedAtNonZeroPosition_writesFromThereForEveryWidth() {
    ByteBuffer target = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
    target.position(3);
    Tensor.ofBooleans(new boolean[] {true, false, true}, 3).copyTo(target);
    assertThat(target.position()).isEqualTo(6);
    assertThat(new byte[] {target.get(3), target.get(4), target.get(5)}).containsExactly(1, 0, 1);
    target.position(8);
    Tensor.ofLongs(new long[] {-5L, 1L << 40}, 2).copyTo(target);
    assertThat(target.position()).isEqualTo(24);
    assertThat(target.getLong(8)).isEqualTo(-5L);
    assertThat(target.getLong(16)).isEqualTo(1L << 40);
    target.position(24);
    Tensor.ofDoubles(new double[] {2.25}, 1).copyTo(target);
    assertThat(target.position()).isEqualTo(32);
    assertThat(target.getDouble(24)).isEqualTo(2.25);
  }

  @Test
  void equals_sameValuesDifferentBacking_areEqual() {
    Tensor array = Tensor.ofDoubles(new double[] {1, Double.NaN}, 2);
    Tensor buffer = Tensor.fromBuffer(DataType.FP64, array.asDirectBuffer(), 2);
    assertThat(array).isEqualTo(buffer).hasSameHashCodeAs(buffer);
    assertThat(array).isNotEqualTo(Tensor.ofDoubles(new double[] {1, 2}, 2));
    assertThat(array).isNotEqualTo(Tensor.ofDoubles(new double[] {1, Double.NaN}, 1, 2));
    assertThat(array).isNotEqualTo(Tensor.ofFloats(new float[] {1, Float.NaN}, 2));
  }

  @Test
  void reshape_keepsElements_rejectsOtherCount() {
    Tensor t = Tensor.ofInts(new int[] {1, 2, 3, 4, 5, 6}, 6).reshape(3, 2);
    assertThat(t.shape()).containsExactly(3, 2);
    assertThat(t.getInt(5)).isEqualTo(6);
    assertThatThrownBy(() -> t.reshape(4, 2)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void toString_showsTypeShapeAndPreview() {
    assertThat(Tensor.ofFloats(new float[10], 2, 5).toString())
        .startsWith("Tensor[FP32 [2, 5]: 0.0").contains("(10 elements)");
  }

  @Test
  void elementCount_productThatWrapsALong_throwsInvalidInput() {
    assertThatThrownBy(() -> Tensor.elementCount(4, 4611686018427387904L))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("more than 2^31-1 elements");
    assertThatThrownBy(() -> Tensor.elementCount(2, 4294967296L, 4294967296L))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("more than 2^31-1 elements");
    assertThat(Tensor.elementCount(0, 4611686018427387904L)).isZero();
  }

  @Test
  void wrap_bytes_copiesSoCallerChangesNeverShow() {
    byte[] first = {'a', 'b'};
    byte[][] data = {first, {}, {'c'}};
    Tensor t = Tensor.wrap(DataType.BYTES, data, 3);
    first[0] = 'z';
    data[2] = new byte[] {'q', 'q'};
    assertThat(t.toStringArray()).containsExactly("ab", "", "c");
    assertThat(t).isEqualTo(Tensor.ofStrings(new String[] {"ab", "", "c"}, 3));
  }

  @Test
  void wrapByteStrings_packedElements_readBackWithoutCopies() throws Exception {
    byte[] packed = "hello, wörld!spare".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int[] ends = {5, 7, 7, 14}; // "hello", ", ", "", "wörld!" (ö is two bytes); "spare" is room after the last
    Tensor t = Tensor.wrapByteStrings(packed, ends, 2, 2);
    assertThat(t.dataType()).isEqualTo(DataType.BYTES);
    assertThat(t.toStringArray()).containsExactly("hello", ", ", "", "wörld!");
    assertThat(t.byteStringLength(3)).isEqualTo(7);
    assertThat(t.byteStringHashCode(3)).isEqualTo(java.util.Arrays.hashCode(t.getByteString(3)));
    assertThat(t.byteStringEquals(0, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isTrue();
    assertThat(t.byteStringEquals(2, new byte[0])).isTrue();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    t.writeByteString(1, out);
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(", ");
    Tensor same = Tensor.ofStrings(new String[] {"hello", ", ", "", "wörld!"}, 2, 2);
    assertThat(t).isEqualTo(same).hasSameHashCodeAs(same);
    assertThatThrownBy(() -> t.getByteString(4)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void wrapByteStrings_badEnds_refusedWithTheElement() {
    assertThatThrownBy(() -> Tensor.wrapByteStrings(new byte[4], new int[] {2, 1}, 2))
        .isInstanceOf(InvalidInputException.class).hasMessage("BYTES element 1 ends at 1, which is before its start 2");
    assertThatThrownBy(() -> Tensor.wrapByteStrings(new byte[4], new int[] {5}, 1))
        .isInstanceOf(InvalidInputException.class).hasMessage("BYTES element 0 ends at 5, which is beyond the 4 bytes given");
    assertThatThrownBy(() -> Tensor.wrapByteStrings(new byte[4], new int[] {1, 2}, 3))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs 3 elements, got 2 elements");
  }

  @Test
  void bytes_concatAndSlice_keepEveryElement() {
    Tensor a = Tensor.ofStrings(new String[] {"a", "", "bc", "d"}, 2, 2);
    Tensor b = Tensor.wrapByteStrings("xyz..".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        new int[] {1, 3}, 1, 2);
    Tensor both = Tensor.concat(List.of(a, b));
    assertThat(both.shape()).containsExactly(3, 2);
    assertThat(both.toStringArray()).containsExactly("a", "", "bc", "d", "x", "yz");
    assertThat(both.slice(1, 3).toStringArray()).containsExactly("bc", "d", "x", "yz");
    assertThat(both.slice(2, 3)).isEqualTo(Tensor.ofStrings(new String[] {"x", "yz"}, 1, 2));
    assertThat(both.slice(0, 0).size()).isZero();
  }
}
