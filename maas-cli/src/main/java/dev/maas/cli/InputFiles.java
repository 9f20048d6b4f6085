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
}
