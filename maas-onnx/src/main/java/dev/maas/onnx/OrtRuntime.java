package dev.maas.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import dev.maas.ModelLoadException;

/**
 * The process's one ONNX Runtime environment, created on first use with process-wide thread pools
 * that sessions built with {@link OnnxOptions.ThreadPools#SHARED} use. If another library created
 * the environment first, the shared pools are missing and such sessions are refused.
 *
 * <p>Thread-safe: initialisation happens once, under the class-initialisation lock.
 */
final class OrtRuntime {
  private static final System.Logger LOG = System.getLogger(OrtRuntime.class.getName());
  private static final String NAME = "maas";

  private OrtRuntime() {}

  private static final class Holder {
    static final OrtEnvironment ENV;
    static final boolean SHARED_POOLS;
    static final Throwable FAILURE;

    static {
      OrtEnvironment env = null;
      boolean shared = false;
      Throwable failure = null;
      try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
        threading.setGlobalIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        threading.setGlobalInterOpNumThreads(1);
        threading.setGlobalSpinControl(false);
        // ONNX Runtime's own sink writes to stderr with terminal colour codes and no model name, and
        // the Java API offers no callback to route it: it is kept to fatal errors (unless the
        // maas.onnx.log-level property asks for more, for debugging), and every failure reaches
        // MaaS as the OrtException of the call, logged with its model by the caller
        env = OrtEnvironment.getEnvironment(logLevel(System.getProperty(LOG_LEVEL_PROPERTY)), NAME, threading);
        shared = true;
      } catch (IllegalStateException e) {
        LOG.log(System.Logger.Level.INFO,
            "ONNX Runtime environment was created before MaaS; shared thread pools are unavailable");
        env = OrtEnvironment.getEnvironment();
      } catch (OrtException | LinkageError | RuntimeException e) {
        failure = e;
      }
      ENV = env;
      SHARED_POOLS = shared;
      FAILURE = failure;
    }
  }

  /** The system property that sets ONNX Runtime's own log level: verbose, info, warning, error or fatal (the default). */
  static final String LOG_LEVEL_PROPERTY = "maas.onnx.log-level";

  /** The level {@code value} of {@link #LOG_LEVEL_PROPERTY} names; fatal when absent or unknown (with a warning). */
  static OrtLoggingLevel logLevel(String value) {
    if (value == null || value.isBlank()) {
      return OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
    }
    switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "verbose":
        return OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
      case "info":
        return OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO;
      case "warning":
        return OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
      case "error":
        return OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
      case "fatal":
        return OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
      default:
        LOG.log(System.Logger.Level.WARNING, LOG_LEVEL_PROPERTY + "=" + value + " is not one of verbose, info, "
            + "warning, error, fatal; ONNX Runtime logs fatal errors only");
        return OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
    }
  }

  private static final java.util.regex.Pattern TERMINAL_CODES = java.util.regex.Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

  /** The message of {@code e} without terminal colour codes, fit for a log line or an error answer. */
  static String message(OrtException e) {
    return TERMINAL_CODES.matcher(String.valueOf(e.getMessage())).replaceAll("");
  }

  /** The environment. */
  static OrtEnvironment environment() {
    if (Holder.ENV == null) {
      throw new ModelLoadException("ONNX Runtime could not be loaded on this platform ("
          + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): " + Holder.FAILURE, Holder.FAILURE);
    }
    return Holder.ENV;
  }

  /** Whether the environment has the process-wide pools that shared-pool sessions need. */
  static boolean hasSharedPools() {
    environment();
    return Holder.SHARED_POOLS;
  }

  /** The ONNX Runtime version. */
  static String version() {
    return environment().getVersion();
  }
}
