package dev.maas.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The renderer's PNG charts, drawn with JFreeChart. Stateless. */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;

  /** One bar: a ratio and its error, in a series at a category. */
  record Bar(String series, String category, double value, double error) {}

  private Charts() {}

  /** A line chart of score (with JMH's error as bars) against {@code x}, one line per series. */
  static void line(Path file, String title, String xLabel, String unit, List<JmhResult> results,
      Function<JmhResult, Double> x, Function<JmhResult, String> series, boolean logX, boolean logY)
      throws IOException {
    Map<String, YIntervalSeries> bySeries = new TreeMap<>();
    for (JmhResult r : results) {
      double e = Double.isFinite(r.error()) ? r.error() : 0;
      bySeries.computeIfAbsent(series.apply(r), YIntervalSeries::new)
          .add(x.apply(r), r.score(), Math.max(r.score() - e, r.score() * 0.01), r.score() + e);
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    bySeries.values().forEach(data::addSeries);
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, unit, data, PlotOrientation.VERTICAL, true,
        false, false);
    XYPlot plot = chart.getXYPlot();
    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDefaultLinesVisible(true);
    renderer.setDefaultShapesVisible(true);
    renderer.setDrawXError(false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    if (logX) {
      plot.setDomainAxis(logAxis(xLabel));
    }
    if (logY) {
      plot.setRangeAxis(logAxis(unit));
    }
    style(chart);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** Bars of ratios with error bars and a line at 1. */
  static void bars(Path file, String title, String categoryLabel, List<Bar> bars) throws IOException {
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    for (Bar b : bars) {
      data.add(b.value(), Double.isFinite(b.error()) ? b.error() : 0, b.series(), b.category());
    }
    JFreeChart chart = ChartFactory.createBarChart(title, categoryLabel, "ratio", data, PlotOrientation.VERTICAL,
        true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    StatisticalBarRenderer renderer = new StatisticalBarRenderer();
    renderer.setErrorIndicatorPaint(Color.BLACK);
    renderer.setDrawBarOutline(false);
    renderer.setItemMargin(0.05);
    plot.setRenderer(renderer);
    plot.addRangeMarker(new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(1.5f)));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    style(chart);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /** A base-10 logarithmic axis with ticks at powers of ten, labelled as plain numbers. */
  private static LogAxis logAxis(String label) {
    LogAxis axis = new LogAxis(label);
    axis.setBase(10);
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    axis.setNumberFormatOverride(new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    axis.setMinorTickMarksVisible(true);
    return axis;
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
  }
}
