package dev.maas.cli;

import dev.maas.ModelStore;
import dev.maas.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --store DIR} and {@code --encryption-key FILE} options of commands that work on a
 * stored version or, without {@code --store}, on a plain directory ({@code sign}, {@code verify}).
 */
final class OptionalStore {
  @Option(names = "--store", paramLabel = "DIR", description = "The model store; without it REF is a directory.")
  Path directory;

  @Option(names = "--encryption-key", paramLabel = "FILE",
      description = "The key file of an encrypted store (to read encrypted versions).")
  Path encryptionKey;

  ModelStore open() {
    if (!Files.isDirectory(directory)) {
      throw new StoreException("no model store at '" + directory + "' (no such directory); check --store");
    }
    StoreOptions options = new StoreOptions();
    options.location = directory.toString();
    options.encryptionKey = encryptionKey;
    return options.open();
  }
}
