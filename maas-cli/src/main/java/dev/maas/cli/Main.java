package dev.maas.cli;

import dev.maas.MaasException;
import picocli.CommandLine;

/** Entry point of the {@code maas} command line; each run builds its own command objects, so runs share no state. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns its exit status: 0 on success, 1 when the command failed
   * (the reason is on stderr), 2 for a usage error.
   */
  static int run(String... args) {
    CommandLine cli = new CommandLine(new MaasCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof MaasException || e instanceof IllegalArgumentException || e instanceof java.io.IOException
          || e instanceof java.io.UncheckedIOException) {
        commandLine.getErr().println("maas: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
