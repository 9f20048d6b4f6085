package dev.maas.linear;

import java.util.List;

/**
 * Work that rides on a CSV fit's one read of its file ({@link LinearRegressionTrainer#fitCsv(
 * java.nio.file.Path, String, String, CsvObserver)}): it sees every byte of the file, for a
 * checksum, and the feature values of every data row, for a sample, so that nothing else needs to
 * read the file again. Calls come on the thread that called {@code fitCsv}, in file order: {@link
 * #begin} once, then {@link #bytes} and {@link #row} as the file is read. Rows of weight zero are
 * seen too; blank lines are not rows. A fit that fails stops calling.
 *
 * <p>Implementations are used by one thread and need not be thread-safe.
 */
public interface CsvObserver {
  /** The fit's feature names, in the order {@link #row} gives the values; called once, after the header. */
  void begin(List<String> featureNames);

  /** The next {@code length} bytes of the file, at {@code data[offset]}; the array is reused after the call. */
  void bytes(byte[] data, int offset, int length);

  /** The feature values of the next data row; the array is reused after the call. */
  void row(double[] features);
}
