package dev.maas.encryption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key-file {@link KeyProvider}: a 256-bit key-encryption key read from a file of exactly 32
 * bytes; a wrapped key is {@code 0x01 || nonce (12) || AES-256-GCM(dataKey) || tag (16)}, the
 * context as associated data. Its key id is {@code file:} and the first 16 hex digits of a SHA-256
 * over a fixed label and the key, which names the key without revealing it. Thread-safe.
 */
final class KeyFileProvider implements KeyProvider {
  static final int KEY_BYTES = 32;
  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String keyId;

  KeyFileProvider(byte[] keyBytes) {
    if (keyBytes.length != KEY_BYTES) {
      throw new KeyFileException("an encryption key must be " + KEY_BYTES + " bytes, got " + keyBytes.length);
    }
    this.key = new SecretKeySpec(keyBytes, "AES");
    this.keyId = "file:" + fingerprint(keyBytes);
  }

  static KeyFileProvider read(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size != KEY_BYTES) {
        throw new KeyFileException(file + ": an encryption key file holds exactly " + KEY_BYTES
            + " bytes (head -c 32 /dev/urandom > FILE), this one has " + size);
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new KeyFileException(file + ": cannot read the encryption key file (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + ")", e);
    }
    try {
      return new KeyFileProvider(bytes);
    } catch (KeyFileException e) {
      throw new KeyFileException(file + ": " + e.getMessage(), e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static String fingerprint(byte[] keyBytes) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("maas key id v1\0".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(d.digest(keyBytes), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public byte[] wrap(byte[] dataKey, byte[] context) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(context);
      byte[] sealed = c.doFinal(dataKey);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the Java platform cannot run AES-256-GCM", e);
    }
  }

  @Override
  public byte[] unwrap(byte[] wrappedKey, byte[] context) {
    if (wrappedKey.length < 1 + NONCE_BYTES + 16 || wrappedKey[0] != FORMAT) {
      throw new DecryptionException("the wrapped data key is malformed");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, wrappedKey, 1, NONCE_BYTES));
      c.updateAAD(context);
      return c.doFinal(wrappedKey, 1 + NONCE_BYTES, wrappedKey.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new DecryptionException("the wrapped data key does not authenticate with key " + keyId
          + ": it was wrapped for another model version, with another key, or altered", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the Java platform cannot run AES-256-GCM", e);
    }
  }

  @Override
  public String toString() {
    return "KeyFileProvider[" + keyId + "]";
  }
}
