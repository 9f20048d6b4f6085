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
      "  maas train --data sales.csv --target revenue --store maas-store --name sales",
      "  maas evaluate sales --store maas-store --data holdout.csv --target revenue",
      "  maas predict sales --store maas-store --input new.csv --output scores.csv",
      "",
      "Exit codes: 0 success, 1 the command failed (the reason is on stderr), 2 usage error,",
      "3 internal error (a bug: run with --verbose and report it), 4 out of memory.",
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
