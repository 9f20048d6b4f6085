package dev.maas.linear;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.internal.Csv;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CSV file again for {@link SemiNormalRefiner}: blocks of lines are parsed and their
 * residuals accumulated on a {@link ParallelFolder}'s workers, each into its own extended-precision
 * sums, which are then added in worker order, so the result is deterministic for a given thread
 * count and memory does not depend on the number of rows.
 *
 * <p>Instances are used by one thread at a time.
 */
final class CsvResidualPass implements SemiNormalRefiner.ResidualPass {
  private final Path csv;
  private final List<String> header;
  private final int[] slots;
  private final Design design;
  private final int threads;
  private final int blockRows;

  CsvResidualPass(Path csv, List<String> header, int[] slots, Design design, int threads, int blockRows) {
    this.csv = csv;
    this.header = header;
    this.slots = slots;
    this.design = design;
    this.threads = threads;
    this.blockRows = blockRows;
  }

  @Override
  public long accumulate(double[] hi, double[] lo, Dot2 rss, Dot2[] gradient) {
    ResidualSums[] workerSums = new ResidualSums[threads];
    for (int t = 0; t < threads; t++) {
      workerSums[t] = new ResidualSums(design, hi, lo);
    }
    try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        ParallelFolder<QrAccumulator> folder = new ParallelFolder<>(threads, design.columns, 1, 1, QrAccumulator::new)) {
      reader.readLine();
      long lineNumber = 1;
      long blockFirstLine = 2;
      List<String> block = new ArrayList<>(blockRows);
      String line;
      while (!folder.failed() && (line = reader.readLine()) != null) {
        lineNumber++;
        block.add(line);
        if (block.size() == blockRows) {
          submit(folder, block.toArray(new String[0]), blockFirstLine, workerSums);
          block.clear();
          blockFirstLine = lineNumber + 1;
        }
      }
      if (!block.isEmpty() && !folder.failed()) {
        submit(folder, block.toArray(new String[0]), blockFirstLine, workerSums);
      }
      folder.finish();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw LinearRegressionTrainer.notUtf8(csv);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + csv + ": " + e.getMessage(), e,
          MaasException.Context.ofFile(csv));
    }
    long rows = 0;
    for (ResidualSums sums : workerSums) {
      sums.addTo(design, rss, gradient);
      rows += sums.rows();
    }
    return rows;
  }

  private void submit(ParallelFolder<QrAccumulator> folder, String[] lines, long firstLine, ResidualSums[] workerSums) {
    folder.submit(worker -> {
      ResidualSums sums = workerSums[worker.index];
      double[] values = new double[design.values()];
      int p = design.features;
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        Csv.parseRow(lines[i], firstLine + i, slots, header, values);
        if (!design.weighted) {
          sums.add(values, values[p]);
        } else if (values[p + 1] != 0) {
          sums.add(values, values[p], values[p + 1]);
        }
      }
    });
  }
}
