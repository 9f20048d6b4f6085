package dev.maas.cli;

import dev.maas.ModelStore;
import dev.maas.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store DIR} option that every command working on a model store shares. */
final class StoreOptions {
  @Option(names = "--store", paramLabel = "DIR", required = true,
      description = "The model store directory. Commands that publish (train, import, quickstart) create it; "
          + "every other command needs it to exist.")
  Path directory;

  /**
   * Opens an existing store. A missing directory is an error, never a new empty store, so that a
   * typo in {@code --store} is not answered with "no models".
   */
  ModelStore open() {
    return ModelStore.open(existing());
  }

  /** The store directory, after checking that it exists; see {@link #open()}. */
  Path existing() {
    checkNotAFile();
    if (!Files.isDirectory(directory)) {
      throw new StoreException("no model store at '" + directory + "' (no such directory); check --store, "
          + "or create a store by publishing a model with 'maas train' or 'maas import'");
    }
    return directory;
  }

  /** Opens the store, creating its directory if missing (for commands that publish). */
  ModelStore openOrCreate() {
    checkNotAFile();
    return ModelStore.open(directory);
  }

  private void checkNotAFile() {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new StoreException("--store '" + directory + "' is a file, not a model store directory; "
          + "give the directory that holds the models");
    }
  }
}
