package dev.maas.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.ModelVersion;
import dev.maas.linear.FitReport;
import dev.maas.linear.RidgeSelection;
import java.io.IOException;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Formats the result of {@code maas train} as JSON or as a summary table. Stateless. */
final class TrainOutput {
  private TrainOutput() {}

  /**
   * One JSON object on one line, written by {@link JsonOutput} as every {@code --json} output is:
   * model reference; {@code coefficients}, {@code standard_errors}, {@code t_values} and {@code
   * p_values} by coefficient name; {@code r_squared}, {@code adjusted_r_squared}, {@code
   * residual_standard_error}, {@code f_statistic}, {@code f_p_value}, {@code df_model}, {@code
   * df_residual} (named and defined as in R's {@code summary(lm)}), n and p. Numbers parse back to
   * the same double; values that are not finite are the strings {@code "NaN"}, {@code "Infinity"}
   * and {@code "-Infinity"}.
   */
  static String json(ModelVersion version, FitReport report) {
    return json(version, report, null, 0);
  }

  /** As {@link #json(ModelVersion, FitReport)}, with {@code ridge_selection} when the penalty was chosen. */
  static String json(ModelVersion version, FitReport report, RidgeSelection selection, double chosen) {
    return JsonOutput.write(j -> {
      j.writeStartObject();
      j.writeStringField("model", version.name() + ":" + version.version());
      byName(j, "coefficients", report, FitReport.Coefficient::estimate);
      byName(j, "standard_errors", report, FitReport.Coefficient::standardError);
      byName(j, "t_values", report, FitReport.Coefficient::tStatistic);
      byName(j, "p_values", report, FitReport.Coefficient::pValue);
      number(j, "r_squared", report.rSquared());
      number(j, "adjusted_r_squared", report.adjustedRSquared());
      number(j, "residual_standard_error", report.residualStandardError());
      number(j, "f_statistic", report.fStatistic());
      number(j, "f_p_value", report.fPValue());
      j.writeNumberField("df_model", report.modelDegreesOfFreedom());
      j.writeNumberField("df_residual", report.residualDegreesOfFreedom());
      j.writeNumberField("n", report.rowCount());
      j.writeNumberField("p", report.parameterCount());
      if (selection != null) {
        RidgeChoice.json(j, selection, chosen);
      }
      j.writeEndObject();
    });
  }

  private static void byName(JsonGenerator j, String field, FitReport report,
      ToDoubleFunction<FitReport.Coefficient> value) throws IOException {
    j.writeObjectFieldStart(field);
    for (FitReport.Coefficient c : report.coefficients()) {
      number(j, c.name(), value.applyAsDouble(c));
    }
    j.writeEndObject();
  }

  private static void number(JsonGenerator j, String field, double value) throws IOException {
    j.writeFieldName(field);
    JsonOutput.number(j, value);
  }

  /** A summary in the style of R's {@code summary(lm(...))}. */
  static String text(ModelVersion version, FitReport report) {
    StringBuilder s = new StringBuilder();
    s.append("published ").append(version.name()).append(':').append(version.version()).append('\n');
    s.append(String.format(Locale.ROOT, "%-20s %15s %15s %10s %12s%n", "", "Estimate", "Std. Error", "t value",
        "Pr(>|t|)"));
    for (FitReport.Coefficient c : report.coefficients()) {
      s.append(String.format(Locale.ROOT, "%-20s %15.8g %15.8g %10.4g %12.4g%n", c.name(), c.estimate(),
          c.standardError(), c.tStatistic(), c.pValue()));
    }
    s.append(String.format(Locale.ROOT, "Residual standard error: %.6g on %d degrees of freedom%n",
        report.residualStandardError(), report.residualDegreesOfFreedom()));
    s.append(String.format(Locale.ROOT, "Multiple R-squared: %.6g, Adjusted R-squared: %.6g%n", report.rSquared(),
        report.adjustedRSquared()));
    s.append(String.format(Locale.ROOT,
        "F-statistic: %.6g on %d and %d DF, p-value: %.4g; n = %d, p = %d, condition number %.3g",
        report.fStatistic(), report.modelDegreesOfFreedom(), report.residualDegreesOfFreedom(), report.fPValue(),
        report.rowCount(), report.parameterCount(), report.conditionNumber()));
    return s.toString();
  }
}
