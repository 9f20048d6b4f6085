package dev.maas.store;

import dev.maas.Model;
import dev.maas.ModelBundle;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.StoredModel;
import dev.maas.spi.ModelFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The factories behind {@link ModelStore#open(Path)}, {@link ModelStore#inMemory()} and {@link
 * Model#open(Path)}, and the store's record codec and artifact opening behind {@link ModelBundle}:
 * the only public type of this package, which the module does not export.
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
