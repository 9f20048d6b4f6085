package dev.maas.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
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
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The renderer's PNG charts, drawn with JFreeChart. Colours come from a palette that stays apart on
 * white and for colour-blind readers (Okabe and Ito), each series also with its own marker and dash.
 * Stateless.
 */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;
  private static final Color[] PALETTE = {new Color(0x00, 0x72, 0xB2), new Color(0xD5, 0x5E, 0x00),
      new Color(0x00, 0x9E, 0x73), new Color(0xCC, 0x79, 0xA7), new Color(0x56, 0xB4, 0xE9),
      new Color(0xE6, 0x9F, 0x00), Color.BLACK};
  private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {8f, 3f, 2f, 3f}};
  private static final DecimalFormat PLAIN = new DecimalFormat("#,##0.#####", DecimalFormatSymbols.getInstance(Locale.ROOT));

  /** One bar: a ratio and its error, in a series at a category. */
  record Bar(String series, String category, double value, double error) {}

  private Charts() {}

  /**
   * A line chart of score against {@code x}, one line per series, with ticks at exactly the x values
   * measured. JMH's errors are in the tables beside the charts; drawn here they would hide the lines.
   */
  static void line(Path file, String title, String xLabel, String unit, List<JmhResult> results,
      Function<JmhResult, Double> x, Function<JmhResult, String> series, boolean logX, boolean logY)
      throws IOException {
    Map<String, XYSeries> bySeries = new TreeMap<>();
    java.util.SortedSet<Double> xs = new java.util.TreeSet<>();
    for (JmhResult r : results) {
      bySeries.computeIfAbsent(series.apply(r), name -> new XYSeries(name, true, false)).add(x.apply(r).doubleValue(), r.score());
      xs.add(x.apply(r));
    }
    XYSeriesCollection data = new XYSeriesCollection();
    bySeries.values().forEach(data::addSeries);
    JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, unit, data, PlotOrientation.VERTICAL, true,
        false, false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    java.awt.Shape[] shapes = DefaultDrawingSupplier.createStandardSeriesShapes();
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
      float[] dash = DASHES[(i / PALETTE.length + i) % DASHES.length];
      renderer.setSeriesStroke(i, dash == null ? new BasicStroke(2.5f)
          : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
      renderer.setSeriesShape(i, shapes[i % shapes.length]);
    }
    plot.setRenderer(renderer);
    ValueAxis domain = logX ? new MeasuredLogAxis(xLabel, List.copyOf(xs)) : plot.getDomainAxis();
    if (!logX && domain instanceof NumberAxis n) {
      n.setAutoRangeIncludesZero(false);
    }
    plot.setDomainAxis(domain);
    if (logY) {
      plot.setRangeAxis(logAxis(unit));
    }
    style(chart);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    chart.addSubtitle(new TextTitle("JMH scores; their errors are in the table above the chart",
        new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  /**
   * Horizontal bars of ratios on a logarithmic axis, growing from the line at 1 (same as the
   * reference) to the ratio, so that 0.5 and 2 are as long and a ratio of 0.005 is as visible as one
   * of 200; each bar is labelled with its value. The chart grows with the number of bars, and
   * category labels get the room they need.
   */
  static void bars(Path file, String title, String categoryLabel, List<Bar> bars) throws IOException {
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    double min = 1;
    double max = 1;
    for (Bar b : bars) {
      double error = Double.isFinite(b.error()) ? Math.min(b.error(), 0.9 * b.value()) : 0;
      data.add(b.value(), error, b.series(), b.category());
      min = Math.min(min, b.value() - error);
      max = Math.max(max, b.value() + error);
    }
    JFreeChart chart = ChartFactory.createBarChart(title, categoryLabel, "ratio (logarithmic; 1 = same)", data,
        PlotOrientation.HORIZONTAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    StatisticalBarRenderer renderer = new StatisticalBarRenderer();
    renderer.setErrorIndicatorPaint(Color.DARK_GRAY);
    renderer.setDrawBarOutline(false);
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    renderer.setBase(1.0);
    for (int i = 0; i < data.getRowCount(); i++) {
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new ThreeDigits()));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
    renderer.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));
    plot.setRenderer(renderer);
    LogAxis axis = logAxis("ratio (logarithmic; 1 = same)");
    axis.setRange(min / 3, max * 3); // room for the value labels at both ends
    plot.setRangeAxis(axis);
    plot.addRangeMarker(new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(1.5f)));
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.35f);
    plot.getDomainAxis().setMaximumCategoryLabelLines(2);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    style(chart);
    int height = Math.max(360, 150 + 26 * data.getColumnCount() * Math.max(1, data.getRowCount()));
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, height);
  }

  /** A base-10 logarithmic axis with ticks at 1, 2 and 5 times the powers of ten, labelled as plain numbers. */
  private static LogAxis logAxis(String label) {
    return new NiceLogAxis(label);
  }

  /** {@code v} with three significant digits, as a bar's label. */
  private static final class ThreeDigits extends java.text.NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, java.text.FieldPosition pos) {
      String text = String.format(Locale.ROOT, "%.3g", number);
      return toAppendTo.append(text.contains("e") ? text : text.replaceFirst("(\\.\\d*?)0+$", "$1")
          .replaceFirst("\\.$", ""));
    }

    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, java.text.FieldPosition pos) {
      return format((double) number, toAppendTo, pos);
    }

    @Override
    public Number parse(String source, java.text.ParsePosition parsePosition) {
      throw new UnsupportedOperationException("labels only");
    }
  }

  /** A logarithmic axis with ticks at 1, 2 and 5 times each power of ten inside its range. */
  private static final class NiceLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;

    NiceLogAxis(String label) {
      super(label);
      setBase(10);
      setMinorTickMarksVisible(false);
    }

    @Override
    public List<org.jfree.chart.axis.Tick> refreshTicks(java.awt.Graphics2D g2, org.jfree.chart.axis.AxisState state,
        java.awt.geom.Rectangle2D dataArea, org.jfree.chart.ui.RectangleEdge edge) {
      List<org.jfree.chart.axis.Tick> ticks = new java.util.ArrayList<>();
      double lo = getLowerBound();
      double hi = getUpperBound();
      boolean horizontal = org.jfree.chart.ui.RectangleEdge.isTopOrBottom(edge);
      for (int k = (int) Math.floor(Math.log10(lo)); k <= (int) Math.ceil(Math.log10(hi)); k++) {
        for (int m : new int[] {1, 2, 5}) {
          double v = m * Math.pow(10, k);
          if (v >= lo && v <= hi) {
            ticks.add(new NumberTick(v, PLAIN.format(v), horizontal ? TextAnchor.TOP_CENTER : TextAnchor.CENTER_RIGHT,
                TextAnchor.CENTER, 0));
          }
        }
      }
      return ticks;
    }
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
  }

  /** A logarithmic axis whose ticks sit at the values measured (batch 8, 64, 512), not at powers of ten. */
  private static final class MeasuredLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;
    private final List<Double> values;

    MeasuredLogAxis(String label, List<Double> values) {
      super(label);
      this.values = values;
      setBase(10);
      double lo = values.get(0);
      double hi = values.get(values.size() - 1);
      setRange(lo / 1.5, hi * 1.5);
      setMinorTickMarksVisible(false);
    }

    @Override
    public List<org.jfree.chart.axis.Tick> refreshTicks(java.awt.Graphics2D g2, org.jfree.chart.axis.AxisState state,
        java.awt.geom.Rectangle2D dataArea, org.jfree.chart.ui.RectangleEdge edge) {
      List<org.jfree.chart.axis.Tick> ticks = new java.util.ArrayList<>();
      for (double v : values) {
        ticks.add(new NumberTick(v, PLAIN.format(v), org.jfree.chart.ui.TextAnchor.TOP_CENTER,
            org.jfree.chart.ui.TextAnchor.CENTER, 0));
      }
      return ticks;
    }
  }
}
