package dev.maas.onnx;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How far a candidate model's outputs lie from a reference model's on the same requests, as a
 * quantised version is judged against its FP32 parent: the largest absolute difference of any output
 * element, the relative L2 error {@code ||candidate - reference|| / ||reference||} over all
 * floating-point output elements, and, when an output is classifier-shaped ({@code [rows, classes]}
 * with two classes or more), the share of rows whose highest-scoring class is the same.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requests how many requests were compared
 * @param values how many output elements were compared
 * @param maxAbsError the largest absolute difference
 * @param relativeL2 the relative L2 error (0 when both are all zeros)
 * @param top1Agreement the share of classifier rows with the same top class, if an output is classifier-shaped
 */
public record AccuracyReport(int requests, long values, double maxAbsError, double relativeL2,
    OptionalDouble top1Agreement) {
  /** The metric names {@link #metrics()} uses. */
  public static final String MAX_ABS_ERROR = "quantization.max_abs_error";
  /** See {@link #MAX_ABS_ERROR}. */
  public static final String RELATIVE_L2 = "quantization.relative_l2";
  /** See {@link #MAX_ABS_ERROR}. */
  public static final String TOP1_AGREEMENT = "quantization.top1_agreement";
  /** See {@link #MAX_ABS_ERROR}. */
  public static final String REQUESTS = "quantization.eval_requests";

  /** Checks the components. */
  public AccuracyReport {
    Objects.requireNonNull(top1Agreement, "top1Agreement");
    if (requests < 1 || values < 1) {
      throw new InvalidInputException("an accuracy report needs at least one request and value");
    }
  }

  /**
   * Runs {@code reference} and {@code candidate} on every request and compares their floating-point
   * outputs.
   *
   * @throws InvalidInputException if there are no requests, the models' outputs differ in name or
   *     shape, or neither has a floating-point output; a request that does not fit the models fails
   *     as their predictors do
   */
  public static AccuracyReport compare(Model reference, Model candidate, List<Map<String, Tensor>> requests) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(candidate, "candidate");
    if (requests.isEmpty()) {
      throw new InvalidInputException("no requests to compare the models on");
    }
    List<TensorSpec> outputs = reference.signature().outputs().stream().filter(s -> floating(s.dataType())).toList();
    if (outputs.isEmpty()) {
      throw new InvalidInputException("the model has no floating-point output to compare");
    }
    double maxAbs = 0;
    double diff = 0;
    double norm = 0;
    long values = 0;
    long rows = 0;
    long agree = 0;
    for (Map<String, Tensor> request : requests) {
      Map<String, Tensor> expected = reference.predictor().predict(request);
      Map<String, Tensor> actual = candidate.predictor().predict(request);
      for (TensorSpec spec : outputs) {
        Tensor e = expected.get(spec.name());
        Tensor a = actual.get(spec.name());
        if (a == null || !java.util.Arrays.equals(a.shape(), e.shape())) {
          throw new InvalidInputException("output '" + spec.name() + "': the candidate returned "
              + (a == null ? "nothing" : java.util.Arrays.toString(a.shape())) + ", the reference "
              + java.util.Arrays.toString(e.shape()));
        }
        double[] ev = e.toDoubleArray();
        double[] av = a.toDoubleArray();
        for (int i = 0; i < ev.length; i++) {
          double d = av[i] - ev[i];
          maxAbs = Math.max(maxAbs, Math.abs(d));
          diff += d * d;
          norm += ev[i] * ev[i];
        }
        values += ev.length;
        if (e.rank() == 2 && e.dim(1) >= 2) {
          int classes = (int) e.dim(1);
          for (int r = 0; r < e.dim(0); r++) {
            agree += argmax(ev, r, classes) == argmax(av, r, classes) ? 1 : 0;
            rows++;
          }
        }
      }
    }
    double relative = norm > 0 ? Math.sqrt(diff / norm) : diff > 0 ? Double.POSITIVE_INFINITY : 0;
    return new AccuracyReport(requests.size(), values, maxAbs, relative,
        rows > 0 ? OptionalDouble.of(agree / (double) rows) : OptionalDouble.empty());
  }

  /** The report as named metrics ({@link #MAX_ABS_ERROR} and the others), for a stored version. */
  public Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(MAX_ABS_ERROR, maxAbsError);
    m.put(RELATIVE_L2, relativeL2);
    top1Agreement.ifPresent(t -> m.put(TOP1_AGREEMENT, t));
    m.put(REQUESTS, (double) requests);
    return m;
  }

  private static boolean floating(DataType t) {
    return t == DataType.FP16 || t == DataType.FP32 || t == DataType.FP64;
  }

  private static int argmax(double[] v, int row, int classes) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (v[row * classes + c] > v[row * classes + best]) {
        best = c;
      }
    }
    return best;
  }
}
