package dev.maas.spi;

import dev.maas.MaasException;
import dev.maas.Model;
import dev.maas.ModelClosedException;
import dev.maas.ModelSignature;
import dev.maas.PredictionException;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The base of every MaaS backend's {@link Model}: it owns the predict prologue and the lifecycle, so
 * that both are the same for every backend. A subclass supplies the signature, {@link #compute} (the
 * backend call, on inputs already validated) and {@link #release()} (freeing native memory).
 *
 * <p>The {@link #predictor()} this class returns checks for nulls, lets the subclass adapt inputs
 * ({@link #prepareInputs}), validates them against the signature ({@link
 * ModelSignature#validateInputs}, {@link ModelSignature#validateOutputNames}), runs {@link
 * #compute}, checks that every requested output came back with its declared type, and returns
 * exactly the requested outputs in signature order. Anything but a {@link MaasException} that the
 * backend throws becomes a {@link PredictionException}.
 *
 * <p>Lifecycle: the model counts calls in flight. {@link #close()} marks the model closed and
 * returns at once; new calls throw {@link ModelClosedException}; {@link #release()} runs exactly
 * once, on the thread of the last call in flight as it returns, or on the closing thread if none is
 * in flight. {@link #closeAsync()} returns a future completed after {@link #release()}.
 *
 * <p>Thread-safe; subclasses must make {@link #compute} safe to call from many threads at once.
 */
public abstract class AbstractModel implements Model {
  private static final System.Logger LOG = System.getLogger(AbstractModel.class.getName());
  private static final long CLOSED = 1L << 62;

  private final String description;
  /** Calls in flight, plus {@link #CLOSED} once closed. */
  private final AtomicLong state = new AtomicLong();
  private final AtomicBoolean releasing = new AtomicBoolean();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  private final Predictor tensorPath = new TensorPath();
  private final Predictor predictor = new GuardedPredictor();

  /**
   * For subclasses.
   *
   * @param description what the model is, for messages (for example {@code ONNX model 'm.onnx'});
   *     it must not contain paths of this machine, since messages may reach remote callers
   */
  protected AbstractModel(String description) {
    this.description = Objects.requireNonNull(description, "description");
  }

  /**
   * Runs the backend on {@code inputs}, which fit the signature, and returns at least the
   * requested outputs ({@code outputs} names declared outputs; empty means all). Called from many
   * threads at once; never after {@link #release()}.
   */
  protected abstract Map<String, Tensor> compute(Map<String, Tensor> inputs, Set<String> outputs);

  /**
   * Adapts a request before it is validated, for backends that accept more than their signature
   * declares (FP32 features for an FP64 model, say). The default returns {@code inputs}.
   */
  protected Map<String, Tensor> prepareInputs(Map<String, Tensor> inputs) {
    return inputs;
  }

  /**
   * The tabular path ({@link Predictor#predictRows}); the default goes through tensors and {@link
   * #compute}. Backends with a faster path override it and validate the rows themselves.
   */
  protected double[] computeRows(double[][] rows) {
    return tensorPath.predictRows(rows);
  }

  /** One row of the tabular path ({@link Predictor#predictRow}); the default calls {@link #computeRows}. */
  protected double computeRow(double[] row) {
    return computeRows(new double[][] {row})[0];
  }

  /**
   * Frees what the model holds (native sessions, buffers). Called exactly once, after the model is
   * closed and no call is in flight. The default does nothing.
   */
  protected void release() {}

  /** The description given at construction, for messages. */
  protected final String description() {
    return description;
  }

  @Override
  public final Predictor predictor() {
    if ((state.get() & CLOSED) != 0) {
      throw closed();
    }
    return predictor;
  }

  /** Whether {@link #close()} or {@link #closeAsync()} has been called. */
  public final boolean isClosed() {
    return (state.get() & CLOSED) != 0;
  }

  @Override
  public final void close() {
    closeAsync();
  }

  @Override
  public final CompletableFuture<Void> closeAsync() {
    long before = state.getAndUpdate(s -> s | CLOSED);
    if (before == 0) {
      releaseOnce();
    }
    return released.copy();
  }

  private void enter() {
    if ((state.incrementAndGet() & CLOSED) != 0) {
      exit();
      throw closed();
    }
  }

  private void exit() {
    if (state.decrementAndGet() == CLOSED) {
      releaseOnce();
    }
  }

  private void releaseOnce() {
    if (!releasing.compareAndSet(false, true)) {
      return;
    }
    try {
      release();
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.WARNING, "releasing " + description + " failed", e);
    } finally {
      released.complete(null);
    }
  }

  private ModelClosedException closed() {
    return new ModelClosedException(description + " is closed");
  }

  private Map<String, Tensor> validatedCompute(Map<String, Tensor> inputs, Set<String> outputs) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(outputs, "outputs");
    ModelSignature signature = signature();
    Map<String, Tensor> prepared = prepareInputs(inputs);
    signature.validateInputs(prepared);
    signature.validateOutputNames(outputs);
    Map<String, Tensor> result;
    try {
      result = compute(prepared, outputs);
    } catch (MaasException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failed(e);
    }
    return select(signature.outputs(), result, outputs);
  }

  private Map<String, Tensor> select(List<TensorSpec> specs, Map<String, Tensor> result, Set<String> outputs) {
    if (result == null) {
      throw new PredictionException(description + " returned no outputs");
    }
    if (specs.size() == 1) {
      TensorSpec spec = specs.get(0);
      Tensor t = check(spec, result.get(spec.name()));
      return result.size() == 1 ? result : Map.of(spec.name(), t);
    }
    Map<String, Tensor> selected = new LinkedHashMap<>();
    for (TensorSpec spec : specs) {
      if (outputs.isEmpty() || outputs.contains(spec.name())) {
        selected.put(spec.name(), check(spec, result.get(spec.name())));
      }
    }
    return selected;
  }

  private Tensor check(TensorSpec spec, Tensor t) {
    if (t == null) {
      throw new PredictionException(description + " returned no value for output '" + spec.name() + "'");
    }
    if (t.dataType() != spec.dataType()) {
      throw new PredictionException(description + " returned output '" + spec.name() + "' as " + t.dataType()
          + ", declared " + spec.describe());
    }
    return t;
  }

  private PredictionException failed(RuntimeException e) {
    return new PredictionException(description + " failed: " + e.getMessage(), e);
  }

  /** The prologue and the backend call, without the lifecycle; its tabular path is the generic one. */
  private final class TensorPath implements Predictor {
    @Override
    public ModelSignature signature() {
      return AbstractModel.this.signature();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      return validatedCompute(inputs, outputs);
    }
  }

  /** What {@link #predictor()} returns: the lifecycle around the prologue and the backend call. */
  private final class GuardedPredictor implements Predictor {
    @Override
    public ModelSignature signature() {
      return AbstractModel.this.signature();
    }

    @Override
    public Map<String, Tensor> predict(Map<String, Tensor> inputs, Set<String> outputs) {
      enter();
      try {
        return validatedCompute(inputs, outputs);
      } finally {
        exit();
      }
    }

    @Override
    public double[] predictRows(double[][] rows) {
      Objects.requireNonNull(rows, "rows");
      enter();
      try {
        return computeRows(rows);
      } catch (MaasException e) {
        throw e;
      } catch (RuntimeException e) {
        throw failed(e);
      } finally {
        exit();
      }
    }

    @Override
    public double predictRow(double[] row) {
      Objects.requireNonNull(row, "row");
      enter();
      try {
        return computeRow(row);
      } catch (MaasException e) {
        throw e;
      } catch (RuntimeException e) {
        throw failed(e);
      } finally {
        exit();
      }
    }

    @Override
    public String toString() {
      return "predictor of " + description;
    }
  }
}
