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
        // the Java API offers no callback to route it: it is kept to fatal errors, and every failure
        // reaches MaaS as the OrtException of the call, logged with its model by the caller
        env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, NAME, threading);
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
