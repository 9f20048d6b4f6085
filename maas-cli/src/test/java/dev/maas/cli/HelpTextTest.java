package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every {@code --help} page, as printed by a real {@code maas} process: it fits 80 columns (so
 * nothing wraps in a terminal of that width and an example pastes whole), and every command shows
 * at least one example.
 */
class HelpTextTest {
  @TempDir Path dir;

  @Test
  void everyHelpPage_fitsEightyColumnsAndShowsAnExample() {
    List<List<String>> commands = new ArrayList<>();
    Map<List<String>, CommandLine> specs = new java.util.HashMap<>();
    commands.add(List.of());
    CommandLine root = new CommandLine(new MaasCommand());
    specs.put(List.of(), root);
    collect(root, new ArrayList<>(), commands, specs);
    assertThat(commands).hasSizeGreaterThan(15);
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      CliProcess.Result r = CliProcess.run(dir, args.toArray(new String[0]));
      String name = String.join(" ", command);
      assertThat(r.exitCode()).as(name + ": " + r.stderr()).isZero();
      for (String line : r.stdout().lines().toList()) {
        assertThat(line.length()).as("maas %s --help: %s", name, line).isLessThanOrEqualTo(80);
        assertThat(line.strip()).as("maas %s --help: a URL split across lines", name).doesNotStartWith("//");
      }
      String examples = r.stdout().substring(Math.max(0, r.stdout().indexOf("Example")));
      assertThat(examples).as("maas %s --help has an example", name).startsWith("Example")
          .contains("  maas " + (command.isEmpty() ? "" : name));
      // picocli wraps a footer line longer than the page into two short ones: each example line must
      // come out as written in the source
      List<String> printed = r.stdout().lines().toList();
      for (String footer : specs.get(command).getCommandSpec().usageMessage().footer()) {
        for (String line : String.format(footer).split("\\R")) {
          assertThat(printed).as("maas %s --help prints its example line unwrapped", name).contains(line);
        }
      }
      assertThat(r.stdout()).as("no picocli split-syntax noise").doesNotContain("...[,").doesNotContain("......");
    }
  }

  @Test
  void serveHelp_namesTheSignalStatuses_rootHelpListsCodeFive() {
    assertThat(CliProcess.run(dir, "serve", "--help").stdout()).contains("130, 143  stopped gracefully by Ctrl-C");
    assertThat(CliProcess.run(dir, "--help").stdout()).contains("  5  predict finished, but some rows");
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> out,
      Map<List<String>, CommandLine> specs) {
    for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
      if (sub.getKey().equals("help")) {
        continue;
      }
      List<String> next = new ArrayList<>(path);
      next.add(sub.getKey());
      out.add(next);
      specs.put(next, sub.getValue());
      collect(sub.getValue(), next, out, specs);
    }
  }
}
