package dev.maas.cli;

import dev.maas.ModelVersion;
import dev.maas.linear.FitReport;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Formats the result of {@code maas train} as JSON or as a summary table. Stateless. */
final class TrainOutput {
  private TrainOutput() {}

  /**
   * One JSON object: model reference; {@code coefficients}, {@code standard_errors}, {@code
   * t_values} and {@code p_values} by coefficient name; {@code r_squared}, {@code
   * adjusted_r_squared}, {@code residual_standard_error}, {@code f_statistic}, {@code f_p_value},
   * {@code df_model}, {@code df_residual} (named and defined as in R's {@code summary(lm)}), n and
   * p. Numbers print with {@link Double#toString}, which parses
   * back to the same double; values that are not finite print as {@code null}.
   */
  static String json(ModelVersion version, FitReport report) {
    StringBuilder s = new StringBuilder("{");
    s.append("\"model\": ").append(quote(version.name() + ":" + version.version()));
    s.append(", \"coefficients\": ");
    byName(s, report, FitReport.Coefficient::estimate);
    s.append(", \"standard_errors\": ");
    byName(s, report, FitReport.Coefficient::standardError);
    s.append(", \"t_values\": ");
    byName(s, report, FitReport.Coefficient::tStatistic);
    s.append(", \"p_values\": ");
    byName(s, report, FitReport.Coefficient::pValue);
    s.append(", \"r_squared\": ").append(number(report.rSquared()));
    s.append(", \"adjusted_r_squared\": ").append(number(report.adjustedRSquared()));
    s.append(", \"residual_standard_error\": ").append(number(report.residualStandardError()));
    s.append(", \"f_statistic\": ").append(number(report.fStatistic()));
    s.append(", \"f_p_value\": ").append(number(report.fPValue()));
    s.append(", \"df_model\": ").append(report.modelDegreesOfFreedom());
    s.append(", \"df_residual\": ").append(report.residualDegreesOfFreedom());
    s.append(", \"n\": ").append(report.rowCount());
    s.append(", \"p\": ").append(report.parameterCount());
    return s.append('}').toString();
  }

  private static void byName(StringBuilder s, FitReport report, ToDoubleFunction<FitReport.Coefficient> value) {
    s.append('{');
    boolean first = true;
    for (FitReport.Coefficient c : report.coefficients()) {
      if (!first) {
        s.append(", ");
      }
      first = false;
      s.append(quote(c.name())).append(": ").append(number(value.applyAsDouble(c)));
    }
    s.append('}');
  }

  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  static String quote(String text) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
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
