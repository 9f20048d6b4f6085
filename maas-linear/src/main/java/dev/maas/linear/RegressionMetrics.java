package dev.maas.linear;

import dev.maas.InvalidInputException;
import dev.maas.Predictor;
import java.util.List;
import java.util.Objects;

/**
 * How well predictions match held-out targets: root mean squared error, mean absolute error and
 * R² ({@code 1 - SSE / Σ(y - mean(y))²} over the held-out rows).
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param count the number of rows measured
 * @param rmse the root mean squared error
 * @param mae the mean absolute error
 * @param rSquared the coefficient of determination on these rows (NaN when the targets are
 *     constant)
 */
public record RegressionMetrics(long count, double rmse, double mae, double rSquared) {
  /** Validates the components. */
  public RegressionMetrics {
    if (count < 1) {
      throw new InvalidInputException("count must be >= 1, got " + count);
    }
    if (!(rmse >= 0) || !(mae >= 0)) {
      throw new InvalidInputException("rmse and mae must be >= 0, got " + rmse + " and " + mae);
    }
  }

  /**
   * The metrics of {@code predicted} against {@code actual}.
   *
   * @throws InvalidInputException if the arrays are empty or differ in length
   */
  public static RegressionMetrics of(double[] actual, double[] predicted) {
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(predicted, "predicted");
    if (actual.length != predicted.length || actual.length == 0) {
      throw new InvalidInputException(
          "need equally many actual and predicted values, at least one; got " + actual.length + " and " + predicted.length);
    }
    int n = actual.length;
    double mean = 0;
    for (double v : actual) {
      mean += v;
    }
    mean /= n;
    Dot2 sse = new Dot2();
    Dot2 tss = new Dot2();
    double abs = 0;
    for (int i = 0; i < n; i++) {
      double e = actual[i] - predicted[i];
      sse.addProduct(e, e);
      double c = actual[i] - mean;
      tss.addProduct(c, c);
      abs += Math.abs(e);
    }
    double t = tss.value();
    return new RegressionMetrics(n, Math.sqrt(sse.value() / n), abs / n, t > 0 ? 1 - sse.value() / t : Double.NaN);
  }

  /** The metrics of {@code predictor}'s predictions for rows {@code x} against targets {@code y}. */
  public static RegressionMetrics evaluate(Predictor predictor, double[][] x, double[] y) {
    Objects.requireNonNull(predictor, "predictor");
    return of(y, predictor.predictRows(x));
  }

  /** The metrics of {@code model}'s predictions for rows {@code x} against targets {@code y}. */
  public static RegressionMetrics evaluate(LinearRegressionModel model, double[][] x, double[] y) {
    return evaluate(model.predictor(), x, y);
  }

  /** The mean of each metric over {@code folds} (for cross-validation), with the total count. */
  public static RegressionMetrics mean(List<RegressionMetrics> folds) {
    if (folds.isEmpty()) {
      throw new InvalidInputException("no metrics to average");
    }
    long count = 0;
    double rmse = 0;
    double mae = 0;
    double r2 = 0;
    for (RegressionMetrics m : folds) {
      count += m.count;
      rmse += m.rmse;
      mae += m.mae;
      r2 += m.rSquared;
    }
    int k = folds.size();
    return new RegressionMetrics(count, rmse / k, mae / k, r2 / k);
  }
}
