package dev.maas;

import dev.maas.encryption.KeyProvider;
import dev.maas.signing.ModelVerifier;
import dev.maas.signing.SignaturePolicy;
import java.util.Objects;
import java.util.Optional;

/**
 * How a file-system store protects its versions, beyond the SHA-256 of every file: the {@link
 * SignaturePolicy} that versions must satisfy to be opened, and the {@link KeyProvider} that
 * encrypts the versions it publishes and decrypts the encrypted versions it opens. Without a key
 * provider, encrypted versions are still listed but refused at open.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class StoreSecurity {
  private static final StoreSecurity NONE = new StoreSecurity(SignaturePolicy.none(), null);

  private final SignaturePolicy signaturePolicy;
  private final KeyProvider keyProvider;

  private StoreSecurity(SignaturePolicy signaturePolicy, KeyProvider keyProvider) {
    this.signaturePolicy = signaturePolicy;
    this.keyProvider = keyProvider;
  }

  /** No signature required, no encryption. */
  public static StoreSecurity none() {
    return NONE;
  }

  /** This setting, opening only versions whose signature {@code verifier} accepts. */
  public StoreSecurity requireSignatures(ModelVerifier verifier) {
    return new StoreSecurity(SignaturePolicy.require(verifier), keyProvider);
  }

  /** This setting, encrypting what is published and decrypting what is opened with {@code keys}. */
  public StoreSecurity encryptWith(KeyProvider keys) {
    return new StoreSecurity(signaturePolicy, Objects.requireNonNull(keys, "keys"));
  }

  /** The signature policy. */
  public SignaturePolicy signaturePolicy() {
    return signaturePolicy;
  }

  /** The key provider; empty when versions are neither encrypted nor decrypted. */
  public Optional<KeyProvider> keyProvider() {
    return Optional.ofNullable(keyProvider);
  }

  @Override
  public String toString() {
    return "StoreSecurity[" + signaturePolicy + ", keys=" + (keyProvider == null ? "none" : keyProvider.keyId()) + "]";
  }
}
