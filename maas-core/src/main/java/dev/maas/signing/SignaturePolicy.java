package dev.maas.signing;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a model store (and a server on it) opens only signed versions: {@link #none()} opens
 * every version whose checksums hold; {@link #require(ModelVerifier)} opens a version only when its
 * {@code model.sig} verifies with one of the verifier's keys over every file of the version,
 * checked before any model format sees the bytes.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class SignaturePolicy {
  private static final SignaturePolicy NONE = new SignaturePolicy(null);

  private final ModelVerifier verifier;

  private SignaturePolicy(ModelVerifier verifier) {
    this.verifier = verifier;
  }

  /** Signatures are not required (nor checked). */
  public static SignaturePolicy none() {
    return NONE;
  }

  /** Every version must carry a signature that {@code verifier} accepts. */
  public static SignaturePolicy require(ModelVerifier verifier) {
    return new SignaturePolicy(Objects.requireNonNull(verifier, "verifier"));
  }

  /** The verifier versions must satisfy; empty when signatures are not required. */
  public Optional<ModelVerifier> verifier() {
    return Optional.ofNullable(verifier);
  }

  @Override
  public String toString() {
    return verifier == null ? "SignaturePolicy[none]" : "SignaturePolicy[require " + verifier.keyHints() + "]";
  }
}
