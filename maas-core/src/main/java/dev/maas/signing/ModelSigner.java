package dev.maas.signing;

import dev.maas.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Signs models with an ECDSA private key (P-256, P-384 or P-521) in the OpenSSF Model Signing
 * format v1.0: a Sigstore bundle holding a DSSE envelope over an in-toto statement that lists each
 * file of the model with its SHA-256. The bundle verifies with {@link ModelVerifier} and with the
 * OMS reference tools ({@code model_signing verify key}).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class ModelSigner {
  /** The name of the signature file inside a model directory, left out of what it signs. */
  public static final String SIGNATURE_FILE = "model.sig";

  private final ECPrivateKey privateKey;
  private final TrustedKey publicKey;

  private ModelSigner(KeyPair keys, String source) {
    if (!(keys.getPrivate() instanceof ECPrivateKey priv) || !(keys.getPublic() instanceof ECPublicKey pub)) {
      throw new KeyFormatException(source + ": not an EC key pair; model signatures use ECDSA keys");
    }
    this.privateKey = priv;
    this.publicKey = TrustedKey.of(pub, source);
  }

  /**
   * A signer with the private key in a PEM file: {@code EC PRIVATE KEY} (as {@code openssl ecparam
   * -genkey} writes it) or unencrypted {@code PRIVATE KEY} (PKCS#8, as {@code openssl genpkey}
   * writes it).
   *
   * @throws KeyFormatException if the file cannot be read or holds no usable key
   */
  public static ModelSigner fromPemFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new ModelSigner(PemKeys.keyPair(readKeyFile(file), file.toString()), file.toString());
  }

  /** A signer with the private key in PEM text (see {@link #fromPemFile}). */
  public static ModelSigner fromPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    return new ModelSigner(PemKeys.keyPair(pem, "the private key"), "the private key");
  }

  /** A signer with an EC key pair. */
  public static ModelSigner of(KeyPair keys) {
    Objects.requireNonNull(keys, "keys");
    return new ModelSigner(keys, "the key pair");
  }

  /** The public key that verifies this signer's signatures, as PEM ({@code PUBLIC KEY}). */
  public String publicKeyPem() {
    return publicKey.pem();
  }

  /**
   * Signs every regular file below {@code directory} except {@code model.sig} and returns the
   * bundle; the directory is not changed.
   *
   * @throws SignatureVerificationException if the directory cannot be read or holds a symbolic link
   */
  public byte[] sign(Path directory) {
    return sign(directory, List.of());
  }

  /**
   * Signs every regular file below {@code directory} except {@code model.sig} and {@code
   * ignorePaths} (paths relative to the directory; a directory leaves out all below it). The
   * ignored paths are recorded in the signature, as OMS does.
   */
  public byte[] sign(Path directory, Collection<String> ignorePaths) {
    Objects.requireNonNull(directory, "directory");
    List<String> ignore = new ArrayList<>();
    ignore.add(SIGNATURE_FILE);
    for (String p : ignorePaths) {
      String n = ModelFiles.normalise(p);
      if (!ignore.contains(n)) {
        ignore.add(n);
      }
    }
    Map<String, String> digests = ModelFiles.digests(directory, ignore);
    Path name = directory.toAbsolutePath().normalize().getFileName();
    return signDigests(name == null ? "model" : name.toString(), digests, ignore);
  }

  /**
   * Signs {@code directory} and writes the bundle to {@code directory/model.sig} (replacing one that
   * is there), so that a reader sees the old or the new signature, never part of one.
   *
   * @return the signature file
   */
  public Path signInPlace(Path directory) {
    byte[] bundle = sign(directory);
    Path target = directory.resolve(SIGNATURE_FILE);
    try {
      Path tmp = Files.createTempFile(directory, ".model.sig", ".tmp");
      try {
        Files.write(tmp, bundle);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new SignatureVerificationException("cannot write the signature " + target + ": " + e, e);
    }
    return target;
  }

  /**
   * Signs a model given as file names (paths relative to its directory, {@code /} separators) with
   * the SHA-256 of each file's bytes (64 lower-case hex digits), for stores that know the digests
   * of what they hold (encrypted artifacts are signed by their plaintext digests).
   *
   * @param subject the model's name in the statement
   */
  public byte[] signDigests(String subject, Map<String, String> sha256ByFile) {
    return signDigests(subject, sha256ByFile, List.of(SIGNATURE_FILE));
  }

  private byte[] signDigests(String subject, Map<String, String> sha256ByFile, List<String> ignore) {
    Objects.requireNonNull(subject, "subject");
    List<OmsBundle.Resource> resources = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(sha256ByFile).entrySet()) {
      if (!e.getValue().matches("[0-9a-f]{64}")) {
        throw new InvalidInputException("file " + e.getKey() + ": the digest is not 64 lower-case hex digits");
      }
      resources.add(new OmsBundle.Resource(e.getKey(), e.getValue()));
    }
    byte[] payload = OmsBundle.statement(subject, resources, ignore);
    try {
      Signature s = Signature.getInstance(publicKey.curve().signatureAlgorithm);
      s.initSign(privateKey);
      s.update(OmsBundle.pae(OmsBundle.PAYLOAD_TYPE, payload));
      return OmsBundle.bundle(payload, s.sign(), publicKey.hint());
    } catch (GeneralSecurityException e) {
      throw new KeyFormatException("the private key cannot sign: " + e.getMessage(), e);
    }
  }

  static String readKeyFile(Path file) {
    try {
      if (Files.size(file) > 1024 * 1024) {
        throw new KeyFormatException(file + ": over 1 MiB, not a key file");
      }
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new KeyFormatException(file + ": cannot read the key file (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")", e);
    }
  }
}
