package dev.maas.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.explain.ExplainMethod;
import dev.maas.explain.Explanation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The two renderings of an explanation on the command line: the JSON object other tooling reads,
 * and a per-row table sorted by absolute contribution with a text bar per feature.
 *
 * <p>This class has no state.
 */
final class ExplainOutput {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int BAR = 20;

  private ExplainOutput() {}

  /**
   * {@code {"model": "name:version", "base_value": n, "rows": [{"prediction": n, "attributions":
   * {"<feature>": n, ...}}, ...]}}, rows in input order, features in the model's order.
   */
  static String json(String model, Explanation e, int column) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("model", model);
      g.writeNumberField("base_value", e.baseValue(column));
      g.writeArrayFieldStart("rows");
      List<String> names = e.featureNames();
      for (int i = 0; i < e.rowCount(); i++) {
        g.writeStartObject();
        g.writeNumberField("prediction", e.prediction(i, column));
        g.writeObjectFieldStart("attributions");
        for (int j = 0; j < names.size(); j++) {
          g.writeNumberField(names.get(j), e.attribution(i, column, j));
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return text.toString();
  }

  /** A readable table per row: features sorted by absolute attribution, each with a bar. */
  static String text(String model, Explanation e, int column, double[][] rows, int backgroundRows) {
    StringBuilder out = new StringBuilder();
    boolean kernel = e.method() == ExplainMethod.KERNEL;
    out.append(String.format(Locale.ROOT, "%s, output '%s'%s: base value %s (mean over %d background rows); %s%n",
        model, e.output(), e.outputColumns() > 1 ? " column " + column : "", num(e.baseValue(column)),
        backgroundRows, describe(e)));
    List<String> names = e.featureNames();
    int nameWidth = Math.max(7, names.stream().mapToInt(String::length).max().orElse(7));
    for (int i = 0; i < e.rowCount(); i++) {
      double[] phi = e.attributions(i, column);
      double[] se = e.standardErrors(i, column);
      double max = Arrays.stream(phi).map(Math::abs).max().orElse(0);
      out.append(String.format(Locale.ROOT, "%nrow %d: prediction %s = base %s %s %s%n", i + 1,
          num(e.prediction(i, column)), num(e.baseValue(column)),
          e.prediction(i, column) >= e.baseValue(column) ? "+" : "-",
          num(Math.abs(e.prediction(i, column) - e.baseValue(column)))));
      out.append(String.format(Locale.ROOT, "  %-" + nameWidth + "s %12s %13s%s%n", "feature", "value",
          "attribution", kernel ? String.format(Locale.ROOT, " %11s", "± std err") : ""));
      Integer[] order = new Integer[phi.length];
      for (int j = 0; j < order.length; j++) {
        order[j] = j;
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -Math.abs(phi[j])));
      for (int j : order) {
        out.append(String.format(Locale.ROOT, "  %-" + nameWidth + "s %12s %13s", names.get(j), num(rows[i][j]),
            signed(phi[j])));
        if (kernel) {
          out.append(String.format(Locale.ROOT, " %11s", num(se[j])));
        }
        out.append("  ").append(bar(phi[j], max)).append('\n');
      }
    }
    return out.toString();
  }

  private static String describe(Explanation e) {
    return switch (e.method()) {
      case FORMAT -> "exact (the model's own explainer)";
      case EXACT -> "exact (" + e.coalitionsPerRow() + " coalitions per row)";
      case KERNEL -> "Kernel SHAP (" + e.coalitionsPerRow() + " sampled coalitions per row)";
      case AUTO -> throw new IllegalStateException("an explanation never reports AUTO");
    };
  }

  /** A bar centred on '|': negative contributions grow to the left, positive ones to the right. */
  static String bar(double value, double max) {
    int length = max == 0 ? 0 : (int) Math.round(Math.abs(value) / max * BAR);
    String left = value < 0 ? " ".repeat(BAR - length) + "#".repeat(length) : " ".repeat(BAR);
    String right = value > 0 ? "#".repeat(length) : "";
    return (left + "|" + right).stripTrailing();
  }

  static String num(double v) {
    return String.format(Locale.ROOT, "%.6g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)",
        "$1");
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "-") + num(Math.abs(v));
  }
}
