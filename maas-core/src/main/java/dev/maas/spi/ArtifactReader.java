package dev.maas.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The files of one stored artifact, as a {@link ModelFormat} reads them back. The store has
 * already checked every file against its recorded SHA-256.
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
   * The directory that holds the files, when they live in one on the local file system (needed by
   * formats whose runtimes read files by path); empty for in-memory artifacts.
   */
  Optional<Path> directory();
}
