package dev.maas.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks OpenSSF Model Signing v1.0 signatures (key mode) against a set of trusted ECDSA public
 * keys: the bundle must be well formed down to its last byte, its DSSE signature must verify with
 * one of the keys over the pre-authentication encoding of its statement, and the files of the
 * model must be exactly those the statement lists, with the same SHA-256. Bundles written by the
 * OMS reference tools and by {@link ModelSigner} are accepted alike.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class ModelVerifier {
  private final List<TrustedKey> keys;

  private ModelVerifier(List<TrustedKey> keys) {
    if (keys.isEmpty()) {
      throw new KeyFormatException("no trusted public key given");
    }
    this.keys = List.copyOf(keys);
  }

  /** A verifier trusting the public keys in the PEM files ({@code PUBLIC KEY}, one per file). */
  public static ModelVerifier fromPemFiles(Collection<Path> files) {
    List<TrustedKey> keys = new ArrayList<>();
    for (Path f : Objects.requireNonNull(files, "files")) {
      keys.add(TrustedKey.of(PemKeys.publicKey(ModelSigner.readKeyFile(f), f.toString()), f.toString()));
    }
    return new ModelVerifier(keys);
  }

  /** A verifier trusting the public keys in PEM text (one or more {@code PUBLIC KEY} blocks). */
  public static ModelVerifier fromPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    List<TrustedKey> keys = new ArrayList<>();
    for (PemKeys.Block b : PemKeys.blocks(pem, "the public key")) {
      if (b.label().equals("PUBLIC KEY")) {
        keys.add(TrustedKey.of(PemKeys.parsePublic(b.der(), "the public key"), "the public key"));
      }
    }
    return new ModelVerifier(keys);
  }

  /** A verifier trusting {@code publicKeys} (EC keys on P-256, P-384 or P-521). */
  public static ModelVerifier trusting(Collection<? extends PublicKey> publicKeys) {
    List<TrustedKey> keys = new ArrayList<>();
    for (PublicKey k : Objects.requireNonNull(publicKeys, "publicKeys")) {
      if (!(k instanceof ECPublicKey ec)) {
        throw new KeyFormatException("a " + k.getAlgorithm() + " public key; model signatures use ECDSA keys");
      }
      keys.add(TrustedKey.of(ec, "the public key"));
    }
    return new ModelVerifier(keys);
  }

  /** The hints (SHA-256 of the PEM text) of the trusted keys, in the order given. */
  public List<String> keyHints() {
    return keys.stream().map(TrustedKey::hint).toList();
  }

  /**
   * Verifies {@code directory/model.sig} against the files of {@code directory}.
   *
   * @throws SignatureVerificationException if the signature is missing or does not hold; the
   *     message says why
   */
  public VerifiedSignature verify(Path directory) {
    Objects.requireNonNull(directory, "directory");
    return verify(directory, directory.resolve(ModelSigner.SIGNATURE_FILE), List.of());
  }

  /**
   * Verifies the bundle {@code signature} against the files of {@code directory}, leaving out
   * {@code ignorePaths} (relative to the directory, or paths below it), the paths the signed
   * statement itself ignores and the signature file when it lies inside the directory.
   */
  public VerifiedSignature verify(Path directory, Path signature, Collection<String> ignorePaths) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(signature, "signature");
    Path root = directory.toAbsolutePath().normalize();
    byte[] bundle = readBundle(signature);
    Checked checked = check(bundle, signature.toString());
    List<String> ignore = new ArrayList<>(checked.statement().ignorePaths());
    Path sig = signature.toAbsolutePath().normalize();
    if (sig.startsWith(root)) {
      ignore.add(root.relativize(sig).toString());
    }
    for (String p : Objects.requireNonNull(ignorePaths, "ignorePaths")) {
      Path abs = Path.of(p).toAbsolutePath().normalize();
      ignore.add(abs.startsWith(root) ? root.relativize(abs).toString() : p);
    }
    Map<String, String> actual;
    try {
      actual = ModelFiles.digests(root, ignore);
    } catch (SignatureVerificationException e) {
      throw new SignatureVerificationException(directory + ": " + e.getMessage(), e);
    }
    compare(checked, actual, directory.toString());
    return new VerifiedSignature(checked.statement().subject(), actual, checked.key().hint());
  }

  /**
   * Verifies {@code bundle} against a model given as file names and the SHA-256 of each file's bytes
   * (as a store records them; for encrypted files the digests of the plaintext). Every file given
   * must be signed and every signed file given.
   *
   * @param source what to call the model in messages (for example {@code name:3})
   */
  public VerifiedSignature verifyDigests(byte[] bundle, Map<String, String> sha256ByFile, String source) {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(source, "source");
    Checked checked = check(bundle, source + " " + ModelSigner.SIGNATURE_FILE);
    Map<String, String> actual = new TreeMap<>(Objects.requireNonNull(sha256ByFile, "sha256ByFile"));
    compare(checked, actual, source);
    return new VerifiedSignature(checked.statement().subject(), actual, checked.key().hint());
  }

  private record Checked(OmsBundle.Statement statement, TrustedKey key) {}

  private static byte[] readBundle(Path signature) {
    try {
      if (Files.size(signature) > OmsBundle.MAX_BYTES) {
        throw new SignatureVerificationException("the signature file " + signature + " is over "
            + OmsBundle.MAX_BYTES + " bytes");
      }
      return Files.readAllBytes(signature);
    } catch (NoSuchFileException e) {
      throw new SignatureVerificationException("unsigned: there is no signature file " + signature, e);
    } catch (IOException e) {
      throw new SignatureVerificationException("cannot read the signature file " + signature + ": " + e, e);
    }
  }

  private Checked check(byte[] bundle, String source) {
    OmsBundle.Envelope envelope;
    try {
      envelope = OmsBundle.readEnvelope(bundle);
    } catch (SignatureVerificationException e) {
      throw new SignatureVerificationException("the signature " + source + " " + e.getMessage(), e);
    }
    List<TrustedKey> candidates = new ArrayList<>(keys);
    if (envelope.hint().isPresent()) {
      String hint = envelope.hint().get();
      candidates.removeIf(k -> !k.hint().equals(hint));
      if (candidates.isEmpty()) {
        throw new SignatureVerificationException("the signature " + source + " was made with a key that is not"
            + " trusted (key hint " + hint + "; trusted: " + String.join(", ", keyHints()) + ")");
      }
    }
    if (envelope.rawPublicKey().isPresent()) {
      byte[] raw = envelope.rawPublicKey().get();
      candidates.removeIf(k -> !Arrays.equals(raw, k.pem().getBytes(StandardCharsets.US_ASCII))
          && !Arrays.equals(raw, k.key().getEncoded()));
      if (candidates.isEmpty()) {
        throw new SignatureVerificationException("the signature " + source
            + " names a public key that is not trusted");
      }
    }
    if (envelope.keyDetails().isPresent()) {
      String details = envelope.keyDetails().get();
      candidates.removeIf(k -> !k.curve().keyDetails.equals(details));
      if (candidates.isEmpty()) {
        throw new SignatureVerificationException("the signature " + source + " names key details '" + details
            + "' that no trusted key has");
      }
    }
    byte[] pae = OmsBundle.pae(envelope.payloadType(), envelope.payload());
    for (TrustedKey k : candidates) {
      for (byte[] sig : envelope.signatures()) {
        if (verifies(k, pae, sig)) {
          try {
            return new Checked(OmsBundle.readStatement(envelope.payload()), k);
          } catch (SignatureVerificationException e) {
            throw new SignatureVerificationException("the signature " + source + " " + e.getMessage(), e);
          }
        }
      }
    }
    throw new SignatureVerificationException("the signature " + source + " does not verify with "
        + (keys.size() == 1 ? "the trusted key" : "any of the " + keys.size() + " trusted keys")
        + ": the envelope or the signature was altered, or another key made it");
  }

  private static boolean verifies(TrustedKey key, byte[] pae, byte[] signature) {
    try {
      Signature s = Signature.getInstance(key.curve().signatureAlgorithm);
      s.initVerify(key.key());
      s.update(pae);
      return s.verify(signature);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the Java platform cannot verify " + key.curve().signatureAlgorithm, e);
    }
  }

  private static void compare(Checked checked, Map<String, String> actual, String source) {
    Map<String, String> signed = new TreeMap<>();
    checked.statement().resources().forEach(r -> signed.put(r.name(), r.sha256()));
    List<String> problems = new ArrayList<>();
    for (String name : new TreeSet<>(signed.keySet())) {
      String a = actual.get(name);
      if (a == null) {
        problems.add("file " + name + " is signed but missing");
      } else if (!a.equals(signed.get(name))) {
        problems.add("file " + name + " has changed since it was signed (sha256 " + a + ", signed "
            + signed.get(name) + ")");
      }
    }
    for (String name : actual.keySet()) {
      if (!signed.containsKey(name)) {
        problems.add("file " + name + " is not covered by the signature");
      }
    }
    if (!problems.isEmpty()) {
      String shown = String.join("; ", problems.subList(0, Math.min(3, problems.size())));
      throw new SignatureVerificationException(source + ": the signature does not match the model: " + shown
          + (problems.size() > 3 ? " (and " + (problems.size() - 3) + " more)" : ""));
    }
  }
}
