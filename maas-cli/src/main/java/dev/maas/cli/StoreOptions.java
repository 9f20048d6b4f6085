package dev.maas.cli;

import dev.maas.FileSystemModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store DIR} option that every command working on a model store shares. */
final class StoreOptions {
  @Option(names = "--store", paramLabel = "DIR", required = true,
      description = "The model store directory (created if missing).")
  Path directory;

  /** Opens the store; the caller closes it. */
  FileSystemModelStore open() {
    return FileSystemModelStore.open(directory);
  }
}
