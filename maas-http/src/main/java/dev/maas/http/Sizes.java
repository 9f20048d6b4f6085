package dev.maas.http;

import java.util.Locale;

/** Byte sizes as people write them ({@code 64MiB}, {@code 512k}): parsing and formatting. Stateless. */
final class Sizes {
  private Sizes() {}

  static String format(long bytes) {
    if (bytes >= (1L << 30) && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= (1L << 10) && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }

  /**
   * Parses {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB} (also {@code k}, {@code m},
   * {@code g}, {@code KB}, {@code MB}, {@code GB}, all binary multiples).
   */
  static long parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
    long unit = 1;
    for (String[] suffix : new String[][] {{"GIB", "30"}, {"GB", "30"}, {"G", "30"}, {"MIB", "20"}, {"MB", "20"},
        {"M", "20"}, {"KIB", "10"}, {"KB", "10"}, {"K", "10"}, {"B", "0"}}) {
      if (t.endsWith(suffix[0])) {
        unit = 1L << Integer.parseInt(suffix[1]);
        t = t.substring(0, t.length() - suffix[0].length());
        break;
      }
    }
    long n;
    try {
      n = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a size such as 64MiB, 512KiB or 1048576", e);
    }
    if (n < 0 || n > Long.MAX_VALUE / unit) {
      throw new IllegalArgumentException("size '" + text + "' is out of range");
    }
    return n * unit;
  }
}
