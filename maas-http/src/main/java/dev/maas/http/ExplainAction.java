package dev.maas.http;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelStore;
import dev.maas.StoredModel;
import dev.maas.Tensor;
import dev.maas.explain.Background;
import dev.maas.explain.ExplainMethod;
import dev.maas.explain.Explainer;
import dev.maas.explain.Explanation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The MaaS {@code explain} extension: {@code POST /v2/models/{name}[/versions/{v}]/explain} takes
 * the body of an {@code infer} request (one numeric input {@code [rows, p]}) and answers with the
 * Shapley values of each feature for each row against the background stored with the version
 * ({@link Background#stored}), as outputs {@code attributions}, {@code base_value} and {@code
 * prediction} (plus {@code attribution_errors} for Kernel SHAP). One {@link Explainer} is built per
 * served version, on its first explain request, and dropped with the version. Thread-safe.
 */
final class ExplainAction implements OipHandler.ModelAction {
  static final String NAME = "explain";

  /** The most rows one explain request may ask for. */
  static final int MAX_ROWS = 100;

  private final Optional<ModelStore> store;
  private final Map<ServedModel, Explainer> explainers = Collections.synchronizedMap(new WeakHashMap<>());

  ExplainAction(Optional<ModelStore> store) {
    this.store = store;
  }

  @Override
  public OipHandler.Reply run(OipHandler.Call call) {
    ServedModel model = call.model();
    if (call.exchange().getRequestHeaders().getFirst(OipHandler.HEADER_LENGTH) != null) {
      throw HttpError.badRequest("explain takes JSON tensors only, not the binary tensor extension");
    }
    // the answer's outputs are fixed (attributions, base value, prediction): requested ones are ignored, and capped
    InferenceRequest request = call.codec().readRequest(call.body(), call.length(), call.length(), 1,
        Math.max(1, model.signature().outputs().size()), call::reserve);
    Map<String, Tensor> inputs = request.inputTensors();
    if (inputs.size() != 1) {
      throw HttpError.badRequest("explain takes one input tensor [rows, features], got " + inputs.size());
    }
    Tensor rows = inputs.values().iterator().next();
    long rowCount = rows.rank() == 0 ? 1 : rows.dim(0);
    if (rowCount > MAX_ROWS) {
      // each row costs hundreds of model calls: a row cap bounds one request's work
      throw new HttpError(413, "explain takes at most " + MAX_ROWS + " rows a request, got " + rowCount
          + "; split the rows over several requests");
    }
    Explainer explainer = explainers.computeIfAbsent(model, this::explainer);
    call.computing();
    Explanation explanation = explainer.explain(rows);
    String version = model.versionText();
    InferenceResponse response = new InferenceResponse(model.name(),
        model.version().isPresent() ? Optional.of(version) : Optional.empty(), request.id(),
        parameters(explanation), tensors(explanation));
    return new OipHandler.Reply(200, "application/json", call.codec().encodeResponse(response, name -> false));
  }

  private Explainer explainer(ServedModel served) {
    Optional<Background> background = Optional.empty();
    if (store.isPresent() && served.model() instanceof StoredModel stored) {
      background = Background.stored(store.get(), stored.version());
    }
    return Explainer.of(served.model(), background.orElseThrow(() -> new InvalidInputException("model '"
        + served.name() + "'" + (served.version().isPresent() ? " version " + served.versionText() : "")
        + " has no stored background data set to explain against; publish it with one (maas train stores one)")));
  }

  private static Map<String, Object> parameters(Explanation e) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("features", String.join(",", e.featureNames()));
    p.put("explained_output", e.output());
    p.put("method", e.method().name().toLowerCase(java.util.Locale.ROOT));
    return p;
  }

  /** Attributions {@code [rows, features]} (or {@code [rows, columns, features]}), base value, prediction. */
  private static List<InferenceTensor> tensors(Explanation e) {
    int n = e.rowCount();
    int k = e.outputColumns();
    int p = e.featureNames().size();
    double[] attributions = new double[n * k * p];
    double[] errors = new double[n * k * p];
    double[] predictions = new double[n * k];
    double[] base = new double[k];
    for (int c = 0; c < k; c++) {
      base[c] = e.baseValue(c);
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        predictions[i * k + c] = e.prediction(i, c);
        System.arraycopy(e.attributions(i, c), 0, attributions, (i * k + c) * p, p);
        System.arraycopy(e.standardErrors(i, c), 0, errors, (i * k + c) * p, p);
      }
    }
    long[] shape = k == 1 ? new long[] {n, p} : new long[] {n, k, p};
    List<InferenceTensor> out = new ArrayList<>();
    out.add(InferenceTensor.of("attributions", Tensor.wrap(DataType.FP64, attributions, shape)));
    out.add(InferenceTensor.of("base_value", Tensor.wrap(DataType.FP64, base, k)));
    out.add(InferenceTensor.of("prediction",
        k == 1 ? Tensor.wrap(DataType.FP64, predictions, n) : Tensor.wrap(DataType.FP64, predictions, n, k)));
    if (e.method() == ExplainMethod.KERNEL) {
      out.add(InferenceTensor.of("attribution_errors", Tensor.wrap(DataType.FP64, errors, shape)));
    }
    return out;
  }
}
