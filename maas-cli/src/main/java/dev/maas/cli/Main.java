package dev.maas.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Entry point of the {@code maas} command line. Each run builds its own command objects, so runs
 * share no state; {@link #main} may be called from one thread at a time.
 *
 * <p>No failure prints a stack trace unless {@code --verbose} is given: every error is one line on
 * stderr and a non-zero exit status ({@link Failures}).
 */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns its exit status: 0 on success, 1 when the command failed (the
   * reason is on stderr), 2 for a usage error, 3 for an internal error, 4 when out of memory.
   */
  static int run(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    ConsoleLogging.install(System.err, verbose);
    CommandLine cli;
    try {
      cli = new CommandLine(new MaasCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    } catch (RuntimeException | Error e) {
      return report(new PrintWriter(System.err, true), e, verbose);
    }
    cli.setUsageHelpWidth(80);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(commandLine.getErr(), e, verbose));
    cli.setParameterExceptionHandler((e, arguments) -> usageError(e, e.getCommandLine(), arguments));
    try {
      return cli.execute(args);
    } catch (RuntimeException | Error e) {
      return report(cli.getErr(), e, verbose);
    }
  }

  /**
   * A usage error in one line and a pointer to the command's help, never the whole usage: an
   * unknown option is named first (with the closest option it may mean), before any required option
   * it may have been meant to be.
   */
  private static int usageError(CommandLine.ParameterException e, CommandLine command, String[] args) {
    PrintWriter err = command.getErr();
    String unknown = UsageErrors.unknownOption(command.getCommandSpec(), args);
    err.println("maas: " + (unknown != null ? unknown : Failures.oneLine(e.getMessage())));
    err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return Failures.USAGE;
  }

  private static int report(PrintWriter err, Throwable e, boolean verbose) {
    Throwable failure = e instanceof CommandLine.ExecutionException && e.getCause() != null ? e.getCause() : e;
    try {
      err.println("maas: " + Failures.message(failure));
      if (verbose) {
        failure.printStackTrace(err);
      }
      err.flush();
    } catch (OutOfMemoryError again) {
      System.err.println("maas: out of memory");
    }
    return Failures.exitCode(failure);
  }
}
