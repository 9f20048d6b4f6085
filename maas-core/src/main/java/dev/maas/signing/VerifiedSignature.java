package dev.maas.signing;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a signature that holds vouches for: the model it names ({@code subject}), each covered file
 * with its SHA-256 (lower-case hex, sorted by name), and the hint of the trusted key that made it
 * (SHA-256 of that key's PEM text, as OMS bundles record it).
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param subject the model name the statement gives
 * @param files file path relative to the model directory to its SHA-256
 * @param keyHint the hint of the key the signature verified with
 */
public record VerifiedSignature(String subject, Map<String, String> files, String keyHint) {
  /** Validates and copies the components. */
  public VerifiedSignature {
    Objects.requireNonNull(subject, "subject");
    files = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(files, "files")));
    Objects.requireNonNull(keyHint, "keyHint");
  }
}
