package dev.maas.store;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.spi.ModelFormat;
import java.nio.file.Path;
import java.util.List;

/**
 * The factories behind {@link ModelStore#open(Path)}, {@link ModelStore#inMemory()} and {@link
 * Model#open(Path)}: the only public type of this package, which the module does not export.
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
}
