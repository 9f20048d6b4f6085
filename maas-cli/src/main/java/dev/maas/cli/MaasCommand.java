package dev.maas.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code maas} command: the root that holds every subcommand. */
@Command(
    name = "maas",
    mixinStandardHelpOptions = true,
    versionProvider = MaasCommand.Version.class,
    description = "Train, store, evaluate and serve models.",
    subcommands = {
      CommandLine.HelpCommand.class,
      TrainCommand.class,
      ModelsCommand.class,
      ImportCommand.class,
      InferCommand.class,
      OptimizeCommand.class,
      BenchCommand.class,
      ExplainCommand.class,
      ServeCommand.class,
    })
final class MaasCommand {
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"maas " + dev.maas.MaasVersion.VERSION};
    }
  }
}
