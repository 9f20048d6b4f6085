package dev.maas.cli;

import dev.maas.monitor.FeatureDrift;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** Draws one feature's reference and current distributions over its bins as a PNG bar chart. Stateless. */
final class DriftChart {
  private static final Color REFERENCE = new Color(0x8C, 0x8C, 0x8C);
  private static final Color CURRENT = new Color(0xFF, 0x00, 0x51);

  private DriftChart() {}

  static void write(Path file, String model, FeatureDrift d) throws IOException {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<String> labels = d.binLabels();
    double[] p = d.referenceProportions();
    double[] q = d.currentProportions();
    for (int i = 0; i < labels.size(); i++) {
      if (i == labels.size() - 1 && p[i] == 0 && q[i] == 0) {
        continue; // no missing values on either side: leave the bar out
      }
      data.addValue(p[i], "reference", labels.get(i));
      data.addValue(q[i], "current", labels.get(i));
    }
    CategoryAxis bins = new CategoryAxis("bin");
    bins.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    NumberAxis share = new NumberAxis("share of values");
    BarRenderer renderer = new BarRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setSeriesPaint(0, REFERENCE);
    renderer.setSeriesPaint(1, CURRENT);
    renderer.setItemMargin(0.02);
    CategoryPlot plot = new CategoryPlot(data, bins, share, renderer);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    String title = String.format(Locale.ROOT, "%s  %s %s / %s   PSI %.3f  JS %.3f%s", model,
        d.side().name().toLowerCase(Locale.ROOT), d.tensor(), d.feature(), d.psi(), d.jensenShannon(),
        Double.isNaN(d.kolmogorovSmirnov()) ? "" : String.format(Locale.ROOT, "  KS %.3f", d.kolmogorovSmirnov()));
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
  }

  /** A file name for the chart of {@code d}: letters, digits, dots, dashes and underscores only. */
  static String fileName(FeatureDrift d) {
    String raw = d.side().name().toLowerCase(Locale.ROOT) + "-" + d.tensor() + "-" + d.feature();
    return raw.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
  }
}
