package dev.maas.linear;

import dev.maas.internal.Csv;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hands a CSV fit's file to its {@link CsvObserver} as the fit reads it: the bytes through the
 * stream under the fit's reader, the feature values of each line before the fit's workers parse
 * it. Without an observer it does nothing. Used by the fitting thread only.
 */
final class CsvTap {
  /** The tap that hands nothing over. */
  static final CsvTap NONE = new CsvTap(null, null, null, null);

  private final CsvObserver observer;
  private final List<String> header;
  private final int[] featureSlots;
  private final double[] features;

  private CsvTap(CsvObserver observer, List<String> header, int[] featureSlots, double[] features) {
    this.observer = observer;
    this.header = header;
    this.featureSlots = featureSlots;
    this.features = features;
  }

  /** A strict UTF-8 reader of {@code csv} whose bytes {@code observer} (when not null) sees. */
  static BufferedReader open(Path csv, CsvObserver observer) throws IOException {
    InputStream in = Files.newInputStream(csv);
    if (observer != null) {
      in = new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            observer.bytes(new byte[] {(byte) b}, 0, 1);
          }
          return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = super.read(buffer, offset, length);
          if (n > 0) {
            observer.bytes(buffer, offset, n);
          }
          return n;
        }
      };
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()));
  }

  /**
   * The tap that gives {@code observer} (when not null) the values of {@code features}, whose
   * cells {@code slots} maps to value positions 0 to {@code features.size() - 1}.
   */
  static CsvTap rows(CsvObserver observer, List<String> features, List<String> header, int[] slots) {
    if (observer == null) {
      return NONE;
    }
    observer.begin(List.copyOf(features));
    int[] featureSlots = slots.clone();
    for (int c = 0; c < featureSlots.length; c++) {
      if (featureSlots[c] >= features.size()) {
        featureSlots[c] = -1;
      }
    }
    return new CsvTap(observer, header, featureSlots, new double[features.size()]);
  }

  /** Hands over the rows of {@code lines}, the first of which is line {@code firstLine}. */
  void rows(List<String> lines, long firstLine) {
    if (observer == null) {
      return;
    }
    for (int k = 0; k < lines.size(); k++) {
      String line = lines.get(k);
      if (!line.isBlank()) {
        Csv.parseRow(line, firstLine + k, featureSlots, header, features);
        observer.row(features);
      }
    }
  }
}
