package dev.maas.cli;

import dev.maas.ModelStore;
import dev.maas.StoreSecurity;
import dev.maas.encryption.KeyProvider;
import dev.maas.signing.ModelVerifier;
import dev.maas.spi.ModelFormat;
import dev.maas.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --store DIR} option that every command working on a model store shares. */
final class StoreOptions {
  @Option(names = "--store", paramLabel = "DIR", required = true,
      description = "The model store directory. Commands that publish (train, import, quickstart) create it; "
          + "every other command needs it to exist.")
  Path directory;

  @Option(names = "--encryption-key", paramLabel = "FILE",
      description = "A key file of 32 random bytes (head -c 32 /dev/urandom > FILE): commands that publish store "
          + "the new version encrypted with it, commands that open models decrypt with it (in memory).")
  Path encryptionKey;

  @Option(names = "--require-signature", paramLabel = "PUB", split = ",",
      description = "Open only versions signed (maas sign) with one of these public keys (PEM; repeat or comma-separate "
          + "for several); unsigned or badly signed versions are refused before they are loaded.")
  List<Path> requireSignature = new ArrayList<>();

  /** The signature policy and encryption key the options ask for. */
  StoreSecurity security() {
    StoreSecurity security = StoreSecurity.none();
    if (!requireSignature.isEmpty()) {
      security = security.requireSignatures(ModelVerifier.fromPemFiles(requireSignature));
    }
    if (encryptionKey != null) {
      security = security.encryptWith(KeyProvider.fromKeyFile(encryptionKey));
    }
    return security;
  }

  /** Opens an existing store with exactly {@code formats}; see {@link #open()}. */
  ModelStore open(List<ModelFormat> formats) {
    return ModelStore.open(existing(), formats, security());
  }

  /**
   * Opens an existing store. A missing directory is an error, never a new empty store, so that a
   * typo in {@code --store} is not answered with "no models".
   */
  ModelStore open() {
    return ModelStore.open(existing(), security());
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
    return ModelStore.open(directory, security());
  }

  private void checkNotAFile() {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new StoreException("--store '" + directory + "' is a file, not a model store directory; "
          + "give the directory that holds the models");
    }
  }
}
