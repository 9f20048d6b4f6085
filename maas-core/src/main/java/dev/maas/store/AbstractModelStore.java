package dev.maas.store;

import dev.maas.AliasTarget;
import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.Lineage;
import dev.maas.MaasException;
import dev.maas.MaasVersion;
import dev.maas.Model;
import dev.maas.ModelBundle;
import dev.maas.ModelLoadException;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelReference;
import dev.maas.ModelSignature;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.StoreEvent;
import dev.maas.StoreException;
import dev.maas.StoreListener;
import dev.maas.StoreSecurity;
import dev.maas.StoredModel;
import dev.maas.signing.ModelSigner;
import dev.maas.signing.ModelVerifier;
import dev.maas.signing.VerifiedSignature;
import dev.maas.internal.Sha256;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * What every store does the same way: choosing formats, checksums, reference resolution, events.
 * Subclasses supply storage primitives, each atomic with respect to the others.
 */
abstract class AbstractModelStore implements ModelStore {
  static final String METADATA_FILE = "maas-version.json";

  final Formats formats;
  private static final java.util.concurrent.atomic.AtomicInteger STORES = new java.util.concurrent.atomic.AtomicInteger();

  final Listeners listeners = new Listeners(Integer.toString(STORES.incrementAndGet()));
  private volatile boolean closed;

  final StoreSecurity security;

  AbstractModelStore(Formats formats) {
    this(formats, StoreSecurity.none());
  }

  AbstractModelStore(Formats formats, StoreSecurity security) {
    this.formats = Objects.requireNonNull(formats, "formats");
    this.security = Objects.requireNonNull(security, "security");
  }

  /** Artifact files being written for a version that is not yet visible. */
  interface Staging {
    ArtifactWriter writer();

    /** File name to SHA-256 of everything written, once the writer is done. */
    Map<String, String> digests() throws IOException;

    /** Throws away whatever was not committed. Idempotent; a no-op after a commit. */
    void discard();

    /** Writes a record file of the version beside its metadata (not one of its artifact files). */
    default void writeRecordFile(String fileName, byte[] content) throws IOException {
      throw new IOException("this store cannot keep " + fileName);
    }
  }

  // ---- what protected versions need; stores without files keep none of it ----

  /** The version's signature bundle, if it has one. */
  Optional<byte[]> readSignature(ModelVersion version) {
    return Optional.empty();
  }

  void writeSignature(ModelVersion version, byte[] bundle) {
    throw new StoreException(this + " keeps no signatures");
  }

  /** The bytes of the version's record, {@code maas-version.json}, as stored. */
  byte[] readMetadata(ModelVersion version) {
    return MetadataJson.writeVersion(version);
  }

  /** The version's {@code maas-encryption.json}, if it is encrypted. */
  Optional<byte[]> readEncryptionRecord(ModelVersion version) {
    return Optional.empty();
  }

  // ---- storage primitives ----

  abstract Staging stage(String name) throws IOException;

  /** Assigns the next version number, records {@code record.apply(number)} and makes it visible. */
  abstract ModelVersion commit(String name, Staging staging, IntFunction<ModelVersion> record) throws IOException;

  /** The version numbers of {@code name}, ascending; empty if the model is unknown. */
  abstract List<Integer> versionNumbers(String name);

  abstract Optional<ModelVersion> readVersion(String name, int version);

  /** The alias table of {@code name}; empty if none. */
  abstract Map<String, AliasTarget> readAliases(String name);

  abstract ArtifactReader reader(ModelVersion version);

  /** Sets or moves an alias; throws {@link ModelNotFoundException} if a version it names is absent. */
  abstract void writeAlias(String name, String alias, AliasTarget target);

  /** Removes an alias; returns what it pointed at. */
  abstract Optional<AliasTarget> deleteAlias(String name, String alias);

  /**
   * Deletes a version; with {@code removeAliases} false, refuses while an alias names it (live or
   * shadow). Returns the aliases removed, each with its primary version.
   */
  abstract Map<String, Integer> deleteVersion(String name, int version, boolean removeAliases);

  // ---- the API ----

  @Override
  public ModelVersion publish(String name, Model model, PublishOptions options) {
    ensureOpen();
    ModelReference.requireValidName(name, "model name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    if (model instanceof StoredModel stored) {
      model = stored.model();
    }
    ModelFormat format = formats.forWriting(model, options.format());
    ModelSignature signature = model.signature();
    Lineage lineage = options.lineage().libraryVersion().isEmpty()
        ? options.lineage().withLibraryVersion(MaasVersion.VERSION)
        : options.lineage();
    Staging staging = null;
    try {
      staging = stage(name);
      if (security.keyProvider().isPresent()) {
        staging = new EncryptingStaging(staging, security.keyProvider().get(), name);
      }
      EncryptingStaging encrypting = staging instanceof EncryptingStaging e ? e : null;
      try {
        format.write(model, staging.writer());
      } catch (MaasException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new StoreException("format '" + format.name() + "' failed to write model '" + name + "': " + e, e,
            MaasException.Context.ofModel(ModelReference.latest(name)));
      }
      for (Map.Entry<String, byte[]> extra : options.extraFiles().entrySet()) {
        try (java.io.OutputStream out = staging.writer().create(extra.getKey())) {
          out.write(extra.getValue());
        }
      }
      Map<String, String> files = staging.digests();
      if (files.isEmpty()) {
        throw new StoreException("format '" + format.name() + "' wrote no files for model '" + name + "'");
      }
      Instant createdAt = Instant.now();
      Staging target = encrypting != null ? encrypting.inner() : staging;
      ModelVersion version = commit(name, target, number -> {
        if (encrypting != null) {
          try {
            target.writeRecordFile(EncryptionRecord.FILE, encrypting.record(number).toJson());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        return new ModelVersion(name, number, format.name(), signature,
            files, createdAt, options.description(), options.metrics(), options.parameters(), options.tags(), lineage);
      });
      changed(new StoreEvent(StoreEvent.Type.VERSION_PUBLISHED, name, version.version(), Optional.empty()));
      return version;
    } catch (IOException e) {
      throw new StoreException("publishing model '" + name + "' failed: " + e, e);
    } finally {
      if (staging != null) {
        staging.discard();
      }
    }
  }

  @Override
  public List<ModelVersion> versions(String name) {
    ensureOpen();
    ModelReference.requireValidName(name, "model name");
    List<ModelVersion> out = new ArrayList<>();
    for (int number : existingVersionNumbers(name)) {
      try {
        readVersion(name, number).ifPresent(out::add);
      } catch (StoreException e) {
        // One damaged record must not hide the model's other versions; check() reports it.
        System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING,
            "leaving out damaged version " + name + ":" + number + ": " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private List<Integer> existingVersionNumbers(String name) {
    List<Integer> numbers = versionNumbers(name);
    if (numbers.isEmpty()) {
      throw new ModelNotFoundException("no model named '" + name + "'");
    }
    return numbers;
  }

  @Override
  public Optional<ModelVersion> find(ModelReference reference) {
    ensureOpen();
    Objects.requireNonNull(reference, "reference");
    String name = reference.name();
    if (reference.version().isPresent()) {
      return readVersion(name, reference.version().getAsInt());
    }
    if (reference.alias().isPresent()) {
      AliasTarget target = readAliases(name).get(reference.alias().get());
      return target == null ? Optional.empty() : readVersion(name, target.primary());
    }
    List<Integer> numbers = versionNumbers(name);
    return numbers.isEmpty() ? Optional.empty() : readVersion(name, numbers.get(numbers.size() - 1));
  }

  @Override
  public StoredModel open(ModelReference reference) {
    ModelVersion version = find(reference).orElseThrow(() -> notFound(reference));
    formats.forReading(version);
    ArtifactReader reader = reader(version);
    Optional<byte[]> encryption = readEncryptionRecord(version);
    if (encryption.isPresent() || security.signaturePolicy().verifier().isPresent()) {
      ProtectedVersion checked = ProtectedVersion.read(this, version, reader, encryption, context(version, reader));
      security.signaturePolicy().verifier().ifPresent(v -> checked.verifySignature(v));
      reader = checked.reader();
    } else {
      reader = checked(version, reader);
    }
    return openArtifact(formats, version, reader);
  }

  /** Opens the checked artifact of {@code version} through {@code reader} with its recorded format. */
  static StoredModel openArtifact(Formats formats, ModelVersion version, ArtifactReader reader) {
    ModelFormat format = formats.forReading(version);
    MaasException.Context context = context(version, reader);
    Model model;
    try {
      model = format.open(reader);
    } catch (ModelLoadException e) {
      throw new ModelLoadException(version.reference() + ": " + e.getMessage(), e, context);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException("cannot open " + version.reference() + " (format '" + format.name() + "'): " + e, e,
          context);
    }
    return new VersionedModel(model, version);
  }

  /**
   * Reads every file of the version {@code reference} resolves to; the bundle checks each against
   * its recorded SHA-256.
   */
  @Override
  public ModelBundle readBundle(ModelReference reference) {
    ensureOpen();
    ModelVersion version = find(reference).orElseThrow(() -> notFound(reference));
    ArtifactReader reader = reader(version);
    Map<String, byte[]> files = new java.util.TreeMap<>();
    for (String fileName : version.files().keySet()) {
      try {
        files.put(fileName, reader.readAllBytes(fileName));
      } catch (NoSuchFileException e) {
        throw new IntegrityException(version.reference() + ": file '" + fileName + "' is missing from "
            + reader.location(), e, context(version, reader));
      } catch (IOException e) {
        throw new IntegrityException(version.reference() + ": cannot read file '" + fileName + "': " + e, e,
            context(version, reader));
      }
    }
    return new ModelBundle(version, files);
  }

  static ModelNotFoundException notFound(ModelReference reference) {
    return new ModelNotFoundException("no model version matches '" + reference + "'", null,
        MaasException.Context.ofModel(reference));
  }

  private static MaasException.Context context(ModelVersion version, ArtifactReader reader) {
    MaasException.Context context = MaasException.Context.ofModel(version.reference());
    return reader.directory().map(context::withFile).orElse(context);
  }

  /**
   * Reads every recorded file once, checks it against its SHA-256 and answers a reader over those
   * checked bytes, so that a format loads exactly what was checked: nothing can replace or change a
   * file between the check and the load. The reader keeps {@code reader}'s location and directory
   * (formats name the version by them), but its files come from memory.
   */
  private static ArtifactReader checked(ModelVersion version, ArtifactReader reader) {
    Map<String, byte[]> contents = new java.util.TreeMap<>();
    for (Map.Entry<String, String> file : version.files().entrySet()) {
      MaasException.Context context = MaasException.Context.ofModel(version.reference());
      context = reader.directory().map(d -> d.resolve(file.getKey())).map(context::withFile).orElse(context);
      byte[] content;
      try {
        content = reader.readAllBytes(file.getKey());
      } catch (NoSuchFileException e) {
        throw new IntegrityException(version.reference() + ": file '" + file.getKey() + "' is missing from "
            + reader.location(), e, context);
      } catch (IOException e) {
        throw new IntegrityException(version.reference() + ": cannot read file '" + file.getKey() + "': " + e, e,
            context);
      }
      String actual = Sha256.of(content);
      if (!actual.equals(file.getValue())) {
        throw new IntegrityException(version.reference() + ": file '" + file.getKey() + "' in " + reader.location()
            + " was altered: SHA-256 " + actual + ", recorded " + file.getValue(), null, context);
      }
      contents.put(file.getKey(), content);
    }
    return new MemoryReader(reader.location(), contents, reader.directory());
  }

  @Override
  public final byte[] readFile(ModelVersion version, String fileName) {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(fileName, "fileName");
    ensureOpen();
    String recorded = version.files().get(fileName);
    if (recorded == null) {
      throw new IntegrityException(version.reference() + ": no file '" + fileName + "' is recorded");
    }
    ArtifactReader reader = reader(version);
    Optional<byte[]> encryption = readEncryptionRecord(version);
    if (encryption.isPresent()) {
      return ProtectedVersion.read(this, version, reader, encryption, context(version, reader)).content(fileName);
    }
    byte[] content;
    try {
      content = reader.readAllBytes(fileName);
    } catch (NoSuchFileException e) {
      throw new IntegrityException(version.reference() + ": file '" + fileName + "' is missing from "
          + reader.location());
    } catch (IOException e) {
      throw new IntegrityException(version.reference() + ": cannot read file '" + fileName + "': " + e, e);
    }
    String actual = Sha256.of(content);
    if (!actual.equals(recorded)) {
      throw new IntegrityException(version.reference() + ": file '" + fileName + "' in " + reader.location()
          + " was altered: SHA-256 " + actual + ", recorded " + recorded);
    }
    return content;
  }

  @Override
  public VerifiedSignature sign(ModelReference reference, ModelSigner signer) {
    ensureOpen();
    Objects.requireNonNull(signer, "signer");
    ModelVersion version = find(reference).orElseThrow(() -> notFound(reference));
    ArtifactReader reader = reader(version);
    ProtectedVersion checked = ProtectedVersion.read(this, version, reader, readEncryptionRecord(version),
        context(version, reader));
    byte[] bundle = signer.signDigests(version.reference().toString(), checked.signedDigests());
    VerifiedSignature verified = ModelVerifier.fromPem(signer.publicKeyPem())
        .verifyDigests(bundle, checked.signedDigests(), version.reference().toString());
    writeSignature(version, bundle);
    return verified;
  }

  @Override
  public java.nio.file.Path exportVersion(ModelReference reference, java.nio.file.Path target) {
    ensureOpen();
    Objects.requireNonNull(target, "target");
    ModelVersion version = find(reference).orElseThrow(() -> notFound(reference));
    ArtifactReader reader = reader(version);
    ProtectedVersion checked = ProtectedVersion.read(this, version, reader, readEncryptionRecord(version),
        context(version, reader));
    security.signaturePolicy().verifier().ifPresent(checked::verifySignature);
    if (java.nio.file.Files.exists(target)) {
      throw new StoreException("cannot export " + version.reference() + " to " + target + ": it exists already");
    }
    try {
      java.nio.file.Files.createDirectories(target);
      for (String file : version.files().keySet()) {
        java.nio.file.Files.write(target.resolve(file), checked.content(file));
      }
      java.nio.file.Files.write(target.resolve(METADATA_FILE), checked.metadata());
      Optional<byte[]> signature = readSignature(version);
      if (signature.isPresent()) {
        java.nio.file.Files.write(target.resolve(ModelSigner.SIGNATURE_FILE), signature.get());
      }
    } catch (IOException e) {
      throw new StoreException("cannot export " + version.reference() + " to " + target + ": " + e, e);
    }
    return target;
  }

  @Override
  public VerifiedSignature verifySignature(ModelReference reference, ModelVerifier verifier) {
    ensureOpen();
    Objects.requireNonNull(verifier, "verifier");
    ModelVersion version = find(reference).orElseThrow(() -> notFound(reference));
    ArtifactReader reader = reader(version);
    return ProtectedVersion.read(this, version, reader, readEncryptionRecord(version), context(version, reader))
        .verifySignature(verifier);
  }

  @Override
  public Map<String, Integer> aliases(String name) {
    ensureOpen();
    ModelReference.requireValidName(name, "model name");
    existingVersionNumbers(name);
    Map<String, Integer> primaries = new java.util.TreeMap<>();
    readAliases(name).forEach((alias, target) -> primaries.put(alias, target.primary()));
    return java.util.Collections.unmodifiableMap(primaries);
  }

  @Override
  public Map<String, AliasTarget> aliasTargets(String name) {
    ensureOpen();
    ModelReference.requireValidName(name, "model name");
    existingVersionNumbers(name);
    return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(readAliases(name)));
  }

  @Override
  public void setAlias(String name, String alias, int version) {
    setAlias(name, alias, AliasTarget.of(version));
  }

  @Override
  public void setAlias(String name, String alias, AliasTarget target) {
    ensureOpen();
    ModelReference.requireValidName(name, "model name");
    ModelReference.requireValidName(alias, "alias");
    Objects.requireNonNull(target, "target");
    writeAlias(name, alias, target);
    changed(new StoreEvent(StoreEvent.Type.ALIAS_SET, name, target.primary(), Optional.of(alias)));
  }

  /** Throws {@link #noVersion} for the first version {@code target} names that {@code exists} denies. */
  static void requireVersions(String name, AliasTarget target, java.util.function.IntPredicate exists) {
    for (int v : target.versions()) {
      if (!exists.test(v)) {
        throw noVersion(name, v);
      }
    }
  }

  /** The aliases of {@code aliases} that name {@code version}, live or shadow, each with its primary version. */
  static Map<String, Integer> naming(Map<String, AliasTarget> aliases, int version) {
    Map<String, Integer> pointing = new java.util.TreeMap<>();
    aliases.forEach((alias, t) -> {
      if (t.references(version)) {
        pointing.put(alias, t.primary());
      }
    });
    return pointing;
  }

  @Override
  public boolean removeAlias(String name, String alias) {
    ensureOpen();
    ModelReference.requireValidName(name, "model name");
    ModelReference.requireValidName(alias, "alias");
    Optional<AliasTarget> removed = deleteAlias(name, alias);
    removed.ifPresent(t -> changed(new StoreEvent(StoreEvent.Type.ALIAS_REMOVED, name, t.primary(),
        Optional.of(alias))));
    return removed.isPresent();
  }

  @Override
  public void delete(String name, int version) {
    delete(name, version, false);
  }

  @Override
  public void forceDelete(String name, int version) {
    delete(name, version, true);
  }

  private void delete(String name, int version, boolean removeAliases) {
    ensureOpen();
    ModelReference.requireValidName(name, "model name");
    Map<String, Integer> removed = deleteVersion(name, version, removeAliases);
    removed.forEach((alias, v) ->
        changed(new StoreEvent(StoreEvent.Type.ALIAS_REMOVED, name, v, Optional.of(alias))));
    changed(new StoreEvent(StoreEvent.Type.VERSION_DELETED, name, version, Optional.empty()));
  }

  /** Returns {@code fileName} if a format may create a file of that name; see {@link ArtifactWriter#isValidFileName}. */
  static String checkFileName(String fileName) {
    Objects.requireNonNull(fileName, "fileName");
    if (!ArtifactWriter.isValidFileName(fileName)) {
      throw new StoreException("a model format asked for invalid artifact file name '" + fileName + "': "
          + ArtifactWriter.FILE_NAME_RULE);
    }
    return fileName;
  }

  static StoreException duplicateFile(String fileName) {
    return new StoreException("a model format created artifact file '" + fileName + "' twice");
  }

  static StoreException aliasedVersion(String name, int version, Map<String, AliasTarget> aliases) {
    List<String> pointing = List.copyOf(naming(aliases, version).keySet());
    return new StoreException("cannot delete " + name + ":" + version + ": aliases " + pointing
        + " point at it; move them or use forceDelete");
  }

  static ModelNotFoundException noVersion(String name, int version) {
    return new ModelNotFoundException("no version " + version + " of model '" + name + "'");
  }

  /** Reports a change this store made; subclasses that observe changes themselves override it. */
  void changed(StoreEvent event) {
    listeners.fire(event);
  }

  @Override
  public void addListener(StoreListener listener) {
    listeners.add(listener);
  }

  @Override
  public void addListener(StoreListener listener, java.util.concurrent.Executor executor) {
    listeners.add(listener, executor);
  }

  @Override
  public Watch watch(java.time.Duration pollInterval) {
    requirePositive(pollInterval);
    ensureOpen();
    return () -> { };
  }

  static java.time.Duration requirePositive(java.time.Duration pollInterval) {
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new InvalidInputException("pollInterval must be more than zero, got " + pollInterval);
    }
    return pollInterval;
  }

  @Override
  public void removeListener(StoreListener listener) {
    listeners.remove(listener);
  }

  @Override
  public void close() {
    closed = true;
    listeners.close();
  }

  final void ensureOpen() {
    if (closed) {
      throw new StoreException("the model store is closed");
    }
  }
}
