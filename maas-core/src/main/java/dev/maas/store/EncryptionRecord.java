package dev.maas.store;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.IntegrityException;
import dev.maas.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * {@code maas-encryption.json} of an encrypted version: the scheme, the id of the key-encryption
 * key, the version's random id (which every segment of its files authenticates), the data key as
 * the key provider wrapped it (bound to model, version number and id), and the segment size.
 * Immutable.
 */
record EncryptionRecord(String keyId, String versionId, byte[] wrappedKey, int segmentBytes) {
  static final String FILE = "maas-encryption.json";
  static final String SCHEME = "aes-256-gcm-segmented-v1";

  /** What the wrapped data key is bound to. */
  static byte[] keyContext(String model, int version, String versionId) {
    return ("maas data key v1\0" + model + "\0" + version + "\0" + versionId).getBytes(StandardCharsets.UTF_8);
  }

  byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.prettyGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("scheme", SCHEME);
      g.writeStringField("key_id", keyId);
      g.writeStringField("version_id", versionId);
      g.writeStringField("wrapped_key", Base64.getEncoder().encodeToString(wrappedKey));
      g.writeNumberField("segment_bytes", segmentBytes);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static EncryptionRecord parse(byte[] json, String source) {
    try {
      if (!(Json.parse(json) instanceof Map<?, ?> m)) {
        throw new IOException("not a JSON object");
      }
      if (!SCHEME.equals(m.get("scheme"))) {
        throw new IOException("unknown scheme '" + m.get("scheme") + "' (this MaaS reads " + SCHEME + ")");
      }
      if (!(m.get("key_id") instanceof String keyId) || !(m.get("version_id") instanceof String versionId)
          || !(m.get("wrapped_key") instanceof String wrapped) || !(m.get("segment_bytes") instanceof Long segment)) {
        throw new IOException("key_id, version_id, wrapped_key or segment_bytes is missing");
      }
      return new EncryptionRecord(keyId, versionId, Base64.getDecoder().decode(wrapped), Math.toIntExact(segment));
    } catch (IOException | IllegalArgumentException | ArithmeticException e) {
      throw new IntegrityException(source + " is damaged: " + e.getMessage(), e);
    }
  }
}
