package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modules' descriptors hold together: the command runs as module {@code dev.maas.cli} on the
 * module path, and the store finds both formats through the {@code provides} clauses.
 */
class ModulePathTest {
  @TempDir Path dir;

  @Test
  void cli_onModulePath_trainsAndListsThroughDeclaredServices() throws Exception {
    String modulePath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains("test-classes") && !entry.endsWith("-tests.jar"))
        .filter(entry -> !entry.matches(".*(junit|assertj|opentest4j|apiguardian|byte-buddy|surefire).*"))
        // the test S3 server (s3proxy) and what only it needs
        .filter(entry -> !entry.matches(".*/(org/gaul|tools/jackson|io/opentelemetry"
            + "|com/google/(guava|jimfs|code/findbugs|errorprone|j2objc)|org/slf4j/(slf4j-nop|jcl-over-slf4j)|args4j"
            + "|com/fasterxml/jackson/core/jackson-annotations|org/checkerframework|org/jspecify)/.*"))
        .collect(Collectors.joining(File.pathSeparator));
    Path csv = Files.writeString(dir.resolve("d.csv"), "a,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n");
    String store = dir.resolve("store").toString();
    assertThat(run(modulePath, "train", "--data", csv.toString(), "--target", "y", "--store", store, "--name", "m"))
        .contains("m:1");
    assertThat(run(modulePath, "models", "show", "m", "--store", store)).contains("format       linear");
  }

  private String run(String modulePath, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", modulePath, "--module", "dev.maas.cli/dev.maas.cli.Main"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
