package dev.maas.store.s3;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.maas.IntegrityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A version's manifest object: one header line, {@code {"maas-store-s3":1,"upload":"<id>",
 * "stored":{"<file>":"<sha-256>",...}}}, naming the upload that holds the version's files and their
 * digests as uploaded, then the version's record byte for byte.
 * Immutable.
 */
final class Manifest {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String FORMAT_FIELD = "maas-store-s3";
  private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f-]{36}");

  private final String upload;
  private final byte[] record;
  private final java.util.Map<String, String> stored;

  Manifest(String upload, byte[] record) {
    this(upload, record, java.util.Map.of());
  }

  /**
   * @param stored the SHA-256 of each file as uploaded, which the local cache keys and checks by
   *     (the record names the plaintext's, which differs for an encrypted version); empty in
   *     manifests written before it was kept
   */
  Manifest(String upload, byte[] record, java.util.Map<String, String> stored) {
    if (!UPLOAD_ID.matcher(upload).matches()) {
      throw new IllegalArgumentException("bad upload id " + upload);
    }
    this.upload = upload;
    this.record = record.clone();
    this.stored = java.util.Map.copyOf(stored);
  }

  /** The SHA-256 of the files as uploaded; empty in older manifests (then the record's hold). */
  java.util.Map<String, String> stored() {
    return stored;
  }

  /** Whether {@code id} has the form of an upload id. */
  static boolean isUploadId(String id) {
    return UPLOAD_ID.matcher(id).matches();
  }

  /** The id of the upload that holds the version's files. */
  String upload() {
    return upload;
  }

  /** The version's record, as MaaS wrote it. */
  byte[] record() {
    return record.clone();
  }

  byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(record.length + 80);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField(FORMAT_FIELD, 1);
      g.writeStringField("upload", upload);
      if (!stored.isEmpty()) {
        g.writeObjectFieldStart("stored");
        for (var e : new java.util.TreeMap<>(stored).entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    out.write('\n');
    out.writeBytes(record);
    return out.toByteArray();
  }

  /** Parses a manifest; {@code where} names the object in messages. */
  static Manifest parse(byte[] bytes, String where) {
    int newline = -1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      throw new IntegrityException(where + " is not a version manifest: no header line");
    }
    String upload = null;
    int format = -1;
    java.util.Map<String, String> stored = new java.util.HashMap<>();
    try (JsonParser p = JSON.createParser(bytes, 0, newline)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IntegrityException(where + " is not a version manifest: the header is not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals(FORMAT_FIELD) && value == JsonToken.VALUE_NUMBER_INT) {
          format = p.getIntValue();
        } else if (field.equals("upload") && value == JsonToken.VALUE_STRING) {
          upload = p.getText();
        } else if (field.equals("stored") && value == JsonToken.START_OBJECT) {
          for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            String name = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING || !p.getText().matches("[0-9a-f]{64}")) {
              throw new IntegrityException(where + " has a malformed stored digest for '" + name + "'");
            }
            stored.put(name, p.getText());
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IntegrityException(where + " has a malformed header: " + e.getMessage());
    }
    if (format != 1) {
      throw new IntegrityException(where + " is a manifest of format " + format + ", not 1; a newer MaaS wrote it?");
    }
    if (upload == null || !UPLOAD_ID.matcher(upload).matches()) {
      throw new IntegrityException(where + " names no valid upload");
    }
    return new Manifest(upload, Arrays.copyOfRange(bytes, newline + 1, bytes.length), stored);
  }
}
