package dev.maas.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a file named on the command line before a command reads it, so the error names the option. Stateless. */
final class InputFiles {
  private InputFiles() {}

  /**
   * Returns {@code file} if it is a readable regular file (or a device such as standard input).
   *
   * @param option the option or parameter that named it, for example {@code --request}
   * @param expected what the file should hold, for example {@code "an inference request JSON file"}
   */
  static Path requireReadable(Path file, String option, String expected) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " '" + file + "' is a directory; give " + expected);
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(option + " '" + file + "': no such file (looked in "
          + file.toAbsolutePath().getParent() + "); give " + expected);
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " '" + file + "' cannot be read (permission denied)");
    }
    return file;
  }

  /** Checks that {@code file} can be created: its directory exists and it is not a directory itself. */
  static Path requireWritable(Path file, String option) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " '" + file + "' is a directory; give a file name to write");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException(option + " '" + file + "': directory " + parent + " does not exist");
    }
    return file;
  }

  /**
   * A new empty file in {@code output}'s directory, named {@code .<prefix><random><suffix>}, created
   * with the permissions the umask gives (unlike {@code Files.createTempFile}, which forces 0600):
   * it becomes {@code output} by a rename, and a user's output file should be as readable as any
   * other file they write.
   */
  static Path createTempBeside(Path output, String prefix, String suffix) throws java.io.IOException {
    Path directory = output.toAbsolutePath().getParent();
    java.security.SecureRandom random = new java.security.SecureRandom();
    for (int attempt = 0; ; attempt++) {
      Path candidate = directory.resolve("." + prefix + Long.toUnsignedString(random.nextLong(), 36) + suffix);
      try {
        return java.nio.file.Files.createFile(candidate);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }
}
