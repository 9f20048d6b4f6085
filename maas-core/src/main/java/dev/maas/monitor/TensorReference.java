package dev.maas.monitor;

import dev.maas.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The reference statistics of one input or output tensor: how many columns a row of it has (1 for
 * a tensor whose rank is not 2, whose values are flattened into one feature) and the
 * features recorded, at most {@link ReferenceOptions#maxFeaturesPerTensor()}. Immutable.
 *
 * @param name the tensor's name in the model signature
 * @param columns the values per row (dimension 1 of a rank-2 tensor), else 1
 * @param features the recorded features, in column order
 */
public record TensorReference(String name, int columns, List<FeatureReference> features) {
  /** Checks that the features are distinct columns below {@code columns} with distinct names. */
  public TensorReference {
    Objects.requireNonNull(name, "name");
    features = List.copyOf(features);
    if (columns < 1) {
      throw new InvalidInputException("tensor '" + name + "': columns must be at least 1, got " + columns);
    }
    Set<Integer> seen = new HashSet<>();
    Set<String> names = new HashSet<>();
    int last = -1;
    for (FeatureReference f : features) {
      if (f.column() >= columns || f.column() <= last || !seen.add(f.column())) {
        throw new InvalidInputException("tensor '" + name + "': feature '" + f.name() + "' has column " + f.column()
            + "; columns must increase and be below " + columns);
      }
      if (!names.add(f.name())) {
        throw new InvalidInputException("tensor '" + name + "': feature name '" + f.name() + "' appears twice");
      }
      last = f.column();
    }
  }

  /** The feature named {@code feature}, if recorded. */
  public java.util.Optional<FeatureReference> feature(String feature) {
    return features.stream().filter(f -> f.name().equals(feature)).findFirst();
  }
}
