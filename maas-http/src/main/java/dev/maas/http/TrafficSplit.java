package dev.maas.http;

import dev.maas.AliasTarget;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How an alias's traffic is shared between its live versions: each version owns a range of
 * [0, total weight) as wide as its weight, and a request lands where the hash of its id falls, so
 * a retry with the same id reaches the same version. A request without an id takes the next
 * number of the caller's sequence, mixed through the same hash. Immutable and thread-safe.
 */
final class TrafficSplit {
  private final AliasTarget target;
  private final int[] versions;
  /** Exclusive upper end of each version's range. */
  private final long[] upper;

  TrafficSplit(AliasTarget target) {
    this.target = target;
    versions = new int[target.weights().size()];
    upper = new long[versions.length];
    long end = 0;
    int i = 0;
    for (Map.Entry<Integer, Integer> e : target.weights().entrySet()) {
      end += e.getValue();
      versions[i] = e.getKey();
      upper[i] = end;
      i++;
    }
  }

  AliasTarget target() {
    return target;
  }

  /** The live version for a request with {@code id}, or without one: then the next of {@code turns}. */
  int pick(Optional<String> id, AtomicLong turns) {
    if (versions.length == 1) {
      return versions[0];
    }
    long h = id.isPresent() ? hash(id.get()) : mix(turns.getAndIncrement());
    long point = Long.remainderUnsigned(h, upper[upper.length - 1]);
    for (int i = 0; i < upper.length; i++) {
      if (point < upper[i]) {
        return versions[i];
      }
    }
    return versions[versions.length - 1];
  }

  /** Whether requests must be read for their id before they can be routed. */
  boolean needsId() {
    return versions.length > 1;
  }

  /** 64-bit FNV-1a of the UTF-8 bytes of {@code id}, mixed: the same in every process and release. */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** MurmurHash3's 64-bit finaliser: spreads nearby inputs over all 64 bits. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
