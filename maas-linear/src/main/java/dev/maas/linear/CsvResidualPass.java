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
 * Reads a CSV file again for {@link SemiNormalRefiner}, through the trainer's one CSV loop
 * ({@link LinearRegressionTrainer#streamLines}): blocks of lines are parsed and their residuals
 * accumulated ({@link ResidualSums}) on a {@link ParallelFolder}'s workers, each into its own
 * sums, which are then added in worker order, so the result is deterministic for a given thread
 * count and memory does not depend on the number of rows.
 *
 * <p>Instances are used by one thread at a time.
 */
final class CsvResidualPass implements SemiNormalRefiner.ResidualPass {
  /** The second reads made in this JVM, for tests that check a fit needed none. */
  static final java.util.concurrent.atomic.AtomicLong READS = new java.util.concurrent.atomic.AtomicLong();

  private final Path csv;
  private final List<String> header;
  private final int[] slots;
  private final Design design;
  private final int threads;

  CsvResidualPass(Path csv, List<String> header, int[] slots, Design design, int threads) {
    this.csv = csv;
    this.header = header;
    this.slots = slots;
    this.design = design;
    this.threads = threads;
  }

  @Override
  public long accumulate(double[] hi, double[] lo, Dot2 rss, Dot2[] gradient) {
    READS.incrementAndGet();
    StreamedSums total;
    try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        ParallelFolder<StreamedSums> folder = new ParallelFolder<>(threads, design.columns, 1, 1,
            columns -> new StreamedSums(null, new ResidualSums(design, hi, lo)))) {
      reader.readLine();
      LinearRegressionTrainer.streamLines(new LinearRegressionTrainer.CsvCursor(reader, 1), new ArrayList<>(), 2,
          Long.MAX_VALUE, header, slots, design, folder, CsvResidualPass::fold, CsvTap.NONE);
      total = folder.finish();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw LinearRegressionTrainer.notUtf8(csv);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + csv + ": " + e.getMessage(), e,
          MaasException.Context.ofFile(csv));
    }
    total.residuals.addTo(design, rss, gradient);
    return total.residuals.rows();
  }

  private static void fold(ParallelFolder.Worker<StreamedSums> worker, String[] lines, long firstLine,
      List<String> header, int[] slots, Design design) {
    ResidualSums sums = worker.accumulator.residuals;
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
  }
}
