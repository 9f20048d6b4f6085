package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  @Test
  void help_listsCommands_exitsZero() {
    CliProcess.Result result = CliProcess.run(dir, "--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("Usage: maas");
  }

  @Test
  void unknownCommand_exitsWithUsageError() {
    CliProcess.Result result = CliProcess.run(dir, "no-such-command");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("no-such-command");
  }
}
