package dev.maas;

import dev.maas.store.Stores;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A loaded model, ready to predict: its {@link ModelSignature}, descriptive metadata, and the
 * {@link Predictor} that runs it. A model may hold native memory (an ONNX Runtime session, say);
 * closing it frees that memory.
 *
 * <p>Lifecycle, the same for every backend: {@link #close()} returns at once, without waiting;
 * from then on {@link #predictor()} and every call on a predictor of this model throw {@link
 * ModelClosedException}; calls already in flight finish normally; when the last of them returns,
 * the model frees what it holds (immediately, on the closing thread, if none is in flight). {@link
 * #closeAsync()} does the same and returns a future that completes once that memory is freed. A
 * server that swaps versions therefore never blocks a request thread to retire a model.
 *
 * <p>Implementations are thread-safe: {@link #predictor()} may be called and its predictor used
 * from many threads at once. Backends get this behaviour by extending {@link
 * dev.maas.spi.AbstractModel}.
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
    return Stores.openFile(file);
  }

  /** The inputs the model takes and the outputs it returns. */
  ModelSignature signature();

  /** Descriptive facts about the model that its format knows (producer, opset, feature names, ...). */
  Map<String, String> metadata();

  /**
   * The predictor that runs this model. It validates every request against {@link #signature()}
   * before the backend sees it. The same instance may be returned on every call.
   *
   * @throws ModelClosedException if the model is closed
   */
  Predictor predictor();

  /**
   * Stops new calls and returns a future that completes once calls in flight have finished and the
   * model has freed what it holds. Idempotent: every call returns a future of the same release.
   * The default, for models that hold nothing, closes and returns a completed future.
   */
  default CompletableFuture<Void> closeAsync() {
    close();
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Stops new calls; the model frees what it holds once calls in flight finish (see the class
   * description). Returns without waiting for them. Idempotent.
   */
  @Override
  void close();
}
