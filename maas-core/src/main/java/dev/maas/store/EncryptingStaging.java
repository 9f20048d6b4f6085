package dev.maas.store;

import dev.maas.encryption.KeyProvider;
import dev.maas.internal.Sha256;
import dev.maas.spi.ArtifactWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Staging that encrypts every file on its way to disk with a fresh AES-256 data key (segmented
 * AES-GCM, {@link SegmentedGcm}) and records the SHA-256 of the plaintext; the data key is wrapped
 * by the key provider once the version's number is known ({@link #record}). Used by one thread.
 */
final class EncryptingStaging implements AbstractModelStore.Staging {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AbstractModelStore.Staging inner;
  private final KeyProvider keys;
  private final String model;
  private final String versionId = UUID.randomUUID().toString();
  private final byte[] dataKey = new byte[32];
  private final SecretKey key;
  private final Map<String, MessageDigest> digests = new LinkedHashMap<>();

  EncryptingStaging(AbstractModelStore.Staging inner, KeyProvider keys, String model) {
    this.inner = inner;
    this.keys = keys;
    this.model = model;
    RANDOM.nextBytes(dataKey);
    this.key = new SecretKeySpec(dataKey, "AES");
  }

  AbstractModelStore.Staging inner() {
    return inner;
  }

  @Override
  public ArtifactWriter writer() {
    ArtifactWriter w = inner.writer();
    return fileName -> {
      OutputStream raw = w.create(fileName);
      MessageDigest digest = Sha256.newDigest();
      digests.put(fileName, digest);
      return SegmentedGcm.encrypting(raw, key, SegmentedGcm.context(model, versionId, fileName),
          SegmentedGcm.DEFAULT_SEGMENT_BYTES, digest);
    };
  }

  @Override
  public Map<String, String> digests() throws IOException {
    Map<String, String> ciphertext = inner.digests();
    Map<String, String> out = new TreeMap<>();
    for (String name : ciphertext.keySet()) {
      MessageDigest d = digests.get(name);
      if (d == null) {
        throw new IOException("file " + name + " was written around the encryption");
      }
      out.put(name, HexFormat.of().formatHex(d.digest()));
    }
    return out;
  }

  /** The encryption record of the version numbered {@code number}, the data key wrapped for it. */
  EncryptionRecord record(int number) {
    byte[] wrapped = keys.wrap(dataKey, EncryptionRecord.keyContext(model, number, versionId));
    return new EncryptionRecord(keys.keyId(), versionId, wrapped, SegmentedGcm.DEFAULT_SEGMENT_BYTES);
  }

  @Override
  public void discard() {
    java.util.Arrays.fill(dataKey, (byte) 0);
    inner.discard();
  }
}
