package dev.maas.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The files of one stored artifact, as a {@link ModelFormat} reads them back. The store has
 * already checked every file against its recorded SHA-256, and {@link #open} answers the bytes it
 * checked (held in memory), so a format that reads only through this reader loads exactly what was
 * checked, even if a file on disk is replaced meanwhile.
 *
 * <p>Instances are used by one thread at a time.
 */
public interface ArtifactReader {
  /** A short description of where the artifact lives, for error messages (for example a path). */
  String location();

  /** The names of the artifact's files. */
  Set<String> fileNames();

  /**
   * Opens file {@code fileName} for reading; the caller closes the stream.
   *
   * @throws java.nio.file.NoSuchFileException if the artifact has no such file
   */
  InputStream open(String fileName) throws IOException;

  /** The whole content of file {@code fileName}. */
  default byte[] readAllBytes(String fileName) throws IOException {
    try (InputStream in = open(fileName)) {
      return in.readAllBytes();
    }
  }

  /**
   * The directory the files were read from, when they live in one on the local file system; empty
   * for in-memory artifacts. For naming the model only: what is in the directory now has not been
   * checked, so formats read content through {@link #open}.
   */
  Optional<Path> directory();
}
