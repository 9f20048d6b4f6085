package dev.maas.spi;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Where a model store keeps its data when that is not a local directory (object storage, for
 * example): the storage primitives on which MaaS builds the whole {@link dev.maas.ModelStore} API
 * (formats, checksums, references, lineage, listeners, watching). A {@link StoreProvider} opens
 * one; {@link dev.maas.ModelStore#open(java.net.URI, Map)} wraps it.
 *
 * <p>Records and alias tables are opaque bytes to a backend: MaaS writes and parses them. A
 * backend guarantees that a version becomes visible only with its record, that {@link #commit}
 * gives each version number out once even to publishers on different machines, and that {@link
 * #replaceAliases} is a compare-and-swap.
 *
 * <p>Implementations are thread-safe.
 */
public interface StoreBackend extends AutoCloseable {
  /** Where the store lives, for messages (for example {@code s3://bucket/prefix}); no secrets. */
  String location();

  /** The names of the models that have at least one version record, in any order; not validated. */
  List<String> modelNames() throws IOException;

  /** The numbers of the versions of {@code model} that exist (deleted ones left out), ascending. */
  List<Integer> versionNumbers(String model) throws IOException;

  /** The record of version {@code version} of {@code model}, if that version exists. */
  Optional<byte[]> readRecord(String model, int version) throws IOException;

  /** Starts an upload of the artifact files of a new version of {@code model}; nothing is visible yet. */
  Upload upload(String model) throws IOException;

  /**
   * Makes the files of {@code upload} a new version of {@code model}: takes the lowest number
   * above every number the model has ever used, stores {@code record.apply(number)} with a
   * create-only write, and tries the next number when another publisher took it first.
   *
   * @return the number the version got
   */
  int commit(String model, Upload upload, IntFunction<byte[]> record) throws IOException;

  /** The alias table of {@code model} with the tag that {@link #replaceAliases} compares. */
  AliasTable readAliases(String model) throws IOException;

  /**
   * Replaces the alias table of {@code model} with {@code content} if it is still {@code expected}
   * (compared by tag; an absent table by absence).
   *
   * @return whether the table was replaced; false if another writer changed it first
   */
  boolean replaceAliases(String model, AliasTable expected, byte[] content) throws IOException;

  /** Deletes version {@code version} of {@code model} so that its number is never given out again. */
  void deleteVersion(String model, int version) throws IOException;

  /**
   * The files of version {@code version} of {@code model}, which {@code files} names with their
   * SHA-256; MaaS checks them against those sums before a format reads them.
   */
  ArtifactReader reader(String model, int version, Map<String, String> files) throws IOException;

  /**
   * A value that changes whenever a version or an alias may have changed anywhere in the store,
   * cheaper to read than a full listing; empty when the backend has none, and every look lists.
   */
  default Optional<String> changeToken() throws IOException {
    return Optional.empty();
  }

  /**
   * A file kept beside the record of version {@code version} of {@code model} rather than among its
   * artifacts (its encryption record {@code maas-encryption.json}, its signature {@code model.sig}),
   * if it has one. The default keeps none.
   */
  default Optional<byte[]> readVersionFile(String model, int version, String fileName) throws IOException {
    return Optional.empty();
  }

  /**
   * Writes, or replaces, such a file of an existing version (a signature added after publishing).
   * The default refuses.
   */
  default void writeVersionFile(String model, int version, String fileName, byte[] content) throws IOException {
    throw new IOException(location() + " cannot keep " + fileName + " files");
  }

  /** Releases what the backend holds. Idempotent. */
  @Override
  void close();

  /** Artifact files being uploaded for a version that is not yet visible. Used by one thread. */
  interface Upload {
    /** Where the format writes the files. */
    ArtifactWriter writer();

    /** File name to SHA-256 (lower-case hex) of every file written, once the writer is done. */
    Map<String, String> digests() throws IOException;

    /** Removes whatever a commit did not make part of a version. Idempotent; best effort. */
    void discard();

    /**
     * Writes a file the version keeps beside its record (see {@link #readVersionFile}), before the
     * commit makes the version visible; called from the record function given to {@link #commit},
     * possibly once per version number tried. The default refuses.
     */
    default void writeVersionFile(String fileName, byte[] content) throws IOException {
      throw new IOException("this store cannot keep " + fileName + " files");
    }
  }

  /**
   * A model's alias table as read: its content, if it exists, and the tag that identifies this
   * content for a compare-and-swap (an ETag, for example).
   *
   * @param content the table's bytes, empty if the model has no alias table
   * @param tag identifies the content read; empty exactly when {@code content} is
   */
  record AliasTable(Optional<byte[]> content, Optional<String> tag) {
    /** Validates the components. */
    public AliasTable {
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(tag, "tag");
      if (content.isPresent() != tag.isPresent()) {
        throw new IllegalArgumentException("an alias table has a tag exactly when it has content");
      }
    }

    /** The table of a model that has none. */
    public static AliasTable absent() {
      return new AliasTable(Optional.empty(), Optional.empty());
    }
  }
}
