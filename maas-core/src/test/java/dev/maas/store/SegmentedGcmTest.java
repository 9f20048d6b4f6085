package dev.maas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.encryption.DecryptionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SegmentedGcmTest {
  private static final int SEGMENT = 1024;
  private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
  private static final byte[] CONTEXT = SegmentedGcm.context("m", "v1", "model.onnx");

  static byte[] encrypt(byte[] plain, SecretKey key, byte[] context) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (OutputStream enc = SegmentedGcm.encrypting(out, key, context, SEGMENT, digest)) {
      enc.write(plain, 0, Math.min(7, plain.length));
      if (plain.length > 7) {
        enc.write(plain, 7, plain.length - 7);
      }
    }
    assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(plain));
    return out.toByteArray();
  }

  static byte[] decrypt(byte[] cipher, SecretKey key, byte[] context) throws IOException {
    return SegmentedGcm.decrypt(new ByteArrayInputStream(cipher), cipher.length, key, context, "model.onnx");
  }

  static byte[] plain(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void roundTrip_emptyPartialAndExactMultiplesOfTheSegment_returnsThePlaintext() throws Exception {
    for (int n : new int[] {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 3 * SEGMENT + 5}) {
      byte[] p = plain(n);
      byte[] c = encrypt(p, KEY, CONTEXT);
      assertThat(decrypt(c, KEY, CONTEXT)).as("%d bytes", n).isEqualTo(p);
      assertThat(Arrays.equals(Arrays.copyOfRange(c, SegmentedGcm.HEADER_BYTES, c.length), p)).isFalse();
    }
  }

  @Test
  void decrypt_anyFlippedByte_refuses() throws Exception {
    byte[] c = encrypt(plain(2 * SEGMENT + 10), KEY, CONTEXT);
    for (int i = 0; i < c.length; i += 37) {
      byte[] changed = c.clone();
      changed[i] ^= 0x01;
      assertThatThrownBy(() -> decrypt(changed, KEY, CONTEXT)).isInstanceOf(DecryptionException.class);
    }
  }

  @Test
  void decrypt_reorderedDroppedOrTruncatedSegments_refuses() throws Exception {
    byte[] c = encrypt(plain(3 * SEGMENT + 10), KEY, CONTEXT);
    int h = SegmentedGcm.HEADER_BYTES;
    int s = SEGMENT + 16;
    byte[] swapped = c.clone();
    System.arraycopy(c, h + s, swapped, h, s);
    System.arraycopy(c, h, swapped, h + s, s);
    assertThatThrownBy(() -> decrypt(swapped, KEY, CONTEXT)).isInstanceOf(DecryptionException.class)
        .hasMessageContaining("segment 0 of 4 does not authenticate");
    byte[] dropped = new byte[c.length - s];
    System.arraycopy(c, 0, dropped, 0, h + s);
    System.arraycopy(c, h + 2 * s, dropped, h + s, c.length - h - 2 * s);
    assertThatThrownBy(() -> decrypt(dropped, KEY, CONTEXT)).isInstanceOf(DecryptionException.class);
    byte[] lastDropped = Arrays.copyOf(c, h + 3 * s);
    assertThatThrownBy(() -> decrypt(lastDropped, KEY, CONTEXT)).isInstanceOf(DecryptionException.class)
        .hasMessageContaining("segment 2 of 3");
    byte[] cut = Arrays.copyOf(c, c.length - 3);
    assertThatThrownBy(() -> decrypt(cut, KEY, CONTEXT)).isInstanceOf(DecryptionException.class);
    byte[] headerOnly = Arrays.copyOf(c, h + 3);
    assertThatThrownBy(() -> decrypt(headerOnly, KEY, CONTEXT)).isInstanceOf(DecryptionException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void decrypt_wrongKeyOrAnotherFilesContext_refuses() throws Exception {
    byte[] c = encrypt(plain(100), KEY, CONTEXT);
    byte[] other = new byte[32];
    other[0] = 1;
    assertThatThrownBy(() -> decrypt(c, new SecretKeySpec(other, "AES"), CONTEXT)).isInstanceOf(DecryptionException.class);
    assertThatThrownBy(() -> decrypt(c, KEY, SegmentedGcm.context("m", "v2", "model.onnx")))
        .isInstanceOf(DecryptionException.class);
    assertThatThrownBy(() -> decrypt(c, KEY, SegmentedGcm.context("m", "v1", "other.onnx")))
        .isInstanceOf(DecryptionException.class);
  }

  @Test
  void decrypt_plaintextFile_refusesAsNotEncrypted() {
    byte[] p = plain(200);
    assertThatThrownBy(() -> decrypt(p, KEY, CONTEXT)).isInstanceOf(DecryptionException.class)
        .hasMessageContaining("not an encrypted MaaS file");
  }
}
