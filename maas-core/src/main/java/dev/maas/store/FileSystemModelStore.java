package dev.maas.store;

import dev.maas.AliasTarget;
import dev.maas.IntegrityException;
import dev.maas.ModelVersion;
import dev.maas.StoreSecurity;
import dev.maas.signing.ModelSigner;
import dev.maas.StoreCheck;
import dev.maas.StoreEvent;
import dev.maas.StoreException;
import dev.maas.spi.ArtifactReader;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The embedded {@link dev.maas.ModelStore}: one directory, laid out as {@code <root>/<model>/<version>/}
 * with the artifact files and {@code maas-version.json}, plus {@code <root>/<model>/aliases.json}.
 * See {@code docs/store.md} for the layout and its guarantees.
 *
 * <p>It composes the parts that each do one job: {@link StoreLayout} (where things are, and
 * reading them), {@link StagingDirectory} and {@link DurableFiles} (writing a version so that a
 * crash leaves the old state or the whole new version), {@link ModelLocks} (the per-model lock
 * across threads and processes, and version numbering) and {@link StoreWatcher} (events for
 * changes, including other processes').
 *
 * <p>Thread-safe, and safe for several processes sharing the directory. Changes made by other
 * processes reach this store's listeners when {@link #refresh()} is called, and continuously while
 * a {@link #watch(Duration)} runs.
 */
final class FileSystemModelStore extends AbstractModelStore {
  private final StoreLayout layout;
  private final StoreWatcher watcher;

  private FileSystemModelStore(Path root, Formats formats, StoreSecurity security) {
    super(formats, security);
    this.layout = new StoreLayout(root);
    this.watcher = new StoreWatcher(layout, listeners);
  }

  /**
   * Opens the store in directory {@code root}, creating the directory if missing.
   *
   * @throws StoreException if {@code root} cannot be created or is not a directory
   */
  static FileSystemModelStore open(Path root, Formats formats) {
    return open(root, formats, StoreSecurity.none());
  }

  /** Opens the store as {@link #open(Path, Formats)} does, protecting versions as {@code security} says. */
  static FileSystemModelStore open(Path root, Formats formats, StoreSecurity security) {
    Objects.requireNonNull(root, "root");
    try {
      Files.createDirectories(root);
      Path real = root.toRealPath();
      if (!Files.isDirectory(real)) {
        throw new StoreException("store root " + root + " is not a directory", null, StoreLayout.at(root));
      }
      return new FileSystemModelStore(real, formats, security);
    } catch (IOException e) {
      throw new StoreException("cannot open store at " + root + ": " + e, e, StoreLayout.at(root));
    }
  }

  /**
   * Reads the directory again and tells listeners about every change since the last look, made by
   * this process or another: versions published or deleted, aliases set, moved or removed.
   */
  @Override
  public void refresh() {
    ensureOpen();
    watcher.refresh();
  }

  @Override
  void changed(StoreEvent event) {
    watcher.changed(event.model());
  }

  @Override
  public Watch watch(Duration pollInterval) {
    requirePositive(pollInterval);
    ensureOpen();
    return watcher.watch(pollInterval.toNanos(), this::refresh);
  }

  @Override
  public void close() {
    watcher.close();
    super.close();
  }

  @Override
  public StoreCheck check() {
    ensureOpen();
    return layout.check();
  }

  // ---- writing ----

  @Override
  Staging stage(String name) throws IOException {
    return new StagingDirectory(layout.modelDir(name));
  }

  @Override
  ModelVersion commit(String name, Staging staging, IntFunction<ModelVersion> record) throws IOException {
    StagingDirectory dir = (StagingDirectory) staging;
    return ModelLocks.withModelLock(layout.modelDir(name), modelDir -> {
      ensureOpen();
      int number = ModelLocks.nextNumber(modelDir);
      ModelVersion version = record.apply(number);
      DurableFiles.writeDurably(dir.dir().resolve(METADATA_FILE), MetadataJson.writeVersion(version));
      DurableFiles.syncDirectory(dir.dir());
      Files.move(dir.dir(), modelDir.resolve(Integer.toString(number)), StandardCopyOption.ATOMIC_MOVE);
      dir.committed();
      DurableFiles.syncDirectory(modelDir);
      ModelLocks.writeLastNumber(modelDir, number);
      return version;
    });
  }

  // ---- reading ----

  @Override
  public List<String> models() {
    ensureOpen();
    return layout.models();
  }

  @Override
  List<Integer> versionNumbers(String name) {
    return layout.versionNumbers(name);
  }

  @Override
  Optional<ModelVersion> readVersion(String name, int version) {
    return layout.readVersion(name, version);
  }

  @Override
  Map<String, AliasTarget> readAliases(String name) {
    return layout.readAliases(name);
  }

  @Override
  ArtifactReader reader(ModelVersion version) {
    return layout.reader(version);
  }

  @Override
  Optional<byte[]> readSignature(ModelVersion version) {
    return readOptional(version, ModelSigner.SIGNATURE_FILE);
  }

  @Override
  void writeSignature(ModelVersion version, byte[] bundle) {
    Path dir = layout.versionDir(version.name(), version.version());
    try {
      DurableFiles.writeAtomically(dir, ModelSigner.SIGNATURE_FILE, bundle);
    } catch (IOException e) {
      throw new StoreException("cannot write the signature of " + version.reference() + ": " + e, e,
          StoreLayout.at(layout.root()));
    }
  }

  @Override
  byte[] readMetadata(ModelVersion version) {
    return readOptional(version, METADATA_FILE).orElseThrow(() -> new IntegrityException(version.reference()
        + ": " + METADATA_FILE + " is missing", null, StoreLayout.at(layout.root())));
  }

  @Override
  public long fileSize(ModelVersion version, String fileName) {
    if (!version.files().containsKey(fileName)) {
      return super.fileSize(version, fileName);
    }
    try {
      return Files.size(layout.versionDir(version.name(), version.version()).resolve(fileName));
    } catch (IOException e) {
      return super.fileSize(version, fileName);
    }
  }

  @Override
  Optional<byte[]> readEncryptionRecord(ModelVersion version) {
    return readOptional(version, EncryptionRecord.FILE);
  }

  private Optional<byte[]> readOptional(ModelVersion version, String fileName) {
    Path file = layout.versionDir(version.name(), version.version()).resolve(fileName);
    try {
      if (Files.size(file) > 64L << 20) {
        throw new IntegrityException(version.reference() + ": " + fileName + " is over 64 MiB", null,
            StoreLayout.at(layout.root()));
      }
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read " + fileName + " of " + version.reference() + ": " + e, e,
          StoreLayout.at(layout.root()));
    }
  }

  // ---- aliases and deletion ----

  @Override
  void writeAlias(String name, String alias, AliasTarget target) {
    // checked first, so that no lock file is left for a model that is not there
    requireVersions(name, target, v -> Files.isDirectory(layout.versionDir(name, v)));
    locked(name, modelDir -> {
      requireVersions(name, target, v -> layout.readVersion(name, v).isPresent());
      Map<String, AliasTarget> aliases = new TreeMap<>(layout.readAliases(name));
      aliases.put(alias, target);
      DurableFiles.writeAtomically(modelDir, StoreLayout.ALIASES_FILE, MetadataJson.writeAliases(aliases));
      return null;
    });
  }

  @Override
  Optional<AliasTarget> deleteAlias(String name, String alias) {
    if (!Files.isDirectory(layout.modelDir(name))) {
      return Optional.empty();
    }
    return locked(name, modelDir -> {
      Map<String, AliasTarget> aliases = new TreeMap<>(layout.readAliases(name));
      AliasTarget removed = aliases.remove(alias);
      if (removed != null) {
        DurableFiles.writeAtomically(modelDir, StoreLayout.ALIASES_FILE, MetadataJson.writeAliases(aliases));
      }
      return Optional.ofNullable(removed);
    });
  }

  @Override
  Map<String, Integer> deleteVersion(String name, int version, boolean removeAliases) {
    if (!Files.isDirectory(layout.versionDir(name, version))) {
      throw noVersion(name, version);
    }
    return locked(name, modelDir -> {
      Path dir = modelDir.resolve(Integer.toString(version));
      if (!Files.isDirectory(dir)) {
        throw noVersion(name, version);
      }
      Map<String, AliasTarget> aliases = new TreeMap<>(layout.readAliases(name));
      Map<String, Integer> pointing = naming(aliases, version);
      if (!pointing.isEmpty() && !removeAliases) {
        throw aliasedVersion(name, version, aliases);
      }
      ModelLocks.writeLastNumber(modelDir, ModelLocks.nextNumber(modelDir) - 1);
      if (!pointing.isEmpty()) {
        pointing.keySet().forEach(aliases::remove);
        DurableFiles.writeAtomically(modelDir, StoreLayout.ALIASES_FILE, MetadataJson.writeAliases(aliases));
      }
      Path trash = modelDir.resolve(ModelLocks.DELETED_PREFIX + version + "-" + UUID.randomUUID());
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      DurableFiles.syncDirectory(modelDir);
      DurableFiles.deleteRecursively(trash);
      return pointing;
    });
  }

  private <T> T locked(String name, ModelLocks.LockedAction<T> action) {
    try {
      return ModelLocks.withModelLock(layout.modelDir(name), action);
    } catch (FileAlreadyExistsException e) {
      throw new StoreException("unexpected file in store: " + e.getFile(), e, StoreLayout.at(layout.root()));
    } catch (IOException e) {
      throw new StoreException("store operation on '" + name + "' failed: " + e, e, StoreLayout.at(layout.root()));
    }
  }

  @Override
  public String toString() {
    return "FileSystemModelStore[" + layout.root() + "]";
  }
}
