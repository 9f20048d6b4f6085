package dev.maas.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a {@link ModelFormat} writes the files of one artifact; a store hands one to {@link
 * ModelFormat#write} and publishes what was written only if the write completes.
 *
 * <p>Instances are used by one thread at a time.
 */
public interface ArtifactWriter {
  /**
   * Creates the file {@code fileName} and returns a stream the caller writes it through and closes.
   *
   * @param fileName a plain file name: letters, digits, {@code . _ -}, not starting with a dot, not
   *     {@code maas-version.json}
   * @throws IllegalArgumentException if the name is not allowed or was already created
   */
  OutputStream create(String fileName) throws IOException;
}
