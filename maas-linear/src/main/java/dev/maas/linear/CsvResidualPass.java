package dev.maas.linear;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
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
    int k = design.parameters;
    Dot2[] workerRss = new Dot2[threads];
    Dot2[][] workerGradient = new Dot2[threads][k];
    long[] workerRows = new long[threads];
    for (int t = 0; t < threads; t++) {
      workerRss[t] = new Dot2();
      for (int c = 0; c < k; c++) {
        workerGradient[t][c] = new Dot2();
      }
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
          submit(folder, block.toArray(new String[0]), blockFirstLine, hi, lo, workerRss, workerGradient, workerRows);
          block.clear();
          blockFirstLine = lineNumber + 1;
        }
      }
      if (!block.isEmpty() && !folder.failed()) {
        submit(folder, block.toArray(new String[0]), blockFirstLine, hi, lo, workerRss, workerGradient, workerRows);
      }
      folder.finish();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw LinearRegressionTrainer.notUtf8(csv);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + csv + ": " + e.getMessage(), e,
          MaasException.Context.ofFile(csv));
    }
    long rows = 0;
    for (int t = 0; t < threads; t++) {
      rss.add(workerRss[t]);
      for (int c = 0; c < k; c++) {
        gradient[c].add(workerGradient[t][c]);
      }
      rows += workerRows[t];
    }
    return rows;
  }

  private void submit(ParallelFolder<QrAccumulator> folder, String[] lines, long firstLine, double[] hi, double[] lo,
      Dot2[] workerRss, Dot2[][] workerGradient, long[] workerRows) {
    folder.submit(worker -> {
      int t = worker.index;
      double[] values = new double[design.values()];
      double[] scratch = new double[2 * design.parameters];
      Dot2 sum = new Dot2();
      long rows = 0;
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        Csv.parse(lines[i], firstLine + i, slots, header, values);
        if (design.weighted && values[design.features + 1] == 0) {
          continue;
        }
        SemiNormalRefiner.addRow(design, values, hi, lo, scratch, sum, workerRss[t], workerGradient[t]);
        rows++;
      }
      workerRows[t] += rows;
    });
  }
}
