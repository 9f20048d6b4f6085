package dev.maas.cli;

import dev.maas.BatchingOptions;
import dev.maas.ModelStore;
import dev.maas.http.InferenceServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code maas serve --store DIR}: serves every model of a store over the Open Inference Protocol
 * until SIGINT or SIGTERM, then stops gracefully.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve every model in the store over the Open Inference Protocol (HTTP/REST) until Ctrl-C.",
    footerHeading = "%nExamples:%n",
    footer = {"  maas serve --store ./maas-store --port 8080",
        "  curl -d @request.json http://127.0.0.1:8080/v2/models/demo/infer",
        "",
        "Exit status:",
        "  130, 143  stopped gracefully by Ctrl-C (SIGINT) or SIGTERM",
        "  1         the server cannot start (store, port, TLS files)",
        "  2         usage error"})
final class ServeCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "The address to bind (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
      description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--serving-alias", paramLabel = "ALIAS", defaultValue = "production",
      description = "The alias served when a request names no version (default: ${DEFAULT-VALUE}); "
          + "models without it serve their latest version.")
  String servingAlias;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Require 'Authorization: Bearer TOKEN' with one of the tokens in FILE (one a line).")
  Path tokenFile;

  @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Serve HTTPS with this PKCS#12 keystore.")
  Path tlsKeystore;

  @Option(names = "--tls-password-file", paramLabel = "FILE", description = "The keystore's password, in a file.")
  Path tlsPasswordFile;

  @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "64MiB",
      description = "The largest request body, such as 64MiB or 512KiB (default: ${DEFAULT-VALUE}).")
  String maxBody;

  @Option(names = "--read-timeout", paramLabel = "DURATION", defaultValue = "30s",
      description = "How long a request (request line, headers and body) may take to arrive before its "
          + "connection is closed, such as 30s or 500ms (default: ${DEFAULT-VALUE}; whole seconds).")
  String readTimeout;

  @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "60s",
      description = "How long the server may take over a request once it has arrived, computing and sending the "
          + "answer, before the connection is closed: a client that stops reading cannot hold a thread, such as "
          + "120s (default: ${DEFAULT-VALUE}; whole seconds).")
  String responseTimeout;

  @Option(names = "--batch-max-rows", paramLabel = "N",
      description = "Turn on dynamic batching: merge queued requests into backend calls of up to N rows "
          + "(off by default; see docs/http-api.md).")
  Integer batchMaxRows;

  @Option(names = "--batch-delay", paramLabel = "DURATION", defaultValue = "0ms",
      description = "With --batch-max-rows: how long a request may wait for others to join its call, "
          + "such as 2ms (default: ${DEFAULT-VALUE}).")
  String batchDelay;

  @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "2s",
      description = "How often to look for versions and alias moves made by other processes or machines, such as "
          + "500ms (default: ${DEFAULT-VALUE}).")
  String pollInterval;

  @Option(names = "--memory-budget", paramLabel = "SIZE",
      description = "Load models on first request and unload the least recently used idle ones so that the "
          + "loaded models weigh at most SIZE together, such as 2GiB (default: every model loaded at start; "
          + "see docs/multi-model.md).")
  String memoryBudget;

  @Option(names = "--keep-loaded", paramLabel = "NAME", split = ",",
      description = "With --memory-budget: models loaded at start and never unloaded (they count against "
          + "the budget), such as --keep-loaded fraud,churn.")
  java.util.List<String> keepLoaded = new java.util.ArrayList<>();

  @Option(names = "--drift-window", paramLabel = "WINDOW", defaultValue = "10000",
      description = "What drift is measured over, for versions stored with a reference: the last N rows (10000), "
          + "the last stretch of time (30m, 1h, 600s) or everything since start (all) (default: ${DEFAULT-VALUE}; "
          + "see docs/monitoring.md).")
  String driftWindow;

  @Option(names = "--drift-max-features", paramLabel = "N", defaultValue = "100",
      description = "The most features tracked per monitored version, outputs first, which bounds the metric "
          + "series each version adds (default: ${DEFAULT-VALUE}).")
  int driftMaxFeatures;

  @Option(names = "--shadow-tolerance", paramLabel = "X", defaultValue = "1e-6",
      description = "The largest absolute difference between a shadow version's output and the live one that "
          + "still counts as agreement (default: ${DEFAULT-VALUE}; see maas models alias --shadow).")
  double shadowTolerance;

  @Option(names = "--shadow-queue", paramLabel = "N", defaultValue = "64",
      description = "Copies of requests that may wait for a shadow version; more are dropped and counted "
          + "(default: ${DEFAULT-VALUE}).")
  int shadowQueue;

  @Override
  public Integer call() throws IOException {
    if (!(shadowTolerance >= 0) || Double.isInfinite(shadowTolerance)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--shadow-tolerance must be a finite number of 0 or more, got " + shadowTolerance);
    }
    if (shadowQueue < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--shadow-queue must be 1 or more, got "
          + shadowQueue);
    }
    if (!keepLoaded.isEmpty() && memoryBudget == null) {
      throw new IllegalArgumentException("--keep-loaded needs --memory-budget");
    }
    if ((tlsKeystore == null) != (tlsPasswordFile == null)) {
      throw new IllegalArgumentException("--tls-keystore and --tls-password-file go together");
    }
    System.setProperty("java.util.logging.SimpleFormatter.format", "maas: %5$s%6$s%n");
    ConsoleLogging.showWarnings();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ModelStore models = store.open();
    InferenceServer.Builder builder = InferenceServer.builder().store(models).host(host).port(port)
        .servingAlias(servingAlias).maxBodyBytes(parseSize("--max-body", maxBody))
        .readTimeout(parseDuration("--read-timeout", readTimeout))
        .responseTimeout(parseDuration("--response-timeout", responseTimeout))
        .pollInterval(parseDuration("--poll-interval", pollInterval));
    builder.monitoring(dev.maas.monitor.MonitorOptions.builder().window(parseWindow(driftWindow))
        .maxFeatures(checkFeatures(driftMaxFeatures)).build());
    builder.shadowTolerance(shadowTolerance).shadowQueue(shadowQueue);
    warnAboutExposure(err);
    if (memoryBudget != null) {
      builder.modelMemoryBudget(parseSize("--memory-budget", memoryBudget)).keepLoaded(keepLoaded);
    }
    if (batchMaxRows != null) {
      builder.batching(BatchingOptions.builder().maxBatchRows(batchMaxRows).maxQueueDelay(parseDuration("--batch-delay", batchDelay))
          .build());
    }
    if (tokenFile != null) {
      builder.bearerTokensFile(tokenFile);
    }
    if (tlsKeystore != null) {
      char[] password = Files.readString(tlsPasswordFile, StandardCharsets.UTF_8).strip().toCharArray();
      builder.tls(tlsKeystore, password);
    }
    InferenceServer server;
    try {
      server = builder.build();
    } catch (RuntimeException e) {
      models.close();
      if (e.getMessage() != null && e.getMessage().contains("Address already in use")) {
        throw new IllegalArgumentException("port " + port + " is in use; choose another with --port", e);
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      err.println("maas: stopping (finishing requests in flight)");
      err.flush();
      server.close();
      models.close();
      err.println("maas: stopped");
      err.flush();
      stopped.countDown();
    }, "maas-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    server.start();
    Map<String, String> serving = new TreeMap<>(server.servingVersions());
    for (Map.Entry<String, String> e : serving.entrySet()) {
      out.println("serving " + e.getKey() + " version " + e.getValue() + " at " + server.uri() + "/v2/models/"
          + e.getKey());
    }
    out.println("listening on " + server.uri() + (serving.isEmpty() ? " (the store has no loadable model yet)" : "")
        + "; Ctrl-C stops");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * One warning line each for a server reachable from other machines without tokens or without
   * TLS, and for a token or password file that other users of this machine may read.
   */
  private void warnAboutExposure(PrintWriter err) {
    boolean loopback;
    try {
      loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      loopback = false;
    }
    if (!loopback && tokenFile == null) {
      err.println("maas: warning: serving on " + host + " beyond this machine without --token-file: "
          + "anyone who can reach the port can run and reload models");
    }
    if (!loopback && tlsKeystore == null) {
      err.println("maas: warning: serving on " + host + " beyond this machine without --tls-keystore: "
          + "requests, answers and tokens cross the network in clear text");
    }
    for (Path secret : new Path[] {tokenFile, tlsPasswordFile}) {
      if (secret != null && readableByOthers(secret)) {
        err.println("maas: warning: " + secret + " can be read by other users of this machine; "
            + "restrict it (chmod 600)");
      }
    }
    err.flush();
  }

  private static boolean readableByOthers(Path file) {
    try {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
          || p.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ);
    } catch (UnsupportedOperationException | IOException e) {
      return false; // not a POSIX file system, or unreadable: the server's own read reports that
    }
  }

  private static Duration parseDuration(String option, String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(us|ms|s)").matcher(text.trim());
    if (!m.matches() || (option.endsWith("-timeout") && Long.parseLong(m.group(1)) == 0)) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a duration such as 2ms, 500us or 1s");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "us" -> Duration.ofNanos(n * 1000);
      case "ms" -> Duration.ofMillis(n);
      default -> Duration.ofSeconds(n);
    };
  }

  static dev.maas.monitor.Window parseWindow(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("all")) {
      return dev.maas.monitor.Window.unbounded();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})(s|m|h)?").matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      if (m.group(2) == null && n >= 10) {
        return dev.maas.monitor.Window.ofRows(n);
      }
      if (m.group(2) != null && n > 0) {
        return dev.maas.monitor.Window.ofDuration(switch (m.group(2)) {
          case "h" -> Duration.ofHours(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofSeconds(n);
        });
      }
    }
    throw new IllegalArgumentException("--drift-window: '" + text + "' is not a window such as 10000 (rows, at least"
        + " 10), 30m, 1h or all");
  }

  private static int checkFeatures(int n) {
    if (n < 1 || n > 10_000) {
      throw new IllegalArgumentException("--drift-max-features must be 1 to 10000, got " + n);
    }
    return n;
  }

  private static long parseSize(String option, String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    String[][] suffixes = {{"GIB", "30"}, {"GB", "30"}, {"G", "30"}, {"MIB", "20"}, {"MB", "20"}, {"M", "20"},
        {"KIB", "10"}, {"KB", "10"}, {"K", "10"}, {"B", "0"}};
    for (String[] s : suffixes) {
      if (t.endsWith(s[0])) {
        unit = 1L << Integer.parseInt(s[1]);
        t = t.substring(0, t.length() - s[0].length()).trim();
        break;
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(t), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a size such as 64MiB or 512KiB", e);
    }
  }
}
