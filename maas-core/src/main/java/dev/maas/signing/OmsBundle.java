package dev.maas.signing;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenSSF Model Signing v1.0 signature file: a Sigstore bundle (v0.3) holding a DSSE envelope
 * whose payload is an in-toto Statement v1 with the predicate {@code
 * https://model_signing/signature/v1.0}. Writes bundles and reads them strictly: a field this
 * reader does not know, a non-canonical base64 string or an unexpected value is refused, so that
 * no byte of a bundle can change without the verification failing. Stateless and thread-safe.
 */
final class OmsBundle {
  static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
  static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
  static final int MAX_BYTES = 16 * 1024 * 1024;

  private OmsBundle() {}

  /** One signed file: its path relative to the model directory and the SHA-256 of its bytes. */
  record Resource(String name, String sha256) {}

  /** A bundle's parts, as read; nothing in it is verified yet. */
  record Envelope(byte[] payload, String payloadType, List<byte[]> signatures, Optional<String> hint,
      Optional<byte[]> rawPublicKey, Optional<String> keyDetails) {}

  /** What a verified statement says. */
  record Statement(String subject, List<Resource> resources, List<String> ignorePaths) {}

  /** The DSSE v1 pre-authentication encoding: what the signature is computed over. */
  static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** SHA-256 over the raw digests of the resources in order: the statement's subject digest. */
  static String subjectDigest(List<Resource> resources) {
    MessageDigest digest = sha256();
    for (Resource r : resources) {
      digest.update(HexFormat.of().parseHex(r.sha256()));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static byte[] statement(String subject, List<Resource> sortedResources, List<String> ignorePaths) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.prettyGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("_type", STATEMENT_TYPE);
      g.writeArrayFieldStart("subject");
      g.writeStartObject();
      g.writeStringField("name", subject);
      g.writeObjectFieldStart("digest");
      g.writeStringField("sha256", subjectDigest(sortedResources));
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
      g.writeStringField("predicateType", PREDICATE_TYPE);
      g.writeObjectFieldStart("predicate");
      g.writeObjectFieldStart("serialization");
      g.writeStringField("method", "files");
      g.writeStringField("hash_type", "sha256");
      g.writeBooleanField("allow_symlinks", false);
      g.writeArrayFieldStart("ignore_paths");
      for (String p : ignorePaths) {
        g.writeString(p);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeArrayFieldStart("resources");
      for (Resource r : sortedResources) {
        g.writeStartObject();
        g.writeStringField("name", r.name());
        g.writeStringField("algorithm", "sha256");
        g.writeStringField("digest", r.sha256());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] bundle(byte[] payload, byte[] signature, String hint) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("mediaType", MEDIA_TYPE);
      g.writeObjectFieldStart("verificationMaterial");
      g.writeObjectFieldStart("publicKey");
      g.writeStringField("hint", hint);
      g.writeEndObject();
      g.writeArrayFieldStart("tlogEntries");
      g.writeEndArray();
      g.writeEndObject();
      g.writeObjectFieldStart("dsseEnvelope");
      g.writeStringField("payload", Base64.getEncoder().encodeToString(payload));
      g.writeStringField("payloadType", PAYLOAD_TYPE);
      g.writeArrayFieldStart("signatures");
      g.writeStartObject();
      g.writeStringField("sig", Base64.getEncoder().encodeToString(signature));
      g.writeStringField("keyid", "");
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Envelope readEnvelope(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw bad("is " + bytes.length + " bytes, over the " + MAX_BYTES + " a signature file may have");
    }
    Object root;
    try {
      root = Json.parse(bytes);
    } catch (IOException e) {
      throw bad("is not valid JSON: " + e.getMessage());
    }
    Map<String, Object> bundle = object(root, "the bundle", Set.of("mediaType", "verificationMaterial", "dsseEnvelope"));
    String mediaType = string(bundle, "mediaType", "the bundle");
    if (!mediaType.equals(MEDIA_TYPE)) {
      throw bad("has media type '" + mediaType + "', expected " + MEDIA_TYPE);
    }
    Map<String, Object> material = object(required(bundle, "verificationMaterial", "the bundle"),
        "verificationMaterial", Set.of("publicKey", "tlogEntries"));
    if (!material.containsKey("publicKey")) {
      throw bad("has no verificationMaterial.publicKey: only key-signed bundles (no certificate) are verified here");
    }
    Map<String, Object> publicKey = object(material.get("publicKey"), "verificationMaterial.publicKey",
        Set.of("hint", "rawBytes", "keyDetails"));
    Optional<String> hint = optionalString(publicKey, "hint", "verificationMaterial.publicKey");
    if (hint.isPresent() && !hint.get().matches("[0-9a-f]{64}")) {
      throw bad("has a key hint that is not 64 lower-case hex digits");
    }
    Optional<byte[]> raw = optionalString(publicKey, "rawBytes", "verificationMaterial.publicKey")
        .map(s -> base64(s, "verificationMaterial.publicKey.rawBytes"));
    Optional<String> keyDetails = optionalString(publicKey, "keyDetails", "verificationMaterial.publicKey");
    if (material.containsKey("tlogEntries")
        && !(material.get("tlogEntries") instanceof List<?> entries && entries.isEmpty())) {
      throw bad("has transparency-log entries, which key-mode verification does not check; refusing them");
    }
    Map<String, Object> envelope = object(required(bundle, "dsseEnvelope", "the bundle"), "dsseEnvelope",
        Set.of("payload", "payloadType", "signatures"));
    byte[] payload = base64(string(envelope, "payload", "dsseEnvelope"), "dsseEnvelope.payload");
    String payloadType = string(envelope, "payloadType", "dsseEnvelope");
    if (!payloadType.equals(PAYLOAD_TYPE)) {
      throw bad("has payload type '" + payloadType + "', expected " + PAYLOAD_TYPE);
    }
    if (!(required(envelope, "signatures", "dsseEnvelope") instanceof List<?> sigs) || sigs.isEmpty()) {
      throw bad("has no signature in dsseEnvelope.signatures");
    }
    List<byte[]> signatures = new ArrayList<>();
    for (Object s : sigs) {
      Map<String, Object> sig = object(s, "dsseEnvelope.signatures[]", Set.of("sig", "keyid"));
      if (sig.containsKey("keyid") && sig.get("keyid") != null && !(sig.get("keyid") instanceof String)) {
        throw bad("has a keyid that is not a string");
      }
      signatures.add(base64(string(sig, "sig", "dsseEnvelope.signatures[]"), "dsseEnvelope.signatures[].sig"));
    }
    return new Envelope(payload, payloadType, List.copyOf(signatures), hint, raw, keyDetails);
  }

  /** Reads a statement whose signature has been verified. */
  static Statement readStatement(byte[] payload) {
    Object root;
    try {
      root = Json.parse(payload);
    } catch (IOException e) {
      throw bad("holds a statement that is not valid JSON: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> statement)) {
      throw bad("holds a statement that is not a JSON object");
    }
    if (!STATEMENT_TYPE.equals(statement.get("_type"))) {
      throw bad("holds a statement of type '" + statement.get("_type") + "', expected " + STATEMENT_TYPE);
    }
    if (!PREDICATE_TYPE.equals(statement.get("predicateType"))) {
      throw bad("holds predicate type '" + statement.get("predicateType") + "', expected " + PREDICATE_TYPE);
    }
    if (!(statement.get("subject") instanceof List<?> subjects) || subjects.size() != 1
        || !(subjects.get(0) instanceof Map<?, ?> subject) || !(subject.get("name") instanceof String name)
        || !(subject.get("digest") instanceof Map<?, ?> digest) || !(digest.get("sha256") instanceof String root256)) {
      throw bad("holds a statement without exactly one subject with a name and a sha256 digest");
    }
    if (!(statement.get("predicate") instanceof Map<?, ?> predicate)
        || !(predicate.get("serialization") instanceof Map<?, ?> serialization)
        || !(predicate.get("resources") instanceof List<?> resourceList)) {
      throw bad("holds a predicate without serialization and resources");
    }
    if (!"files".equals(serialization.get("method"))) {
      throw bad("uses serialization method '" + serialization.get("method") + "'; only 'files' is supported");
    }
    if (!"sha256".equals(serialization.get("hash_type"))) {
      throw bad("uses hash type '" + serialization.get("hash_type") + "'; only 'sha256' is supported");
    }
    List<String> ignore = new ArrayList<>();
    if (serialization.get("ignore_paths") instanceof List<?> paths) {
      for (Object p : paths) {
        if (!(p instanceof String s)) {
          throw bad("has an ignore path that is not a string");
        }
        ignore.add(s);
      }
    } else if (serialization.containsKey("ignore_paths")) {
      throw bad("has ignore_paths that is not a list");
    }
    List<Resource> resources = new ArrayList<>();
    Map<String, Resource> seen = new LinkedHashMap<>();
    for (Object o : resourceList) {
      if (!(o instanceof Map<?, ?> r) || !(r.get("name") instanceof String rname)
          || !(r.get("digest") instanceof String rdigest) || !"sha256".equals(r.get("algorithm"))) {
        throw bad("has a resource without a name, a sha256 algorithm and a digest");
      }
      if (!rdigest.matches("[0-9a-f]{64}")) {
        throw bad("has resource '" + rname + "' whose digest is not 64 lower-case hex digits");
      }
      Resource resource = new Resource(rname, rdigest);
      if (seen.put(rname, resource) != null) {
        throw bad("lists resource '" + rname + "' twice");
      }
      resources.add(resource);
    }
    String expected = subjectDigest(resources);
    if (!expected.equals(root256)) {
      throw bad("is inconsistent: the subject digest is " + root256 + " but its resources hash to " + expected);
    }
    return new Statement(name, List.copyOf(resources), List.copyOf(ignore));
  }

  private static Map<String, Object> object(Object value, String where, Set<String> allowed) {
    if (!(value instanceof Map<?, ?> map)) {
      throw bad("has " + where + " that is not a JSON object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = (String) e.getKey();
      if (!allowed.contains(key)) {
        throw bad("has a field '" + key + "' in " + where + " that this verifier does not know");
      }
      out.put(key, e.getValue());
    }
    return out;
  }

  private static Object required(Map<String, Object> map, String field, String where) {
    Object value = map.get(field);
    if (value == null) {
      throw bad("has no " + field + " in " + where);
    }
    return value;
  }

  private static String string(Map<String, Object> map, String field, String where) {
    if (!(required(map, field, where) instanceof String s)) {
      throw bad("has " + where + "." + field + " that is not a string");
    }
    return s;
  }

  private static Optional<String> optionalString(Map<String, Object> map, String field, String where) {
    return map.containsKey(field) ? Optional.of(string(map, field, where)) : Optional.empty();
  }

  private static byte[] base64(String text, String where) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw bad("has " + where + " that is not valid base64");
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw bad("has " + where + " that is not canonical base64");
    }
    return bytes;
  }

  static SignatureVerificationException bad(String what) {
    return new SignatureVerificationException(what);
  }
}
