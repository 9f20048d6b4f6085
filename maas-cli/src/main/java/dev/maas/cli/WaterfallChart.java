package dev.maas.cli;

import dev.maas.explain.Explanation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.IntervalBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultIntervalCategoryDataset;

/**
 * Waterfall charts of explanations, drawn with JFreeChart into one PNG (one chart per row, stacked
 * vertically): from the base value at the bottom, each feature's attribution is a bar that starts
 * where the previous one ended, largest at the top, ending at the prediction; red bars raise the
 * output, blue bars lower it. Beyond {@link #MAX_BARS} features the smallest are merged into one bar.
 *
 * <p>This class has no state.
 */
final class WaterfallChart {
  static final int MAX_BARS = 12;
  private static final Color UP = new Color(0xFF, 0x00, 0x51);
  private static final Color DOWN = new Color(0x00, 0x8B, 0xFB);
  private static final int WIDTH = 900;

  private WaterfallChart() {}

  static void write(Path file, String model, Explanation e, int column, double[][] rows) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int n = e.rowCount();
    int[] heights = new int[n];
    JFreeChart[] charts = new JFreeChart[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      charts[i] = chart(model, e, column, i, rows[i]);
      heights[i] = 110 + 30 * Math.min(MAX_BARS, e.featureNames().size());
      total += heights[i];
    }
    BufferedImage image = new BufferedImage(WIDTH, Math.max(total, 1), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, Math.max(total, 1));
      int y = 0;
      for (int i = 0; i < n; i++) {
        charts[i].draw(g, new Rectangle2D.Double(0, y, WIDTH, heights[i]));
        y += heights[i];
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  private static JFreeChart chart(String model, Explanation e, int column, int row, double[] x) {
    List<String> names = e.featureNames();
    double[] phi = e.attributions(row, column);
    Integer[] order = new Integer[phi.length];
    for (int j = 0; j < order.length; j++) {
      order[j] = j;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -Math.abs(phi[j])));
    int bars = Math.min(MAX_BARS, phi.length);
    String[] labels = new String[bars];
    double[] values = new double[bars];
    for (int b = 0; b < bars; b++) {
      if (b == bars - 1 && phi.length > bars) {
        double rest = 0;
        for (int k = b; k < phi.length; k++) {
          rest += phi[order[k]];
        }
        labels[b] = (phi.length - b) + " other features  " + signed(rest);
        values[b] = rest;
      } else {
        int j = order[b];
        labels[b] = names.get(j) + " = " + ExplainOutput.num(x[j]) + "  " + signed(phi[j]);
        values[b] = phi[j];
      }
    }
    Number[][] starts = new Number[1][bars];
    Number[][] ends = new Number[1][bars];
    double level = e.baseValue(column);
    for (int b = bars - 1; b >= 0; b--) {
      double from = level;
      level += values[b];
      starts[0][b] = Math.min(from, level);
      ends[0][b] = Math.max(from, level);
    }
    DefaultIntervalCategoryDataset data = new DefaultIntervalCategoryDataset(new Comparable<?>[] {"attribution"},
        labels, starts, ends);
    IntervalBarRenderer renderer = new IntervalBarRenderer() {
      private static final long serialVersionUID = 1L;

      @Override
      public Paint getItemPaint(int series, int category) {
        return values[category] >= 0 ? UP : DOWN;
      }
    };
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(false);
    renderer.setItemMargin(0);
    renderer.setIncludeBaseInRange(false);
    CategoryAxis categories = new CategoryAxis();
    categories.setMaximumCategoryLabelWidthRatio(0.4f);
    categories.setCategoryMargin(0.25);
    NumberAxis axis = new NumberAxis("model output");
    axis.setAutoRangeIncludesZero(false);
    axis.setLowerMargin(0.12);
    axis.setUpperMargin(0.12);
    CategoryPlot plot = new CategoryPlot(data, categories, axis, renderer);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    plot.addRangeMarker(marker(e.baseValue(column), "base " + ExplainOutput.num(e.baseValue(column)),
        RectangleAnchor.BOTTOM_LEFT, TextAnchor.BOTTOM_LEFT));
    plot.addRangeMarker(marker(e.prediction(row, column), "f(x) = " + ExplainOutput.num(e.prediction(row, column)),
        RectangleAnchor.TOP_RIGHT, TextAnchor.TOP_RIGHT));
    String title = model + " · row " + (row + 1) + (e.outputColumns() > 1 ? " · " + e.output() + "[" + column + "]"
        : "");
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static ValueMarker marker(double value, String label, RectangleAnchor anchor, TextAnchor text) {
    ValueMarker m = new ValueMarker(value, Color.DARK_GRAY,
        new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
    m.setLabel(label);
    m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
    m.setLabelAnchor(anchor);
    m.setLabelTextAnchor(text);
    return m;
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "-") + ExplainOutput.num(Math.abs(v));
  }
}
