package dev.maas.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a {@link ModelFormat} writes the files of one artifact; a store hands one to {@link
 * ModelFormat#write} and publishes what was written only if the write completes.
 *
 * <p>Artifact file names follow one rule, {@link #FILE_NAME_RULE}, checked by {@link
 * #isValidFileName}: every store applies it, and a format can check its names up front.
 *
 * <p>Instances are used by one thread at a time.
 */
public interface ArtifactWriter {
  /** The rule for artifact file names, as messages and docs state it. */
  String FILE_NAME_RULE = "1 to 128 characters: letters, digits, '.', '_' and '-', starting with a letter or digit,"
      + " not ending with '.', and not maas-version.json (the store's own file)";

  /**
   * Whether {@code fileName} may name an artifact file: see {@link #FILE_NAME_RULE}. Such a name is
   * one plain file name on every common file system and never leaves the version's directory.
   */
  static boolean isValidFileName(String fileName) {
    return fileName != null && ArtifactFileNames.VALID.matcher(fileName).matches() && !fileName.endsWith(".")
        && !fileName.equals(ArtifactFileNames.METADATA_FILE);
  }

  /**
   * Creates the file {@code fileName} and returns a stream the caller writes it through and closes.
   *
   * @param fileName a name that {@link #isValidFileName} accepts
   * @throws dev.maas.StoreException if the name is not allowed or was already created
   */
  OutputStream create(String fileName) throws IOException;
}
