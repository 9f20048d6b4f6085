package dev.maas.store;

import dev.maas.Model;
import dev.maas.ModelBundle;
import dev.maas.ModelStore;
import dev.maas.InvalidInputException;
import dev.maas.ModelVersion;
import dev.maas.StoredModel;
import dev.maas.StoreSecurity;
import dev.maas.spi.ModelFormat;
import dev.maas.spi.StoreBackend;
import dev.maas.spi.StoreProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The factories behind {@link ModelStore#open(Path)}, {@link ModelStore#open(URI, Map)}, {@link
 * ModelStore#inMemory()} and {@link Model#open(Path)}, and the store's record codec and artifact
 * opening behind {@link ModelBundle}: the only public type of this package, which the module does
 * not export.
 */
public final class Stores {
  private Stores() {}

  /** The file-system store in {@code root} with the {@code ServiceLoader} formats. */
  public static ModelStore fileSystem(Path root) {
    return FileSystemModelStore.open(root, Formats.discover());
  }

  /** The file-system store in {@code root} with exactly {@code formats}. */
  public static ModelStore fileSystem(Path root, List<ModelFormat> formats) {
    return FileSystemModelStore.open(root, new Formats(formats));
  }

  /** The store on {@code backend} with the {@code ServiceLoader} formats. */
  public static ModelStore onBackend(StoreBackend backend) {
    return new BackendModelStore(backend, Formats.discover());
  }

  /** The store on {@code backend} with exactly {@code formats}. */
  public static ModelStore onBackend(StoreBackend backend, List<ModelFormat> formats) {
    return new BackendModelStore(backend, new Formats(formats));
  }

  /** The store at {@code location}: the file-system store for {@code file:}, else the {@code ServiceLoader} provider's. */
  public static ModelStore open(URI location, Map<String, String> settings, Optional<List<ModelFormat>> formats) {
    return open(location, settings, formats, StoreSecurity.none());
  }

  /** {@link #open(URI, Map, Optional)} with {@code security}: signatures required, versions encrypted or decrypted. */
  public static ModelStore open(URI location, Map<String, String> settings, Optional<List<ModelFormat>> formats,
      StoreSecurity security) {
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(settings, "settings");
    String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      if (!settings.isEmpty()) {
        throw new InvalidInputException("the file-system store takes no settings, got " + settings.keySet());
      }
      return fileSystem(Path.of(location), formats.orElseGet(() -> Formats.discover().all()), security);
    }
    List<String> known = new ArrayList<>(List.of("file"));
    for (StoreProvider provider : ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader())) {
      if (provider.schemes().contains(scheme)) {
        StoreBackend backend = provider.open(location, settings);
        return new BackendModelStore(backend, formats.map(Formats::new).orElseGet(Formats::discover), security);
      }
      known.addAll(provider.schemes());
    }
    known.sort(null);
    throw new InvalidInputException("no model store opens '" + location + "': known schemes are " + known
        + (scheme.equals("s3") ? "; put maas-store-s3 on the class path for s3://" : ""));
  }

  /** The file-system store in {@code root} with the {@code ServiceLoader} formats and {@code security}. */
  public static ModelStore fileSystem(Path root, StoreSecurity security) {
    return FileSystemModelStore.open(root, Formats.discover(), security);
  }

  /** The file-system store in {@code root} with exactly {@code formats} and {@code security}. */
  public static ModelStore fileSystem(Path root, List<ModelFormat> formats, StoreSecurity security) {
    return FileSystemModelStore.open(root, new Formats(formats), security);
  }

  /** A new, empty in-memory store with the {@code ServiceLoader} formats. */
  public static ModelStore inMemory() {
    return new InMemoryModelStore(Formats.discover());
  }

  /** A new, empty in-memory store with exactly {@code formats}. */
  public static ModelStore inMemory(List<ModelFormat> formats) {
    return new InMemoryModelStore(new Formats(formats));
  }

  /** Opens the single artifact file {@code file} with the first {@code ServiceLoader} format that recognizes it. */
  public static Model openFile(Path file) {
    return Formats.discover().open(file);
  }

  /** The formats {@code ServiceLoader} finds now. */
  public static List<ModelFormat> discoveredFormats() {
    return Formats.discover().all();
  }

  /** The canonical bytes of {@code version}'s record, as a store writes it. */
  public static byte[] versionRecord(ModelVersion version) {
    return MetadataJson.writeVersion(version);
  }

  /** The record {@link #versionRecord} wrote; {@code source} names where it came from in errors. */
  public static ModelVersion parseVersionRecord(byte[] record, String source) {
    return MetadataJson.readVersion(record, source);
  }

  /** Opens {@code version} from {@code files} (already checked) with exactly {@code formats}. */
  public static StoredModel openBundle(ModelVersion version, Map<String, byte[]> files, List<ModelFormat> formats) {
    return AbstractModelStore.openArtifact(new Formats(formats), version,
        new MemoryReader("memory:" + version.reference(), files));
  }
}
