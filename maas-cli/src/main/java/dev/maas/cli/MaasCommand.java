package dev.maas.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code maas} command: the root that holds every subcommand. */
@Command(
    name = "maas",
    mixinStandardHelpOptions = true,
    versionProvider = MaasCommand.Version.class,
    description = "Train, store, evaluate, export and score models.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  maas quickstart --port 0 --exit",
      "  maas train --data sales.csv --target revenue --store maas-store --name sales",
      "  maas predict sales --store maas-store --input new.csv --output scores.csv",
      "  maas help predict",
      "",
      "Exit codes:",
      "  0  success",
      "  1  the command failed; the reason is on stderr",
      "  2  usage error: an unknown command or option, a missing argument",
      "  3  internal error: a bug; run again with --verbose and report it",
      "  4  out of memory: give the JVM more (MAAS_JAVA_OPTS=-Xmx8g)",
      "  5  predict finished, but some rows could not be scored (listed on stderr)",
      "  130, 143  serve stopped by Ctrl-C (SIGINT) or SIGTERM",
    },
    subcommands = {
      CommandLine.HelpCommand.class,
      TrainCommand.class,
      QuickstartCommand.class,
      EvaluateCommand.class,
      PredictCommand.class,
      ExportCommand.class,
      ModelsCommand.class,
      ImportCommand.class,
      InferCommand.class,
      OptimizeCommand.class,
      MonitorCommand.class,
      BenchCommand.class,
      ExplainCommand.class,
      ServeCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      TokenCommand.class,
    })
final class MaasCommand {
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "On failure, print the stack trace after the one-line message.")
  boolean verbose;

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"maas " + dev.maas.MaasVersion.VERSION};
    }
  }
}
