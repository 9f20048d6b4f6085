package dev.maas;

import dev.maas.signing.ModelSigner;
import dev.maas.signing.ModelVerifier;
import dev.maas.signing.VerifiedSignature;
import dev.maas.spi.ModelFormat;
import dev.maas.spi.StoreBackend;
import dev.maas.spi.StoreProvider;
import dev.maas.store.Stores;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A store of named models, each with immutable versions numbered 1, 2, 3, ... and movable aliases
 * ({@code production}, {@code staging}, ...) that point at versions. Models are addressed by
 * {@link ModelReference}s written {@code name}, {@code name:3} or {@code name@production}.
 *
 * <p>A version is published whole or not at all; its files are checked against their recorded
 * SHA-256 each time it is opened. Model artifacts are written and read by {@link ModelFormat}s.
 *
 * <p>Changes reach {@link StoreListener}s registered with {@link #addListener}: those this store
 * makes at once, those other processes make to a shared directory after {@link #refresh()} or,
 * continuously, while a {@link #watch(Duration)} runs.
 *
 * <p>Implementations are thread-safe. {@link #open(Path)} returns one that is also safe across
 * processes sharing the directory.
 */
public interface ModelStore extends AutoCloseable {
  /**
   * The file-system store rooted at {@code root} (created if missing), with the formats found by
   * {@link java.util.ServiceLoader}.
   */
  static ModelStore open(Path root) {
    return Stores.fileSystem(root);
  }

  /**
   * The file-system store rooted at {@code root} (created if missing) that uses exactly {@code
   * formats}; see {@link #open(Path)}.
   */
  static ModelStore open(Path root, List<ModelFormat> formats) {
    return Stores.fileSystem(root, formats);
  }

  /**
   * The store at {@code location}: a {@code file:} URI opens the file-system store ({@link
   * #open(Path)}); any other scheme opens the store of the {@link StoreProvider} for it that {@link
   * java.util.ServiceLoader} finds ({@code s3://bucket/prefix} with module {@code maas-store-s3}),
   * with the {@code ServiceLoader} formats.
   *
   * @param settings provider settings by name (for example {@code endpoint}); none for {@code file:}
   * @throws InvalidInputException if no provider opens the scheme, or a setting is unknown or malformed
   * @throws StoreException if the store cannot be opened
   */
  static ModelStore open(URI location, Map<String, String> settings) {
    return Stores.open(location, settings, Optional.empty());
  }

  /** The store at {@code location} that uses exactly {@code formats}; see {@link #open(URI, Map)}. */
  static ModelStore open(URI location, Map<String, String> settings, List<ModelFormat> formats) {
    return Stores.open(location, settings, Optional.of(List.copyOf(formats)));
  }

  /**
   * The store at {@code location} (see {@link #open(URI, Map)}), requiring signatures and
   * encrypting or decrypting versions as {@code security} says, exactly as {@link #open(Path,
   * StoreSecurity)} does for a directory; see {@code docs/security.md}.
   */
  static ModelStore open(URI location, Map<String, String> settings, StoreSecurity security) {
    return Stores.open(location, settings, Optional.empty(), security);
  }

  /** The store at {@code location} with exactly {@code formats} and {@code security}; see {@link #open(URI, Map, StoreSecurity)}. */
  static ModelStore open(URI location, Map<String, String> settings, List<ModelFormat> formats,
      StoreSecurity security) {
    return Stores.open(location, settings, Optional.of(List.copyOf(formats)), security);
  }

  /**
   * The store on {@code backend}, with the formats {@link java.util.ServiceLoader} finds: what a
   * module that provides a {@link StoreBackend} hands its users. The store owns the backend and
   * closes it.
   */
  static ModelStore open(StoreBackend backend) {
    return Stores.onBackend(backend);
  }

  /** The store on {@code backend} with exactly {@code formats}; see {@link #open(StoreBackend)}. */
  static ModelStore open(StoreBackend backend, List<ModelFormat> formats) {
    return Stores.onBackend(backend, formats);
  }

  /**
   * The file-system store rooted at {@code root} (created if missing), with the {@code ServiceLoader}
   * formats, requiring signatures and encrypting or decrypting versions as {@code security} says;
   * see {@link #open(Path)} and {@code docs/security.md}.
   */
  static ModelStore open(Path root, StoreSecurity security) {
    return Stores.fileSystem(root, security);
  }

  /** The file-system store rooted at {@code root} with exactly {@code formats} and {@code security}. */
  static ModelStore open(Path root, List<ModelFormat> formats, StoreSecurity security) {
    return Stores.fileSystem(root, formats, security);
  }

  /** A new, empty store that lives in this process's memory, with the {@code ServiceLoader} formats. */
  static ModelStore inMemory() {
    return Stores.inMemory();
  }

  /** A new, empty in-memory store that uses exactly {@code formats}. */
  static ModelStore inMemory(List<ModelFormat> formats) {
    return Stores.inMemory(formats);
  }

  /**
   * Publishes {@code model} as the next version of model {@code name}: the first format that can
   * write it (or the one {@code options} names) writes its artifact, the store records checksums
   * and metadata, and only then does the version become visible. On any failure the store is left
   * as it was.
   *
   * @return the new version's record
   * @throws InvalidInputException if {@code name} is not a valid model name
   * @throws StoreException if no format can write the model or the store cannot be written
   */
  ModelVersion publish(String name, Model model, PublishOptions options);

  /** Publishes with {@link PublishOptions#defaults()}; see {@link #publish(String, Model, PublishOptions)}. */
  default ModelVersion publish(String name, Model model) {
    return publish(name, model, PublishOptions.defaults());
  }

  /** The names of the models that have at least one version, sorted. */
  List<String> models();

  /**
   * Every readable version of model {@code name}, oldest first. A version whose record is damaged
   * is left out rather than hiding the others ({@link #check()} lists it), and
   * opening it still fails with the reason.
   *
   * @throws ModelNotFoundException if the store holds no version of that model
   */
  List<ModelVersion> versions(String name);

  /** The version {@code reference} resolves to, if there is one. */
  Optional<ModelVersion> find(ModelReference reference);

  /**
   * The version {@code reference} resolves to.
   *
   * @throws InvalidInputException if {@code reference} cannot be parsed
   * @throws ModelNotFoundException if nothing matches
   */
  default ModelVersion get(String reference) {
    ModelReference ref = ModelReference.parse(reference);
    return find(ref).orElseThrow(() -> new ModelNotFoundException("no model version matches '" + ref + "'", null,
        MaasException.Context.ofModel(ref)));
  }

  /**
   * The content of file {@code fileName} of {@code version}, one of {@link ModelVersion#files()}
   * (an artifact file or an {@linkplain PublishOptions#extraFiles() extra file}), after checking
   * it against its recorded SHA-256.
   *
   * @throws IntegrityException if no such file is recorded, or it is missing or was altered
   * @throws ModelNotFoundException if the version does not exist
   */
  byte[] readFile(ModelVersion version, String fileName);

  /**
   * The stored size in bytes of the recorded file {@code fileName} of {@code version}, without
   * reading it where the store can tell (the file-system store); by default the length of {@link
   * #readFile}. Encrypted files count as stored.
   *
   * @throws InvalidInputException if the version records no such file
   * @throws StoreException if the file cannot be read
   */
  default long fileSize(ModelVersion version, String fileName) {
    return readFile(version, fileName).length;
  }

  /**
   * Reads the version {@code reference} resolves to whole into memory: its record and every file,
   * each checked against its recorded SHA-256. The bundle needs no store to travel or to be
   * {@linkplain ModelBundle#open() opened}; resolving and reading happen in one call, as in {@link
   * #open(ModelReference)}.
   *
   * <p>The default resolves with {@link #find} and reads each file with {@link #readFile}.
   *
   * @throws ModelNotFoundException if nothing matches
   * @throws IntegrityException if a file is missing or was altered
   */
  default ModelBundle readBundle(ModelReference reference) {
    Objects.requireNonNull(reference, "reference");
    ModelVersion version = find(reference).orElseThrow(() -> new ModelNotFoundException(
        "no model version matches '" + reference + "'", null, MaasException.Context.ofModel(reference)));
    Map<String, byte[]> files = new java.util.TreeMap<>();
    for (String fileName : version.files().keySet()) {
      files.put(fileName, readFile(version, fileName));
    }
    return new ModelBundle(version, files);
  }

  /** Reads the version {@code reference} (text) resolves to; see {@link #readBundle(ModelReference)}. */
  default ModelBundle readBundle(String reference) {
    return readBundle(ModelReference.parse(reference));
  }

  /**
   * Reads every version record and alias table and reports those that cannot be read; the rest of
   * the store keeps working regardless. Only reads: repairing is left to the user, since the right
   * repair (restore from a backup, delete the version) depends on what happened. Stores that cannot
   * be damaged (the in-memory store) report a healthy store.
   *
   * @throws StoreException if the store cannot be listed
   */
  default StoreCheck check() {
    return new StoreCheck(List.of());
  }

  /**
   * Opens the version {@code reference} resolves to, after checking every file against its
   * recorded SHA-256, and says which version that was ({@link StoredModel#version()}): resolving
   * an alias and opening happen in one call, so no alias move can come between them. The caller
   * owns the model and closes it.
   *
   * @throws ModelNotFoundException if nothing matches
   * @throws IntegrityException if a file is missing or was altered
   * @throws ModelLoadException if the format is unknown or the artifact cannot be opened
   */
  StoredModel open(ModelReference reference);

  /** Opens the version {@code reference} (text) resolves to; see {@link #open(ModelReference)}. */
  default StoredModel open(String reference) {
    return open(ModelReference.parse(reference));
  }

  /**
   * The aliases of model {@code name}, alias to version, sorted by alias; empty if none. A split
   * alias reports its {@linkplain AliasTarget#primary() primary} version; {@link #aliasTargets}
   * tells the whole split.
   *
   * @throws ModelNotFoundException if the store holds no version of that model
   */
  Map<String, Integer> aliases(String name);

  /**
   * The aliases of model {@code name} with what each points at, splits and shadows included,
   * sorted by alias; empty if none. By default every alias of {@link #aliases} as {@link
   * AliasTarget#of(int)}.
   *
   * @throws ModelNotFoundException if the store holds no version of that model
   */
  default Map<String, AliasTarget> aliasTargets(String name) {
    Map<String, AliasTarget> targets = new java.util.TreeMap<>();
    aliases(name).forEach((alias, version) -> targets.put(alias, AliasTarget.of(version)));
    return java.util.Collections.unmodifiableMap(targets);
  }

  /**
   * Points {@code alias} of model {@code name} at {@code target}: one version, a traffic split,
   * and optionally a shadow version (see {@link AliasTarget}), creating or moving it in one step.
   * By default only a {@linkplain AliasTarget#isPlain() plain} target, through {@link
   * #setAlias(String, String, int)}.
   *
   * @throws InvalidInputException if the alias is not a valid name
   * @throws ModelNotFoundException if a version the target names does not exist
   * @throws StoreException if this store keeps only plain aliases
   */
  default void setAlias(String name, String alias, AliasTarget target) {
    Objects.requireNonNull(target, "target");
    if (!target.isPlain()) {
      throw new StoreException(this + " keeps only plain aliases, not the split or shadow " + target);
    }
    setAlias(name, alias, target.primary());
  }

  /**
   * Points {@code alias} of model {@code name} at {@code version}, creating or moving it.
   *
   * @throws InvalidInputException if the alias is not a valid name
   * @throws ModelNotFoundException if the version does not exist
   */
  void setAlias(String name, String alias, int version);

  /**
   * Removes {@code alias} of model {@code name}.
   *
   * @return whether the alias existed
   */
  boolean removeAlias(String name, String alias);

  /**
   * Deletes version {@code version} of model {@code name}. Its number is never given out again.
   *
   * @throws StoreException if an alias points at the version, in a split or as its shadow too (see
   *     {@link #forceDelete})
   * @throws ModelNotFoundException if the version does not exist
   */
  void delete(String name, int version);

  /**
   * Deletes version {@code version} of model {@code name} and removes the aliases that point at it,
   * in a split or as its shadow too.
   *
   * @throws ModelNotFoundException if the version does not exist
   */
  void forceDelete(String name, int version);

  /**
   * Registers {@code listener} for changes, delivered on this store's own event thread (one daemon
   * thread per store); see {@link StoreListener} for the delivery rules. Registering a listener
   * twice has no effect.
   */
  void addListener(StoreListener listener);

  /** Registers {@code listener} for changes, delivered through {@code executor}; see {@link #addListener(StoreListener)}. */
  void addListener(StoreListener listener, Executor executor);

  /** Unregisters {@code listener}; does nothing if it was not registered. */
  void removeListener(StoreListener listener);

  /**
   * Looks at the store now and tells listeners about every change since the last look, made by this
   * process or another. Stores that no other process can change (the in-memory store) do nothing.
   *
   * @throws StoreException if the store cannot be read
   */
  default void refresh() {}

  /**
   * Starts watching for changes made by other processes: until the returned watch is closed (or the
   * store is), the store looks again whenever the file system reports a change ({@link
   * java.nio.file.WatchService}, where the platform has one) and at least every {@code
   * pollInterval}, and tells listeners what changed ({@link #refresh()}). After the next look
   * following a change, listeners have been told of it. Stores that no other process can change
   * return a watch that does nothing.
   *
   * @throws InvalidInputException if {@code pollInterval} is not positive
   */
  Watch watch(Duration pollInterval);

  /**
   * A running {@link #watch(Duration)}; closing it stops the watching thread. Thread-safe;
   * {@link #close()} is idempotent and does not block.
   */
  interface Watch extends AutoCloseable {
    /** Stops watching. */
    @Override
    void close();
  }

  /**
   * Signs the version {@code reference} resolves to with {@code signer} (OpenSSF Model Signing:
   * every file of the version, by its plaintext SHA-256, and its {@code maas-version.json}) and keeps
   * the signature with it as {@code model.sig}, replacing one that was there. The files are checked
   * against their recorded SHA-256 first.
   *
   * @return what the new signature vouches for
   * @throws ModelNotFoundException if nothing matches
   * @throws IntegrityException if a file no longer matches its record
   * @throws StoreException if this store keeps no signatures (the in-memory store)
   */
  default VerifiedSignature sign(ModelReference reference, ModelSigner signer) {
    throw new StoreException(this + " keeps no signatures");
  }

  /**
   * Checks the signature of the version {@code reference} resolves to against {@code verifier} and
   * the version's files, without opening the model.
   *
   * @throws dev.maas.signing.SignatureVerificationException if the version is unsigned or the
   *     signature does not hold; the message says why
   */
  default VerifiedSignature verifySignature(ModelReference reference, ModelVerifier verifier) {
    throw new StoreException(this + " keeps no signatures");
  }

  /**
   * Writes the version {@code reference} resolves to as a plain model directory {@code target}
   * (created; it must not exist yet): its files as plaintext (decrypted if stored encrypted), its
   * {@code maas-version.json}, and its {@code model.sig} if it is signed, so that the directory
   * verifies with {@code ModelVerifier.verify(target)} and with the OMS reference tools. A store that
   * requires signatures exports only versions whose signature holds.
   *
   * @return {@code target}
   * @throws StoreException if {@code target} exists or cannot be written, or this store cannot export
   */
  default Path exportVersion(ModelReference reference, Path target) {
    throw new StoreException(this + " cannot export version directories");
  }

  /** Releases what the store holds (not the models it opened), stopping its watches. Idempotent. */
  @Override
  void close();
}
