package dev.maas.monitor;

import dev.maas.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** An open-addressing table from a string category's UTF-8 bytes to its bin, read without copying. Immutable. */
final class StringBins {
  private final byte[][] keys;
  private final int[] hashes;
  private final int[] bins;
  private final int mask;
  private final int other;

  StringBins(List<String> categories) {
    int capacity = Integer.highestOneBit(Math.max(2, categories.size() * 2) * 2 - 1);
    keys = new byte[capacity][];
    hashes = new int[capacity];
    bins = new int[capacity];
    mask = capacity - 1;
    other = categories.size();
    for (int b = 0; b < categories.size(); b++) {
      byte[] key = categories.get(b).getBytes(StandardCharsets.UTF_8);
      int h = java.util.Arrays.hashCode(key);
      int i = spread(h) & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = key;
      hashes[i] = h;
      bins[i] = b;
    }
  }

  private static int spread(int h) {
    return (h ^ (h >>> 16)) * 0x45d9f3b;
  }

  /** The bin of element {@code index} of BYTES tensor {@code t}; the "other" bin if it is no category. */
  int bin(Tensor t, int index) {
    int h = t.byteStringHashCode(index);
    int i = spread(h) & mask;
    while (keys[i] != null) {
      if (hashes[i] == h && t.byteStringEquals(index, keys[i])) {
        return bins[i];
      }
      i = (i + 1) & mask;
    }
    return other;
  }
}
