package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/http-api.md's shell examples, run as a reader runs them: every {@code ```bash} block in page
 * order with bash in one directory, against a real {@code ./maas quickstart} server and the {@code
 * ./maas serve} servers the page starts (a block whose one command starts a server runs as a
 * background process, and the next block waits for its "listening" line). Only the ports change:
 * 8080, 8081 and 8443 become free ones. {@code ./maas} is a script that runs this build's
 * command line.
 */
class HttpApiDocsTest {
  private static final Pattern BASH_BLOCK = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL);
  private static final Pattern SERVER = Pattern.compile("(?m)\\A(?:#[^\n]*\n)*(\\./maas (?:quickstart|serve)[^\n]*?)"
      + "\\s*(?:#[^\n]*)?\n?\\z");

  @TempDir Path dir;

  @Test
  void everyShellExample_runsAgainstTheQuickstartServer() throws Exception {
    String page = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("docs/http-api.md"),
        StandardCharsets.UTF_8);
    Map<String, String> ports = Map.of("8080", freePort(), "8081", freePort(), "8443", freePort());
    Path maas = dir.resolve("maas");
    Files.writeString(maas, "#!/bin/sh\nexec '" + java("java") + "' -cp '" + System.getProperty("java.class.path")
        + "' " + Main.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(maas, PosixFilePermissions.fromString("rwxr-xr-x"));

    List<Process> servers = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    int servedBlocks = 0;
    try {
      StringBuilder script = new StringBuilder();
      Matcher blocks = BASH_BLOCK.matcher(page);
      while (blocks.find()) {
        String block = blocks.group(1);
        for (Map.Entry<String, String> port : ports.entrySet()) {
          block = block.replace(port.getKey(), port.getValue());
        }
        Matcher server = SERVER.matcher(block);
        if (server.matches()) {
          all.append(runScript(script.toString()));
          script.setLength(0);
          servers.add(startServer(server.group(1)));
          servedBlocks++;
        } else {
          script.append(block).append('\n');
        }
      }
      all.append(runScript(script.toString()));
    } finally {
      for (Process p : servers) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    String out = all.toString();
    assertThat(servedBlocks).as("the quickstart, the token server and the TLS server").isEqualTo(3);
    assertThat(out).as("no example answered an error").doesNotContain("\"error\"");
    assertThat(out).contains("HTTP/1.1 200", "\"name\":\"features\"", "\"model_version\":\"1\"",
        "\"model_version\":\"2\"", "\"name\":\"upper\"", "\"name\":\"attributions\"",
        "\"features\":\"area_m2,bedrooms,age_years,distance_km\"", "maas_http_requests_total");
    assertThat(out.toLowerCase(java.util.Locale.ROOT)).contains("inference-header-content-length")
        .contains("content-type: application/octet-stream");
    assertThat(out).as("the request without a token").containsPattern("(?m)401$");
    assertThat(out).as("curl trusted the certificate for 127.0.0.1 and localhost").containsPattern("(?m)^200$");
    assertThat(Files.readString(dir.resolve("tokens.txt"))).startsWith("#");
    assertThat(dir.resolve("server.crt")).isRegularFile();
  }

  /** Runs {@code script} with bash in the directory, failing on the first failing command; returns its output. */
  private String runScript(String script) throws Exception {
    if (script.isBlank()) {
      return "";
    }
    // stderr (curl's progress meters, keytool's notes) apart: the checks read what the examples print
    Path stderr = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(dir.toFile())
        .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    p.environment().put("PATH", Path.of(java("java")).getParent() + java.io.File.pathSeparator
        + System.getenv("PATH"));
    Process process = p.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s%n--- output ---%n%s%n--- stderr ---%n%s", script, output,
        Files.readString(stderr)).isZero();
    return output + "\n";
  }

  /** Starts {@code command} and returns once it says it serves. */
  private Process startServer(String command) throws IOException {
    ProcessBuilder b = new ProcessBuilder("bash", "-c", "exec " + command).directory(dir.toFile())
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process = b.start();
    BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = lines.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.contains("until Ctrl-C") || line.startsWith("listening on")) {
        Thread drain = new Thread(() -> {
          try {
            lines.transferTo(java.io.Writer.nullWriter());
          } catch (IOException ignored) {
            // the server was stopped
          }
        });
        drain.setDaemon(true);
        drain.start();
        return process;
      }
    }
    throw new AssertionError(command + " ended before serving:\n" + seen);
  }

  private static String freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return Integer.toString(s.getLocalPort());
    }
  }

  private static String java(String tool) {
    return Path.of(System.getProperty("java.home"), "bin", tool).toString();
  }
}
