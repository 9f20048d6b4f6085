package dev.maas.cli;

import dev.maas.ModelStore;
import dev.maas.StoreSecurity;
import dev.maas.encryption.KeyProvider;
import dev.maas.signing.ModelVerifier;
import dev.maas.StoreException;
import dev.maas.spi.ModelFormat;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --store DIR|s3://bucket/prefix} option that every command working on a model store
 * shares, with the settings of object storage ({@code --s3-endpoint}, {@code --s3-region}; the
 * standard AWS environment variables otherwise).
 */
final class StoreOptions {
  @Option(names = "--store", paramLabel = "STORE", required = true,
      description = "A directory, or s3://bucket/prefix for S3-compatible object storage (module maas-store-s3): "
          + "the model store. Commands that publish (train, import, quickstart) create a directory store; every other "
          + "command needs it to exist.")
  String location;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "The S3-compatible server of an s3:// store (default: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, "
          + "else AWS S3).")
  String s3Endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION",
      description = "The region of an s3:// store (default: AWS_REGION, else us-east-1).")
  String s3Region;

  /** Whether {@code --store} names object storage rather than a directory. */
  boolean isObjectStore() {
    return location.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") && !location.regionMatches(true, 0, "file:", 0, 5);
  }

  /** The object store's settings (--s3-endpoint, --s3-region). */
  Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    if (s3Endpoint != null) {
      settings.put("endpoint", s3Endpoint);
    }
    if (s3Region != null) {
      settings.put("region", s3Region);
    }
    return settings;
  }

  private URI uri() {
    try {
      return URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--store '" + location + "' is not a valid location: " + e.getMessage());
    }
  }

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

  /**
   * Opens an existing store. A missing directory is an error, never a new empty store, so that a
   * typo in {@code --store} is not answered with "no models".
   */
  ModelStore open() {
    return isObjectStore() ? ModelStore.open(uri(), settings(), security()) : ModelStore.open(existing(), security());
  }

  /** Opens an existing store with exactly {@code formats}; see {@link #open()}. */
  ModelStore open(List<ModelFormat> formats) {
    return isObjectStore() ? ModelStore.open(uri(), settings(), formats, security())
        : ModelStore.open(existing(), formats, security());
  }

  /** The store directory, after checking that it exists; see {@link #open()}. */
  Path existing() {
    Path directory = directory();
    checkNotAFile(directory);
    if (!Files.isDirectory(directory)) {
      throw new StoreException("no model store at '" + directory + "' (no such directory); check --store, "
          + "or create a store by publishing a model with 'maas train' or 'maas import'");
    }
    return directory;
  }

  /** The store directory, for commands that work on a directory store only. */
  Path directory() {
    if (isObjectStore()) {
      throw new IllegalArgumentException("this command needs a store directory, and --store '" + location
          + "' is object storage");
    }
    if (s3Endpoint != null || s3Region != null) {
      throw new IllegalArgumentException("--s3-endpoint and --s3-region apply to an s3:// --store only");
    }
    return Path.of(location);
  }

  /** Opens the store, creating a directory store if missing (for commands that publish). */
  ModelStore openOrCreate() {
    if (isObjectStore()) {
      return open();
    }
    Path directory = directory();
    checkNotAFile(directory);
    return ModelStore.open(directory, security());
  }

  private static void checkNotAFile(Path directory) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new StoreException("--store '" + directory + "' is a file, not a model store directory; "
          + "give the directory that holds the models");
    }
  }

  @Override
  public String toString() {
    return location;
  }
}
