package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The statistics of one least-squares fit, as R's {@code summary(lm(...))} reports them: the
 * coefficients with standard errors, t statistics and two-sided p-values, the residual standard
 * error, R² and adjusted R², the F statistic of the regression and its p-value, and the condition
 * number of the design. For a fit without intercept, R² compares against zero ({@code 1 - RSS /
 * Σy²}), as R does. A weighted fit reports R's {@code lm(weights = )} statistics, and its row count
 * is the number of rows of positive weight. For a ridge fit ({@code ridge > 0}) the standard errors
 * are those of the ridge estimator, {@code σ² (XᵀX + Λ)⁻¹ XᵀX (XᵀX + Λ)⁻¹} (Λ the penalty, zero for
 * the intercept), with {@code σ² = RSS / (n - tr H)} and {@code tr H} the {@link
 * #effectiveDegreesOfFreedom()}; t values are estimate / standard error, but the estimator is
 * biased, so p-values and the F test are NaN.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param rowCount n, the number of training rows
 * @param parameterCount p, the number of fitted coefficients, the intercept included
 * @param intercept whether the model has an intercept
 * @param ridge the L2 penalty the fit used (0 for ordinary least squares)
 * @param standardized whether the penalty applied to standardised features
 * @param coefficients one entry per fitted coefficient, the intercept (named {@value #INTERCEPT})
 *     first
 * @param residualStandardError sqrt(RSS / (n - p)), for ridge sqrt(RSS / (n - tr H)); NaN when n = p
 * @param rSquared the coefficient of determination on the training rows
 * @param adjustedRSquared R² adjusted for the number of parameters; NaN when n = p
 * @param fStatistic the F statistic of the regression against the intercept-only (or zero) model
 * @param fPValue the upper-tail probability of {@code fStatistic}
 * @param conditionNumber the 2-norm condition number of the design after centring (with an
 *     intercept) and scaling its columns to unit length
 * @param effectiveDegreesOfFreedom the trace of the hat matrix, {@code tr(X (XᵀX + Λ)⁻¹ Xᵀ)}: p for
 *     least squares, less for ridge
 */
public record FitReport(
    long rowCount,
    int parameterCount,
    boolean intercept,
    double ridge,
    boolean standardized,
    List<Coefficient> coefficients,
    double residualStandardError,
    double rSquared,
    double adjustedRSquared,
    double fStatistic,
    double fPValue,
    double conditionNumber,
    double effectiveDegreesOfFreedom) {

  /** The name of the intercept in {@link #coefficients()} and in JSON output. */
  public static final String INTERCEPT = "(intercept)";

  /**
   * One fitted coefficient and its inferential statistics.
   *
   * <p>Instances are immutable and safe to share between threads.
   *
   * @param name the feature name, or {@value FitReport#INTERCEPT}
   * @param estimate the fitted value
   * @param standardError its estimated standard error
   * @param tStatistic estimate / standardError
   * @param pValue the two-sided p-value of the t statistic on n - p degrees of freedom
   */
  public record Coefficient(String name, double estimate, double standardError, double tStatistic, double pValue) {
    /** Validates the name. */
    public Coefficient {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A report of an unpenalised fit, whose effective degrees of freedom are {@code parameterCount}. */
  public FitReport(long rowCount, int parameterCount, boolean intercept, double ridge, boolean standardized,
      List<Coefficient> coefficients, double residualStandardError, double rSquared, double adjustedRSquared,
      double fStatistic, double fPValue, double conditionNumber) {
    this(rowCount, parameterCount, intercept, ridge, standardized, coefficients, residualStandardError, rSquared,
        adjustedRSquared, fStatistic, fPValue, conditionNumber, parameterCount);
  }

  /** Validates and copies the components. */
  public FitReport {
    coefficients = List.copyOf(coefficients);
    if (rowCount < parameterCount || parameterCount < 0) {
      throw new InvalidInputException("rowCount " + rowCount + " must be at least parameterCount " + parameterCount);
    }
    if (coefficients.size() != parameterCount) {
      throw new InvalidInputException(
          "expected " + parameterCount + " coefficients, got " + coefficients.size());
    }
    if (!(ridge >= 0)) {
      throw new InvalidInputException("ridge must be >= 0, got " + ridge);
    }
  }

  /** The residual degrees of freedom, n - p: R's {@code df.residual}. */
  public long residualDegreesOfFreedom() {
    return rowCount - parameterCount;
  }

  /**
   * The model degrees of freedom, the numerator degrees of freedom of the F test: p - 1 with an
   * intercept, p without (R's {@code summary(lm)$fstatistic["numdf"]}).
   */
  public int modelDegreesOfFreedom() {
    return intercept ? parameterCount - 1 : parameterCount;
  }

  /** The coefficient named {@code name}, if the fit has one. */
  public Optional<Coefficient> coefficient(String name) {
    return coefficients.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * The report as store metrics: {@code n}, {@code p}, {@code r_squared}, {@code
   * adjusted_r_squared}, {@code residual_standard_error}, {@code f_statistic}, {@code f_p_value},
   * {@code condition_number}, {@code effective_df} (ridge only), and per coefficient {@code coef.NAME}, {@code se.NAME}, {@code
   * t.NAME}, {@code p.NAME}. Values that are not finite are left out.
   */
  public Map<String, Double> metrics() {
    Map<String, Double> out = new LinkedHashMap<>();
    put(out, "n", rowCount);
    put(out, "p", parameterCount);
    put(out, "r_squared", rSquared);
    put(out, "adjusted_r_squared", adjustedRSquared);
    put(out, "residual_standard_error", residualStandardError);
    put(out, "f_statistic", fStatistic);
    put(out, "f_p_value", fPValue);
    put(out, "condition_number", conditionNumber);
    if (ridge > 0) {
      put(out, "effective_df", effectiveDegreesOfFreedom);
    }
    for (Coefficient c : coefficients) {
      put(out, "coef." + c.name(), c.estimate());
      put(out, "se." + c.name(), c.standardError());
      put(out, "t." + c.name(), c.tStatistic());
      put(out, "p." + c.name(), c.pValue());
    }
    return out;
  }

  /**
   * The settings of the fit as store parameters: {@code intercept}, {@code ridge}, {@code
   * standardize} and {@code features} (the feature names joined by commas).
   */
  public Map<String, String> parameters() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("intercept", Boolean.toString(intercept));
    out.put("ridge", Double.toString(ridge));
    out.put("standardize", Boolean.toString(standardized));
    out.put("features", coefficients.subList(intercept ? 1 : 0, coefficients.size()).stream().map(Coefficient::name)
        .collect(Collectors.joining(",")));
    return out;
  }

  private static void put(Map<String, Double> out, String key, double value) {
    if (Double.isFinite(value)) {
      out.put(key, value);
    }
  }
}
