package dev.maas.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code maas} command line in a real child JVM with this test's class path, the way a
 * user's shell would, and captures its exit status, stdout and stderr.
 */
final class CliProcess {
  private CliProcess() {}

  /** What one run of the command produced. */
  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(Path workingDirectory, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      var stdout = process.getInputStream();
      var stderr = process.getErrorStream();
      var err = new java.util.concurrent.CompletableFuture<String>();
      Thread reader = new Thread(() -> {
        try {
          err.complete(new String(stderr.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          err.completeExceptionally(e);
        }
      });
      reader.start();
      String out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("maas " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Result(process.exitValue(), out, err.get(30, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
