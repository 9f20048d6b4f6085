package dev.maas.cli;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.explain.Background;
import dev.maas.explain.Explainer;
import dev.maas.explain.Explanation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas explain REF --store DIR --input FILE.csv [--background FILE.csv] [--json] [--plot
 * FILE.png]}: Shapley values of a stored model's predictions for the rows of a CSV file, against
 * the background stored with the version or the one given.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Explain a stored model's predictions for CSV rows with Shapley values (feature attributions).",
    footerHeading = "%nExamples:%n",
    footer = {"  maas explain demo@production --store maas-store --input demo-houses-new.csv",
      "  maas explain demo:2 --store maas-store --input new.csv \\",
      "      --background train.csv --json --plot why.png"})
final class ExplainCommand implements Callable<Integer> {
  /** The most rows {@code --plot} draws into one image. */
  static final int MAX_PLOT_ROWS = 50;

  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--input", required = true, paramLabel = "CSV",
      description = "Rows to explain: CSV with a header; the model's feature columns are read by name, others ignored.")
  Path input;

  @Option(names = "--background", paramLabel = "CSV",
      description = "Background rows (CSV with a header); default: the background stored with the version.")
  Path background;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--plot", paramLabel = "PNG", description = "Also draw a waterfall chart per row into a PNG.")
  Path plot;

  @Option(names = "--output", paramLabel = "NAME",
      description = "The model output to explain (default: the only one, or the first floating-point one).")
  String output;

  @Option(names = "--column", paramLabel = "K",
      description = "The column of a multi-column output (a class of a classifier's probabilities), from 0.")
  Integer column;

  @Override
  public Integer call() throws IOException {
    try (ModelStore s = store.open()) {
      ModelVersion version = References.resolve(s, reference);
      try (Model model = s.open(version.reference())) {
        // the explainer takes the background's columns by these names, in this order (Explainer.builder)
        List<String> recorded = ModelColumns.recorded(model, version);
        Background bg = background != null ? readBackground(recorded) : Background.stored(s, version)
            .orElseThrow(() -> new IllegalArgumentException(version.reference() + " has no stored background;"
                + " pass one with --background FILE.csv"));
        Explainer.Builder builder = Explainer.builder(model, bg);
        if (output != null) {
          builder.output(output);
        }
        Explainer explainer = builder.build();
        int col = chooseColumn(explainer);
        double[][] rows = Table.readAll(input, "--input", explainer.featureNames());
        Explanation explanation = explainer.explain(rows);
        String name = version.name() + ":" + version.version();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          out.println(ExplainOutput.json(name, explanation, col));
        } else {
          out.print(ExplainOutput.text(name, explanation, col, rows, bg.rowCount(), recorded.isEmpty()
              ? "the background's columns, in its order" : "the model's features, read by name; other columns ignored"));
        }
        out.flush();
        if (plot != null) {
          int drawn = Math.min(rows.length, MAX_PLOT_ROWS);
          WaterfallChart.write(plot, name, explanation, col, rows, drawn);
          if (drawn < rows.length) {
            spec.commandLine().getErr().printf("maas: --plot drew the first %d of %d rows into %s%n", drawn,
                rows.length, plot);
            spec.commandLine().getErr().flush();
          }
        }
      }
    }
    return 0;
  }

  /**
   * The background file's columns for the model's recorded features, by name (other columns are
   * ignored), or every column in file order for a model that records none.
   */
  private Background readBackground(List<String> recorded) throws IOException {
    List<String> names = recorded.isEmpty() ? Table.header(background, "--background") : recorded;
    return Background.of(names, Table.readAll(background, "--background", names));
  }

  private int chooseColumn(Explainer explainer) {
    int k = explainer.outputColumns();
    if (column == null) {
      if (k > 1) {
        throw new IllegalArgumentException("output '" + explainer.output() + "' has " + k
            + " columns; choose one with --column 0.." + (k - 1));
      }
      return 0;
    }
    if (column < 0 || column >= k) {
      throw new IllegalArgumentException("--column " + column + " is out of range: output '" + explainer.output()
          + "' has " + k + " column" + (k == 1 ? "" : "s"));
    }
    return column;
  }
}
