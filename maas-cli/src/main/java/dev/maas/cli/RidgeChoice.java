package dev.maas.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.RidgeSearch;
import dev.maas.linear.RidgeSelection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * {@code maas train --ridge auto}: parses the search settings, runs the {@link RidgeSearch} on the
 * training columns held in memory, and prints, stores and plots the {@link RidgeSelection}.
 * Stateless.
 */
final class RidgeChoice {
  private RidgeChoice() {}

  /** Which penalty of a selection the fit uses. */
  enum Pick {
    MIN, ONE_SE
  }

  /**
   * The search of {@code --ridge-grid FROM:TO:COUNT}, {@code --cv loo|gcv|kfold:K} and {@code --seed}.
   *
   * @throws IllegalArgumentException naming the option if a setting does not parse
   */
  static RidgeSearch search(String grid, String cv, long seed) {
    RidgeSearch.Builder b = RidgeSearch.builder().seed(seed);
    String[] parts = grid.strip().split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("--ridge-grid must read FROM:TO:COUNT (e.g. 1e-4:1e4:33), got '" + grid + "'");
    }
    try {
      b.grid(RidgeSearch.logGrid(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
          Integer.parseInt(parts[2])));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--ridge-grid must read FROM:TO:COUNT (e.g. 1e-4:1e4:33), got '" + grid + "'");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--ridge-grid '" + grid + "': " + e.getMessage());
    }
    String method = cv.strip().toLowerCase(Locale.ROOT);
    if (method.equals("loo")) {
      b.method(RidgeSearch.Method.LEAVE_ONE_OUT);
    } else if (method.equals("gcv")) {
      b.method(RidgeSearch.Method.GENERALIZED);
    } else if (method.startsWith("kfold")) {
      int k = 10;
      if (method.startsWith("kfold:")) {
        try {
          k = Integer.parseInt(method.substring("kfold:".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--cv kfold:K needs a whole number K, got '" + cv + "'");
        }
      } else if (!method.equals("kfold")) {
        throw new IllegalArgumentException("--cv must be loo, gcv or kfold:K, got '" + cv + "'");
      }
      try {
        b.kFold(k);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--cv " + cv + ": " + e.getMessage());
      }
    } else {
      throw new IllegalArgumentException("--cv must be loo, gcv or kfold:K, got '" + cv + "'");
    }
    return b.build();
  }

  /** Parses {@code --ridge-choice min|1se}. */
  static Pick pick(String choice) {
    return switch (choice.strip().toLowerCase(Locale.ROOT)) {
      case "min" -> Pick.MIN;
      case "1se" -> Pick.ONE_SE;
      default -> throw new IllegalArgumentException("--ridge-choice must be min or 1se, got '" + choice + "'");
    };
  }

  /**
   * Runs {@code search} on the columns {@code features} and {@code target} of {@code data}, with
   * {@code trainer}'s intercept and standardisation.
   */
  static RidgeSelection select(RidgeSearch search, LinearRegressionTrainer trainer, Path data, List<String> features,
      String target) throws IOException {
    List<String> columns = new ArrayList<>(features);
    columns.add(target);
    double[][] rows = CsvColumns.read(data, columns);
    int p = features.size();
    double[][] x = new double[rows.length][];
    double[] y = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      x[i] = java.util.Arrays.copyOf(rows[i], p);
      y[i] = rows[i][p];
    }
    LinearRegressionTrainer named = LinearRegressionTrainer.builder().intercept(trainer.intercept())
        .standardize(trainer.standardize()).featureNames(features).build();
    return search.select(named, x, y);
  }

  /** The penalty {@code pick} names in {@code s}. */
  static double chosen(RidgeSelection s, Pick pick) {
    if (pick == Pick.ONE_SE && Double.isNaN(s.oneStandardError())) {
      throw new IllegalArgumentException("--ridge-choice 1se needs a standard error: use --cv loo or --cv kfold:K");
    }
    return pick == Pick.MIN ? s.best() : s.oneStandardError();
  }

  /** The curve as a table, the two choices marked. */
  static String text(RidgeSelection s, Pick pick) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Ridge penalty by %s on %,d rows%s:%n", describe(s), s.rows(),
        s.standardized() ? " (standardised features)" : ""));
    boolean se = !Double.isNaN(s.oneStandardError());
    out.append(String.format(Locale.ROOT, "  %12s %14s %12s %8s%n", "ridge", se ? "CV MSE" : "GCV", se ? "std. error"
        : "", "df"));
    for (RidgeSelection.Point p : s.curve()) {
      String mark = (p.ridge() == s.best() ? " <- min" : "") + (se && p.ridge() == s.oneStandardError() ? " <- 1se" : "");
      out.append(String.format(Locale.ROOT, "  %12.4g %14.6g %12s %8.3f%s%n", p.ridge(), p.score(),
          se ? String.format(Locale.ROOT, "%.4g", p.standardError()) : "", p.effectiveDf(), mark));
    }
    out.append(String.format(Locale.ROOT, "Chosen: ridge %.6g (%s)%n", chosen(s, pick),
        pick == Pick.MIN ? "the minimum" : "the largest within one standard error of the minimum"));
    return out.toString();
  }

  static String describe(RidgeSelection s) {
    return switch (s.method()) {
      case LEAVE_ONE_OUT -> "leave-one-out cross-validation";
      case GENERALIZED -> "generalised cross-validation";
      case K_FOLD -> s.folds() + "-fold cross-validation";
    };
  }

  /** Writes {@code s} as the JSON member {@code ridge_selection}. */
  static void json(JsonGenerator j, RidgeSelection s, double chosen) throws IOException {
    j.writeObjectFieldStart("ridge_selection");
    j.writeStringField("cv", s.method().label() + (s.folds() > 0 ? ":" + s.folds() : ""));
    j.writeFieldName("chosen");
    JsonOutput.number(j, chosen);
    j.writeFieldName("min");
    JsonOutput.number(j, s.best());
    j.writeFieldName("one_se");
    JsonOutput.number(j, s.oneStandardError());
    j.writeArrayFieldStart("curve");
    for (RidgeSelection.Point p : s.curve()) {
      j.writeStartObject();
      j.writeFieldName("ridge");
      JsonOutput.number(j, p.ridge());
      j.writeFieldName("score");
      JsonOutput.number(j, p.score());
      j.writeFieldName("standard_error");
      JsonOutput.number(j, p.standardError());
      j.writeFieldName("df");
      JsonOutput.number(j, p.effectiveDf());
      j.writeEndObject();
    }
    j.writeEndArray();
    j.writeEndObject();
  }

  /** Draws the curve against the penalty on a log axis, with error bars and the choices marked. */
  static void plot(RidgeSelection s, double chosen, Path file) throws IOException {
    YIntervalSeries series = new YIntervalSeries(s.method() == RidgeSearch.Method.GENERALIZED ? "GCV" : "CV MSE");
    for (RidgeSelection.Point p : s.curve()) {
      if (p.ridge() <= 0 || !Double.isFinite(p.score())) {
        continue;
      }
      double se = Double.isNaN(p.standardError()) ? 0 : p.standardError();
      series.add(p.ridge(), p.score(), p.score() - se, p.score() + se);
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    data.addSeries(series);
    LogAxis x = new LogAxis("ridge penalty (log scale)");
    x.setSmallestValue(1e-300);
    x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
    NumberAxis y = new NumberAxis(s.method() == RidgeSearch.Method.GENERALIZED ? "GCV score"
        : "mean squared error (" + describe(s) + ")");
    y.setAutoRangeIncludesZero(false);
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDefaultLinesVisible(true);
    renderer.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4));
    renderer.setErrorPaint(new Color(0x1f, 0x77, 0xb4, 0x90));
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    ValueMarker min = new ValueMarker(s.best(), new Color(0xd6, 0x27, 0x28), new BasicStroke(1.5f));
    min.setLabel("min " + String.format(Locale.ROOT, "%.3g", s.best()));
    min.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
    min.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
    plot.addDomainMarker(min);
    if (!Double.isNaN(s.oneStandardError()) && s.oneStandardError() != s.best()) {
      ValueMarker one = new ValueMarker(s.oneStandardError(), new Color(0x2c, 0xa0, 0x2c), new BasicStroke(1.5f,
          BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
      one.setLabel("1se " + String.format(Locale.ROOT, "%.3g", s.oneStandardError()));
      one.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
      one.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
      plot.addDomainMarker(one);
    }
    JFreeChart chart = new JFreeChart(String.format(Locale.ROOT, "Ridge penalty by %s: chosen %.3g", describe(s),
        chosen), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 520);
  }
}
