package dev.maas.cli;

import dev.maas.MaasException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Turns whatever a command threw into the one line {@code maas} prints on stderr and the exit
 * status it returns (see docs/cli.md, "Exit codes"). Stateless.
 */
final class Failures {
  /** The command ran and failed: bad input, a missing file, a store that refuses. */
  static final int FAILED = 1;
  /** The command line itself was wrong (picocli's usage error). */
  static final int USAGE = 2;
  /** A bug in maas: an exception no command expects. */
  static final int INTERNAL = 3;
  /** The JVM ran out of memory. */
  static final int OUT_OF_MEMORY = 4;

  /** Longest message printed; the rest of a longer one is cut (a CSV cell can be megabytes). */
  private static final int MAX_MESSAGE = 2000;

  private Failures() {}

  /** The exit status for {@code failure}. */
  static int exitCode(Throwable failure) {
    if (failure instanceof OutOfMemoryError) {
      return OUT_OF_MEMORY;
    }
    return expected(failure) ? FAILED : INTERNAL;
  }

  /** Whether {@code failure} is one a user causes and can fix (bad input, files, the store). */
  static boolean expected(Throwable failure) {
    return failure instanceof MaasException || failure instanceof IllegalArgumentException
        || failure instanceof IOException || failure instanceof UncheckedIOException
        || failure instanceof CommandFailedException;
  }

  /** The one line to print, without the {@code maas: } prefix. */
  static String message(Throwable failure) {
    String text;
    if (failure instanceof OutOfMemoryError) {
      text = String.format(Locale.ROOT, "out of memory (the JVM may use at most %d MiB); give it more, "
          + "for example MAAS_JAVA_OPTS=-Xmx8g ./maas ..., or use a smaller input",
          Runtime.getRuntime().maxMemory() >> 20);
    } else if (failure instanceof StackOverflowError) {
      text = "the input is nested too deeply to process (stack overflow)";
    } else if (failure instanceof UncheckedIOException u && u.getCause() != null) {
      text = io(u.getCause());
    } else if (failure instanceof IOException io) {
      text = io(io);
    } else if (expected(failure)) {
      text = String.valueOf(failure.getMessage());
    } else {
      StackTraceElement where = failure.getStackTrace().length > 0 ? failure.getStackTrace()[0] : null;
      text = "internal error: " + failure.getClass().getSimpleName()
          + (failure.getMessage() != null ? ": " + failure.getMessage() : "")
          + (where != null ? " (at " + where.getClassName() + "." + where.getMethodName() + ":" + where.getLineNumber()
              + ")" : "")
          + "; this is a bug in maas: run again with --verbose and report the stack trace";
    }
    return oneLine(text);
  }

  /** An I/O failure in words: what happened to which file. */
  static String io(IOException e) {
    if (e instanceof NoSuchFileException f) {
      return "no such file or directory: " + f.getFile();
    }
    if (e instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (e instanceof NotDirectoryException f) {
      return "not a directory: " + f.getFile();
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "already exists: " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String reason = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      return f.getFile() + ": " + reason.toLowerCase(Locale.ROOT);
    }
    return e.getMessage() != null ? e.getMessage() : "I/O error (" + e.getClass().getSimpleName() + ")";
  }

  /** {@code text} on one line, at most {@value #MAX_MESSAGE} characters. */
  static String oneLine(String text) {
    String line = text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ')
        .replaceAll("\\s*\\(start marker at \\[Source: [^\\]]*\\]\\)", "")
        .replaceAll("\\s*at \\[Source: [^\\]]*\\]", "");
    if (line.length() > MAX_MESSAGE) {
      line = line.substring(0, MAX_MESSAGE) + "... (" + (line.length() - MAX_MESSAGE) + " more characters)";
    }
    return line;
  }

  /** A failure a command reports itself, with its message already written for the user. */
  static final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailedException(String message) {
      super(message);
    }
  }
}
