package dev.maas.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.Predictor;
import dev.maas.monitor.DriftMonitor;
import dev.maas.monitor.DriftReport;
import dev.maas.monitor.FeatureDrift;
import dev.maas.monitor.MonitorOptions;
import dev.maas.monitor.ReferenceStatistics;
import dev.maas.monitor.Window;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas monitor REF --store DIR --data FILE}: compares a data set (and the model's predictions
 * for it) with the reference statistics stored with the version, feature by feature, and flags the
 * features whose population stability index passes the usual thresholds.
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
    description = "Compare new data with a stored version's reference statistics: PSI, Jensen-Shannon distance and "
        + "Kolmogorov-Smirnov statistic per input and output feature.",
    footerHeading = "%nExample:%n",
    footer = "  maas monitor sales --store maas-store --data this-week.csv --plot drift-charts")
final class MonitorCommand implements Callable<Integer> {
  static final double MODERATE = 0.1;
  static final double SIGNIFICANT = 0.25;

  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--data", required = true, paramLabel = "FILE",
      description = "The data to check: CSV with a header row, or inference request bodies as JSON Lines (.jsonl).")
  Path data;

  @Option(names = "--plot", paramLabel = "DIR",
      description = "Write a PNG histogram, reference against current, for each feature with PSI of 0.1 or more.")
  Path plot;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    InputFiles.requireReadable(data, "--data", "a CSV or JSON Lines file");
    PrintWriter out = spec.commandLine().getOut();
    try (ModelStore s = store.open()) {
      ModelVersion version = s.get(reference);
      ReferenceStatistics stats = ReferenceStatistics.stored(s, version).orElseThrow(() -> new IllegalArgumentException(
          version.reference() + " has no reference statistics (versions get them from 'maas train', "
              + "'maas import --reference' or 'maas optimize' of a version that has them)"));
      DriftReport report;
      long rows;
      try (Model model = s.open(version.reference())) {
        stats.checkFits(model.signature());
        DriftMonitor monitor = DriftMonitor.create(stats,
            MonitorOptions.builder().window(Window.unbounded()).maxFeatures(10_000).build());
        List<String> columns = MonitorData.isJsonLines(data) ? List.of()
            : MonitorData.columns(data, "--data", model, version.reference().toString(),
                MonitorData.featureNames(stats, model.signature()));
        Predictor predictor = model.predictor();
        rows = MonitorData.forEachBatch(data, "--data", model.signature(), columns,
            batch -> monitor.observe(batch, predictor.predict(batch)));
        report = monitor.report();
      }
      if (rows == 0) {
        throw new IllegalArgumentException(data + " holds no rows; there is nothing to compare with the reference");
      }
      List<Path> charts = new ArrayList<>();
      if (plot != null) {
        Files.createDirectories(plot);
        for (FeatureDrift d : report.features()) {
          if (d.hasData() && d.psi() >= MODERATE) {
            Path file = plot.resolve(DriftChart.fileName(d));
            DriftChart.write(file, version.reference().toString(), d);
            charts.add(file);
          }
        }
      }
      out.println(json ? json(version, rows, report, charts) : text(version, rows, report, charts));
    }
    out.flush();
    return 0;
  }

  static String status(FeatureDrift d) {
    if (!d.hasData()) {
      return "no data";
    }
    double psi = d.psi();
    return psi >= SIGNIFICANT ? "DRIFT" : psi >= MODERATE ? "moderate" : "stable";
  }

  private static String text(ModelVersion version, long rows, DriftReport report, List<Path> charts) {
    StringBuilder b = new StringBuilder();
    b.append(version.reference()).append(": ").append(rows).append(" rows against the reference (PSI >= ")
        .append(MODERATE).append(" moderate, >= ").append(SIGNIFICANT).append(" DRIFT)\n");
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"side", "tensor", "feature", "kind", "missing", "out of range", "PSI", "JS", "KS", ""});
    for (FeatureDrift d : report.features()) {
      boolean has = d.hasData();
      lines.add(new String[] {d.side().name().toLowerCase(Locale.ROOT), d.tensor(), d.feature(),
          d.reference().kind().name().toLowerCase(Locale.ROOT),
          has ? String.format(Locale.ROOT, "%.1f%%", 100 * d.missingRate()) : "-",
          Long.toString(d.outOfRangeTotal()), has ? fixed(d.psi()) : "-", has ? fixed(d.jensenShannon()) : "-",
          has && !Double.isNaN(d.kolmogorovSmirnov()) ? fixed(d.kolmogorovSmirnov()) : "-", status(d)});
    }
    int[] width = new int[lines.get(0).length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    for (String[] l : lines) {
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < l.length; i++) {
        boolean right = i >= 4 && i <= 8;
        String cell = right ? " ".repeat(width[i] - l[i].length()) + l[i] : l[i] + " ".repeat(width[i] - l[i].length());
        row.append(i == 0 ? "" : "  ").append(cell);
      }
      b.append(row.toString().stripTrailing()).append('\n');
    }
    long moderate = report.features().stream().filter(d -> status(d).equals("moderate")).count();
    long drift = report.features().stream().filter(d -> status(d).equals("DRIFT")).count();
    b.append(drift).append(" drifted, ").append(moderate).append(" moderate, of ").append(report.features().size())
        .append(" features");
    for (Path chart : charts) {
      b.append("\nchart: ").append(chart);
    }
    return b.toString();
  }

  private static String fixed(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String json(ModelVersion version, long rows, DriftReport report, List<Path> charts) {
    return JsonOutput.write(g -> {
      g.writeStartObject();
      g.writeStringField("model", version.name());
      g.writeNumberField("version", version.version());
      g.writeNumberField("rows", rows);
      g.writeNumberField("psiModerate", MODERATE);
      g.writeNumberField("psiSignificant", SIGNIFICANT);
      g.writeArrayFieldStart("features");
      for (FeatureDrift d : report.features()) {
        feature(g, d);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("charts");
      for (Path c : charts) {
        g.writeString(c.toString());
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void feature(JsonGenerator g, FeatureDrift d) throws IOException {
    boolean has = d.hasData();
    g.writeStartObject();
    g.writeStringField("side", d.side().name().toLowerCase(Locale.ROOT));
    g.writeStringField("tensor", d.tensor());
    g.writeStringField("feature", d.feature());
    g.writeStringField("kind", d.reference().kind().name().toLowerCase(Locale.ROOT));
    g.writeNumberField("values", d.windowCount());
    g.writeNumberField("missing", d.missingTotal());
    g.writeNumberField("outOfRange", d.outOfRangeTotal());
    if (has) {
      g.writeFieldName("missingRate");
      JsonOutput.number(g, d.missingRate());
      g.writeFieldName("psi");
      JsonOutput.number(g, d.psi());
      g.writeFieldName("js");
      JsonOutput.number(g, d.jensenShannon());
      g.writeFieldName("ks");
      if (Double.isNaN(d.kolmogorovSmirnov())) {
        g.writeNull();
      } else {
        JsonOutput.number(g, d.kolmogorovSmirnov());
      }
    }
    g.writeStringField("status", status(d));
    g.writeArrayFieldStart("bins");
    List<String> labels = d.binLabels();
    double[] p = d.referenceProportions();
    double[] q = d.currentProportions();
    for (int i = 0; i < labels.size(); i++) {
      g.writeStartObject();
      g.writeStringField("bin", labels.get(i));
      g.writeFieldName("reference");
      JsonOutput.number(g, p[i]);
      g.writeFieldName("current");
      JsonOutput.number(g, q[i]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
