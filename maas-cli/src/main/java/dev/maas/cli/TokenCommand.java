package dev.maas.cli;

import dev.maas.http.TokenFile;
import dev.maas.http.TokenPermission;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code maas token add --file tokens.txt --label NAME --models GLOB,...}: adds a scoped token for {@code maas serve}. */
@Command(name = "token", mixinStandardHelpOptions = true, subcommands = TokenCommand.Add.class,
    description = "Manage the access tokens of maas serve --token-file.",
    footerHeading = "%nExample:%n",
    footer = {"  maas token add --file tokens.txt --label fraud-team --models 'fraud-*' \\", "      --explain"})
final class TokenCommand {
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Create a random token, append its SHA-256 with its scopes to the token file, and print the token "
          + "(once: the file keeps only its digest). A running server picks the change up without a restart.",
      footerHeading = "%nExample:%n",
      footer = {"  maas token add --file tokens.txt --label fraud-team --models 'fraud-*' \\", "      --explain"})
  static final class Add implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The token file (created if missing).")
    Path file;

    @Option(names = "--label", required = true, paramLabel = "NAME", description = "A name for the token in the file.")
    String label;

    @Option(names = "--models", split = ",", paramLabel = "GLOB",
        description = "The models the token may use: names or globs with * and ? (default: none).")
    List<String> models = new ArrayList<>();

    @Option(names = "--repository", description = "May use the repository extension (index, load, unload).")
    boolean repository;

    @Option(names = "--metrics", description = "May read /metrics.")
    boolean metrics;

    @Option(names = "--explain", description = "May request explanations.")
    boolean explain;

    @Override
    public Integer call() {
      Set<TokenPermission> permissions = EnumSet.noneOf(TokenPermission.class);
      if (repository) {
        permissions.add(TokenPermission.REPOSITORY);
      }
      if (metrics) {
        permissions.add(TokenPermission.METRICS);
      }
      if (explain) {
        permissions.add(TokenPermission.EXPLAIN);
      }
      spec.commandLine().getOut().println(TokenFile.addToken(file, label, models, permissions));
      return 0;
    }
  }
}
