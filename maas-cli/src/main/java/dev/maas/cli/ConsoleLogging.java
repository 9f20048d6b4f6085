package dev.maas.cli;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes the library's {@link System.Logger} records to stderr as one line each, never with a stack
 * trace unless {@code --verbose} is given. Without it only severe records are shown: the library's
 * warnings (for example a damaged alias table of a model the command does not touch) would add
 * lines to every command, and the damage is reported where it matters ({@code maas models list},
 * or the command that reads the damaged file). With {@code --verbose}, warnings and informational
 * records are shown, each followed by its stack trace.
 *
 * <p>Thread-safe: records are written whole under the stream's lock.
 */
final class ConsoleLogging extends Handler {
  private final PrintStream err;
  private final boolean verbose;

  private ConsoleLogging(PrintStream err, boolean verbose) {
    this.err = err;
    this.verbose = verbose;
  }

  /** Replaces the root logger's handlers with one that writes to {@code err}. */
  static void install(PrintStream err, boolean verbose) {
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    Level level = verbose ? Level.INFO : Level.SEVERE;
    ConsoleLogging handler = new ConsoleLogging(err, verbose);
    handler.setLevel(level);
    root.addHandler(handler);
    root.setLevel(level);
  }

  /**
   * Lets warnings through as well as errors (a long-running server's operator needs both: a
   * warm-up that failed, a model failing on requests); {@code --verbose} already shows more.
   */
  static void showWarnings() {
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      if (handler instanceof ConsoleLogging && handler.getLevel().intValue() > Level.WARNING.intValue()) {
        handler.setLevel(Level.WARNING);
      }
    }
    if (root.getLevel() == null || root.getLevel().intValue() > Level.WARNING.intValue()) {
      root.setLevel(Level.WARNING);
    }
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    String text = record.getMessage();
    if (record.getThrown() != null && record.getThrown().getMessage() != null) {
      text += ": " + record.getThrown().getMessage();
    }
    String prefix = record.getLevel().intValue() >= Level.WARNING.intValue() ? "maas: warning: " : "maas: ";
    synchronized (err) {
      err.println(prefix + Failures.oneLine(text));
      if (verbose && record.getThrown() != null) {
        record.getThrown().printStackTrace(err);
      }
    }
  }

  @Override
  public void flush() {
    err.flush();
  }

  @Override
  public void close() {
    flush();
  }
}
