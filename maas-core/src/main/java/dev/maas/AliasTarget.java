package dev.maas;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an alias points at: one version, or a traffic split between versions by weight, and
 * optionally a shadow version that receives a copy of the traffic whose answers are only
 * compared, never returned. A plain alias ({@code production -> 3}) is {@link #of(int)}; {@code
 * 3=90,4=10} is {@link #split(Map)}. A server sends each request to one live version with
 * probability weight / total weight.
 *
 * <p>The alias's {@linkplain #primary() primary} version, the live version of largest weight
 * (the lowest such version on a tie), is what {@link ModelStore#aliases(String)} reports and what
 * {@code name@alias} resolves to outside a server.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param weights live version to its weight (1 to {@value #MAX_WEIGHT}), sorted by version, at least
 *     one; a lone version's weight is 1
 * @param shadow the shadow version, if any; never one of the live versions
 */
public record AliasTarget(SortedMap<Integer, Integer> weights, OptionalInt shadow) {
  /** The largest weight of one version. */
  public static final int MAX_WEIGHT = 1_000_000;

  /** Checks and copies; see the class description for the rules. */
  public AliasTarget {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(shadow, "shadow");
    if (weights.isEmpty()) {
      throw new InvalidInputException("an alias target needs at least one version");
    }
    TreeMap<Integer, Integer> copy = new TreeMap<>();
    for (Map.Entry<Integer, Integer> e : weights.entrySet()) {
      int version = Objects.requireNonNull(e.getKey(), "version");
      int weight = Objects.requireNonNull(e.getValue(), "weight");
      if (version < 1) {
        throw new InvalidInputException("version " + version + " in a split must be 1 or more");
      }
      if (weight < 1 || weight > MAX_WEIGHT) {
        throw new InvalidInputException("weight of version " + version + " must be a whole number from 1 to "
            + MAX_WEIGHT + ", got " + weight);
      }
      copy.put(version, weight);
    }
    if (shadow.isPresent()) {
      if (shadow.getAsInt() < 1) {
        throw new InvalidInputException("shadow version " + shadow.getAsInt() + " must be 1 or more");
      }
      if (copy.containsKey(shadow.getAsInt())) {
        throw new InvalidInputException("shadow version " + shadow.getAsInt()
            + " also takes live traffic; a shadow must be another version");
      }
    }
    if (copy.size() == 1) {
      copy.put(copy.firstKey(), 1); // one live version takes everything, whatever its weight
    }
    weights = Collections.unmodifiableSortedMap(copy);
  }

  /** An alias that sends everything to {@code version}. */
  public static AliasTarget of(int version) {
    return new AliasTarget(new TreeMap<>(Map.of(version, 1)), OptionalInt.empty());
  }

  /** An alias that splits traffic between the versions of {@code weights} by weight. */
  public static AliasTarget split(Map<Integer, Integer> weights) {
    Objects.requireNonNull(weights, "weights");
    return new AliasTarget(new TreeMap<>(weights), OptionalInt.empty());
  }

  /** This target with {@code version} as its shadow. */
  public AliasTarget withShadow(int version) {
    return new AliasTarget(weights, OptionalInt.of(version));
  }

  /** This target without a shadow. */
  public AliasTarget withoutShadow() {
    return new AliasTarget(weights, OptionalInt.empty());
  }

  /** The live version of largest weight, the lowest such version on a tie. */
  public int primary() {
    int best = -1;
    int bestWeight = 0;
    for (Map.Entry<Integer, Integer> e : weights.entrySet()) {
      if (e.getValue() > bestWeight) {
        best = e.getKey();
        bestWeight = e.getValue();
      }
    }
    return best;
  }

  /** The sum of the weights. */
  public int totalWeight() {
    long total = 0;
    for (int w : weights.values()) {
      total += w;
    }
    return (int) Math.min(total, Integer.MAX_VALUE);
  }

  /** Whether this is one version and no shadow: what an alias was before splits. */
  public boolean isPlain() {
    return weights.size() == 1 && shadow.isEmpty();
  }

  /** Every version this target names, live and shadow, ascending. */
  public java.util.SortedSet<Integer> versions() {
    TreeSet<Integer> all = new TreeSet<>(weights.keySet());
    shadow.ifPresent(all::add);
    return Collections.unmodifiableSortedSet(all);
  }

  /** Whether {@code version} takes live traffic or is the shadow. */
  public boolean references(int version) {
    return weights.containsKey(version) || (shadow.isPresent() && shadow.getAsInt() == version);
  }

  /** As the command line writes it: {@code 3}, {@code 3=90,4=10}, {@code 3=90,4=10 shadow 5}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (weights.size() == 1) {
      b.append(weights.firstKey());
    } else {
      weights.forEach((v, w) -> b.append(b.length() == 0 ? "" : ",").append(v).append('=').append(w));
    }
    shadow.ifPresent(s -> b.append(" shadow ").append(s));
    return b.toString();
  }
}
