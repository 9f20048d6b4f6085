package dev.maas.encryption;

import java.nio.file.Path;

/**
 * Wraps and unwraps the data keys that encrypt stored model versions (envelope encryption): each
 * version gets a fresh AES-256 data key, stored only wrapped by the provider's key-encryption key.
 * A key file ({@link #fromKeyFile}) is the built-in provider; a key-management service plugs in by
 * implementing this interface, so that the key-encryption key never leaves it.
 *
 * <p>{@code context} binds a wrapped key to what it protects (the model and version): unwrapping
 * with another context must fail, so that a wrapped key copied from one version to another is
 * refused.
 *
 * <p>Implementations must be thread-safe.
 */
public interface KeyProvider {
  /**
   * A stable, non-secret name of the key-encryption key (for a key file a fingerprint; for a KMS
   * the key's name), recorded with each version so that a wrong key is told apart from damage.
   */
  String keyId();

  /**
   * Encrypts and authenticates {@code dataKey} bound to {@code context}.
   *
   * @return the wrapped key, opaque to the store
   */
  byte[] wrap(byte[] dataKey, byte[] context);

  /**
   * Recovers a data key wrapped by {@link #wrap} with the same {@code context}.
   *
   * @throws DecryptionException if the wrapped key does not authenticate (another key, another
   *     context, or altered bytes)
   */
  byte[] unwrap(byte[] wrappedKey, byte[] context);

  /**
   * The provider whose key-encryption key is the 32 bytes of {@code file} (for example made with
   * {@code head -c 32 /dev/urandom > model.key}); data keys are wrapped with AES-256-GCM.
   *
   * @throws KeyFileException if the file cannot be read or does not hold exactly 32 bytes
   */
  static KeyProvider fromKeyFile(Path file) {
    return KeyFileProvider.read(file);
  }
}
