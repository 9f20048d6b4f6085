package dev.maas.store;

import dev.maas.IntegrityException;
import dev.maas.MaasException;
import dev.maas.ModelLoadException;
import dev.maas.ModelVersion;
import dev.maas.encryption.DecryptionException;
import dev.maas.encryption.KeyProvider;
import dev.maas.internal.Sha256;
import dev.maas.signing.ModelSigner;
import dev.maas.signing.ModelVerifier;
import dev.maas.signing.SignatureVerificationException;
import dev.maas.signing.VerifiedSignature;
import dev.maas.spi.ArtifactReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.spec.SecretKeySpec;

/**
 * A version read whole into memory and checked there, for versions that are encrypted or must be
 * signed: every file decrypted (when encrypted) and checked against its recorded SHA-256, the
 * record {@code maas-version.json} read once and checked to be the one the version was resolved
 * from. A model format then reads only these checked bytes ({@link #reader()}), so nothing can
 * change between the check and the load, and plaintext never reaches the disk. Used by one thread.
 */
final class ProtectedVersion {
  private final AbstractModelStore store;
  private final ModelVersion version;
  private final String location;
  private final byte[] metadata;
  private final Map<String, byte[]> contents;

  private ProtectedVersion(AbstractModelStore store, ModelVersion version, String location, byte[] metadata,
      Map<String, byte[]> contents) {
    this.store = store;
    this.version = version;
    this.location = location;
    this.metadata = metadata;
    this.contents = contents;
  }

  static ProtectedVersion read(AbstractModelStore store, ModelVersion version, ArtifactReader reader,
      Optional<byte[]> encryption, MaasException.Context context) {
    String ref = version.reference().toString();
    byte[] metadata = store.readMetadata(version);
    ModelVersion recorded = MetadataJson.readVersion(metadata, ref + " " + AbstractModelStore.METADATA_FILE);
    if (!recorded.equals(version)) {
      throw new IntegrityException(ref + ": " + AbstractModelStore.METADATA_FILE + " changed while the version was"
          + " being opened", null, context);
    }
    SecretKeySpec key = null;
    EncryptionRecord record = null;
    if (encryption.isPresent()) {
      record = EncryptionRecord.parse(encryption.get(), ref + " " + EncryptionRecord.FILE);
      KeyProvider keys = store.security.keyProvider().orElseThrow(() -> new ModelLoadException(ref
          + " is encrypted (key " + EncryptionRecord.FILE + " names " + "'" + recordKey(encryption.get(), ref)
          + "'); open the store with its key (--encryption-key FILE)", null, context));
      if (!keys.keyId().equals(record.keyId())) {
        throw new ModelLoadException(ref + " is encrypted with key '" + record.keyId() + "', not with the key given ('"
            + keys.keyId() + "')", null, context);
      }
      byte[] dataKey;
      try {
        dataKey = keys.unwrap(record.wrappedKey(),
            EncryptionRecord.keyContext(version.name(), version.version(), record.versionId()));
      } catch (DecryptionException e) {
        throw new DecryptionException(ref + ": " + e.getMessage(), e);
      }
      if (dataKey.length != 32) {
        throw new DecryptionException(ref + ": the unwrapped data key is " + dataKey.length + " bytes, not 32");
      }
      key = new SecretKeySpec(dataKey, "AES");
      Arrays.fill(dataKey, (byte) 0);
    }
    Map<String, byte[]> contents = new TreeMap<>();
    for (Map.Entry<String, String> file : version.files().entrySet()) {
      String name = file.getKey();
      MaasException.Context fileContext = reader.directory().map(d -> d.resolve(name)).map(context::withFile)
          .orElse(context);
      byte[] bytes;
      try {
        bytes = reader.readAllBytes(name);
        if (key != null) {
          bytes = SegmentedGcm.decrypt(new ByteArrayInputStream(bytes), bytes.length, key,
              SegmentedGcm.context(version.name(), record.versionId(), name), ref + ": file '" + name + "'");
        }
      } catch (NoSuchFileException e) {
        throw new IntegrityException(ref + ": file '" + name + "' is missing from " + reader.location(), e, fileContext);
      } catch (IOException e) {
        throw new IntegrityException(ref + ": cannot read file '" + name + "': " + e, e, fileContext);
      }
      String actual = Sha256.of(bytes);
      if (!actual.equals(file.getValue())) {
        throw new IntegrityException(ref + ": file '" + name + "' in " + reader.location() + " was altered: SHA-256 "
            + actual + ", recorded " + file.getValue(), null, fileContext);
      }
      contents.put(name, bytes);
    }
    return new ProtectedVersion(store, version, reader.location(), metadata, contents);
  }

  private static String recordKey(byte[] json, String ref) {
    return EncryptionRecord.parse(json, ref).keyId();
  }

  /** What a signature of this version covers: each file's SHA-256 and that of {@code maas-version.json}. */
  Map<String, String> signedDigests() {
    Map<String, String> digests = new TreeMap<>(version.files());
    digests.put(AbstractModelStore.METADATA_FILE, Sha256.of(metadata));
    return digests;
  }

  /**
   * Checks the version's signature against {@code verifier} and these checked bytes.
   *
   * @throws SignatureVerificationException if it is unsigned or the signature does not hold
   */
  VerifiedSignature verifySignature(ModelVerifier verifier) {
    String ref = version.reference().toString();
    byte[] bundle = store.readSignature(version).orElseThrow(() -> new SignatureVerificationException(ref
        + ": unsigned: signatures are required and this version has no " + ModelSigner.SIGNATURE_FILE
        + " (sign it with maas sign " + ref + ")"));
    return verifier.verifyDigests(bundle, signedDigests(), ref);
  }

  /** The bytes of {@code maas-version.json} that were checked. */
  byte[] metadata() {
    return metadata.clone();
  }

  /** The checked content of one of the version's files. */
  byte[] content(String fileName) {
    byte[] bytes = contents.get(fileName);
    if (bytes == null) {
      throw new IntegrityException(version.reference() + ": no file '" + fileName + "' is recorded");
    }
    return bytes.clone();
  }

  /** A reader over the checked bytes, with no directory: formats load from memory. */
  ArtifactReader reader() {
    return new ArtifactReader() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public Set<String> fileNames() {
        return contents.keySet();
      }

      @Override
      public InputStream open(String fileName) throws IOException {
        byte[] bytes = contents.get(fileName);
        if (bytes == null) {
          throw new NoSuchFileException(fileName);
        }
        return new ByteArrayInputStream(bytes);
      }

      @Override
      public Optional<Path> directory() {
        return Optional.empty();
      }
    };
  }
}
