package dev.maas.store;

import dev.maas.encryption.DecryptionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * One encrypted file of a version: AES-256-GCM over fixed-size plaintext segments, so that neither
 * side holds more than one segment in a cipher. Layout: a header {@code "MAASGCM1" || segment size
 * (4, big-endian) || nonce prefix (7, random per file)}, then the segments, each its ciphertext and
 * 16-byte tag. Segment {@code i}'s nonce is {@code prefix || i (4, big-endian) || last (1: 1 for
 * the final segment, else 0)}, and its associated data is the header followed by the file's
 * context (model, version, file name): a segment moved, dropped, duplicated or cut short, a file
 * renamed or copied into another version, fails to authenticate. Stateless and thread-safe.
 */
final class SegmentedGcm {
  static final int DEFAULT_SEGMENT_BYTES = 1 << 20;
  private static final byte[] MAGIC = "MAASGCM1".getBytes(StandardCharsets.US_ASCII);
  private static final int PREFIX_BYTES = 7;
  static final int HEADER_BYTES = MAGIC.length + 4 + PREFIX_BYTES;
  private static final int TAG_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SegmentedGcm() {}

  /** The associated data that binds a file to its model, its version (by the version's random id) and its name. */
  static byte[] context(String model, String versionId, String fileName) {
    return ("maas file v1\0" + model + "\0" + versionId + "\0" + fileName).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A stream that encrypts what is written to it into {@code out} (closed with it) and feeds the
   * plaintext to {@code plaintextDigest}.
   */
  static OutputStream encrypting(OutputStream out, SecretKey key, byte[] context, int segmentBytes,
      MessageDigest plaintextDigest) throws IOException {
    byte[] prefix = new byte[PREFIX_BYTES];
    RANDOM.nextBytes(prefix);
    byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(segmentBytes).put(prefix).array();
    out.write(header);
    byte[] aad = concat(header, context);
    return new OutputStream() {
      private final byte[] buffer = new byte[segmentBytes];
      private int filled;
      private int counter;
      private boolean closed;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
          throw new IOException("the encrypting stream is closed");
        }
        plaintextDigest.update(b, off, len);
        while (len > 0) {
          if (filled == buffer.length) {
            seal(false);
          }
          int n = Math.min(len, buffer.length - filled);
          System.arraycopy(b, off, buffer, filled, n);
          filled += n;
          off += n;
          len -= n;
        }
      }

      private void seal(boolean last) throws IOException {
        if (counter == -1) {
          throw new IOException("the file is too long for one encrypted stream");
        }
        try {
          Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
          c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce(prefix, counter, last)));
          c.updateAAD(aad);
          out.write(c.doFinal(buffer, 0, filled));
        } catch (GeneralSecurityException e) {
          throw new IOException("AES-GCM encryption failed: " + e, e);
        }
        counter++;
        filled = 0;
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        try {
          seal(true);
        } finally {
          Arrays.fill(buffer, (byte) 0);
          out.close();
        }
      }
    };
  }

  /**
   * Decrypts a whole file of {@code length} bytes read from {@code in} into memory.
   *
   * @param what the file, for messages
   * @throws DecryptionException if any part does not authenticate or the file is cut short
   */
  static byte[] decrypt(InputStream in, long length, SecretKey key, byte[] context, String what) throws IOException {
    if (length < HEADER_BYTES + TAG_BYTES) {
      throw new DecryptionException(what + " is not an encrypted MaaS file or is truncated (" + length + " bytes)");
    }
    byte[] header = in.readNBytes(HEADER_BYTES);
    ByteBuffer h = ByteBuffer.wrap(header);
    byte[] magic = new byte[MAGIC.length];
    h.get(magic);
    int segmentBytes = h.getInt();
    byte[] prefix = new byte[PREFIX_BYTES];
    h.get(prefix);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new DecryptionException(what + " is not an encrypted MaaS file (no MAASGCM1 header)");
    }
    if (segmentBytes < 1024 || segmentBytes > 64 << 20) {
      throw new DecryptionException(what + " has an impossible segment size " + segmentBytes);
    }
    long body = length - HEADER_BYTES;
    long sealed = segmentBytes + (long) TAG_BYTES;
    long segments = (body + sealed - 1) / sealed;
    long lastSealed = body - (segments - 1) * sealed;
    if (lastSealed < TAG_BYTES) {
      throw new DecryptionException(what + " is truncated: its last segment is cut short");
    }
    if (segments > 0xffffffffL) {
      throw new DecryptionException(what + " has more segments than one file may have");
    }
    long plain = body - segments * TAG_BYTES;
    if (plain > Integer.MAX_VALUE - 16) {
      throw new DecryptionException(what + " decrypts to " + plain + " bytes, over the 2 GiB one file may have");
    }
    byte[] aad = concat(header, context);
    byte[] out = new byte[(int) plain];
    int written = 0;
    byte[] segment = new byte[(int) sealed];
    for (long i = 0; i < segments; i++) {
      boolean last = i == segments - 1;
      int n = last ? (int) lastSealed : (int) sealed;
      if (in.readNBytes(segment, 0, n) != n) {
        throw new DecryptionException(what + " is shorter than its size said");
      }
      try {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce(prefix, (int) i, last)));
        c.updateAAD(aad);
        written += c.doFinal(segment, 0, n, out, written);
      } catch (AEADBadTagException e) {
        throw new DecryptionException(what + ": segment " + i + " of " + segments + " does not authenticate"
            + " (altered, moved, dropped or truncated data, or a file from elsewhere)", e);
      } catch (GeneralSecurityException e) {
        throw new IOException("AES-GCM decryption failed: " + e, e);
      }
    }
    if (in.read() != -1) {
      throw new DecryptionException(what + " is longer than its size said");
    }
    return out;
  }

  private static byte[] nonce(byte[] prefix, int counter, boolean last) {
    return ByteBuffer.allocate(12).put(prefix).putInt(counter).put((byte) (last ? 1 : 0)).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
