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
import java.util.ArrayList;
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
    description = "Explain a stored model's predictions for CSV rows with Shapley values (feature attributions).")
final class ExplainCommand implements Callable<Integer> {
  /** The most rows {@code --plot} draws into one image. */
  static final int MAX_PLOT_ROWS = 50;

  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--input", required = true, paramLabel = "FILE.csv",
      description = "Rows to explain: CSV with a header; the model's feature columns are read by name, others ignored.")
  Path input;

  @Option(names = "--background", paramLabel = "FILE.csv",
      description = "Background rows (CSV with a header); default: the background stored with the version.")
  Path background;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw a waterfall chart per row into a PNG.")
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
      ModelVersion version = s.get(reference);
      try (Model model = s.open(version.reference())) {
        Background bg = background != null ? readBackground(model) : Background.stored(s, version)
            .orElseThrow(() -> new IllegalArgumentException(version.reference() + " has no stored background;"
                + " pass one with --background FILE.csv"));
        Explainer.Builder builder = Explainer.builder(model, bg);
        if (output != null) {
          builder.output(output);
        }
        Explainer explainer = builder.build();
        int col = chooseColumn(explainer);
        double[][] rows = CsvColumns.read(input, explainer.featureNames());
        if (plot != null && rows.length > MAX_PLOT_ROWS) {
          throw new IllegalArgumentException("--plot draws at most " + MAX_PLOT_ROWS + " rows; " + input + " has "
              + rows.length);
        }
        Explanation explanation = explainer.explain(rows);
        String name = version.name() + ":" + version.version();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          out.println(ExplainOutput.json(name, explanation, col));
        } else {
          out.print(ExplainOutput.text(name, explanation, col, rows, bg.rowCount()));
        }
        out.flush();
        if (plot != null) {
          WaterfallChart.write(plot, name, explanation, col, rows);
        }
      }
    }
    return 0;
  }

  private Background readBackground(Model model) throws IOException {
    String declared = model.metadata().get("features");
    List<String> names;
    if (declared != null && !declared.isBlank()) {
      names = new ArrayList<>();
      for (String n : declared.split(",", -1)) {
        names.add(n.trim());
      }
    } else {
      names = CsvColumns.header(background);
    }
    return Background.of(names, CsvColumns.read(background, names));
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
