package dev.maas;

import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded model, ready to predict: its {@link ModelSignature}, descriptive metadata, and the
 * {@link Predictor} that runs it. A model may hold native memory (an ONNX Runtime session, say);
 * {@link #close()} frees it.
 *
 * <p>Implementations are thread-safe: {@link #predictor()} may be called and its predictor used
 * from many threads at once. {@link #close()} is idempotent; it waits for calls in flight, and any
 * prediction started after it throws {@link IllegalStateException}.
 */
public interface Model extends AutoCloseable {
  /**
   * Opens the model in the single artifact file {@code file} (an {@code .onnx} file, say) with the
   * first format found by {@link java.util.ServiceLoader} that recognizes it. The caller owns the
   * model and closes it.
   *
   * @throws ModelLoadException if no format recognizes the file or the file cannot be opened
   */
  static Model open(Path file) {
    return Formats.discover().open(file);
  }

  /** The inputs the model takes and the outputs it returns. */
  ModelSignature signature();

  /** Descriptive facts about the model that its format knows (producer, opset, feature names, ...). */
  Map<String, String> metadata();

  /**
   * The predictor that runs this model. It validates every request against {@link #signature()}
   * before the backend sees it. The same instance may be returned on every call.
   *
   * @throws IllegalStateException if the model is closed
   */
  Predictor predictor();

  /** Frees what the model holds, after predictions in flight finish. Idempotent. */
  @Override
  void close();
}
