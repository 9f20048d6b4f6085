package dev.maas;

import dev.maas.internal.Sha256;
import java.util.Objects;

/**
 * Where a model version came from: the data it was trained on and the code that made it.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param dataSource what the training data was (a file name, a table), or empty if unknown
 * @param dataFingerprint a digest of the training data (such as {@code sha256:...}), or empty
 * @param rowCount the number of training rows, or -1 if unknown
 * @param libraryVersion the MaaS version that published the model; the store fills it in when empty
 */
public record Lineage(String dataSource, String dataFingerprint, long rowCount, String libraryVersion) {
  /** No known lineage. */
  public static final Lineage UNKNOWN = new Lineage("", "", -1, "");

  /** Validates the components. */
  public Lineage {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(dataFingerprint, "dataFingerprint");
    Objects.requireNonNull(libraryVersion, "libraryVersion");
    if (rowCount < -1) {
      throw new InvalidInputException("rowCount must be -1 (unknown) or >= 0, got " + rowCount);
    }
  }

  /** Lineage of a model trained on {@code rowCount} rows from {@code dataSource} with that fingerprint. */
  public static Lineage of(String dataSource, String dataFingerprint, long rowCount) {
    return new Lineage(dataSource, dataFingerprint, rowCount, "");
  }

  /**
   * Lineage of a model trained on {@code rowCount} rows read from {@code dataFile}: its file name
   * as the source and {@code sha256:<hex>} of its content as the fingerprint.
   *
   * @throws InvalidInputException if the file cannot be read
   */
  public static Lineage ofFile(java.nio.file.Path dataFile, long rowCount) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(dataFile)) {
      return of(dataFile.getFileName().toString(), "sha256:" + Sha256.of(in), rowCount);
    } catch (java.io.IOException e) {
      throw new InvalidInputException("cannot read training data " + dataFile + " to fingerprint it: " + e, e,
          MaasException.Context.ofFile(dataFile));
    }
  }

  /** This lineage with the library version set. */
  public Lineage withLibraryVersion(String version) {
    return new Lineage(dataSource, dataFingerprint, rowCount, version);
  }
}
