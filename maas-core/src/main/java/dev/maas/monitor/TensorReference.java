package dev.maas.monitor;

import dev.maas.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The reference statistics of one input or output tensor: how its values map onto features, and the
 * features recorded, at most {@link ReferenceOptions#maxFeaturesPerTensor()}. Immutable.
 *
 * <p>By default ({@code axis} {@link #DEFAULT_AXIS}) feature {@code c} is column {@code c} of a
 * rank-2 {@code [rows, columns]} tensor, and a tensor of any other rank is one feature of all its
 * values, flattened. With a declared axis {@code k} (see {@link ReferenceBuilder#featureAxis}),
 * feature {@code c} holds every value whose index on dimension {@code k} is {@code c}: the
 * channels of an image {@code [n, channels, height, width]} with {@code k = 1}, say.
 *
 * @param name the tensor's name in the model signature
 * @param axis the dimension the features lie along, or {@link #DEFAULT_AXIS}
 * @param columns the number of features the tensor splits into: its dimension {@code axis}, or by
 *     default dimension 1 of a rank-2 tensor, else 1
 * @param features the recorded features, in column order
 */
public record TensorReference(String name, int axis, int columns, List<FeatureReference> features) {
  /** The default layout: the columns of a rank-2 tensor, else all values as one feature. */
  public static final int DEFAULT_AXIS = -1;

  /** Checks that the features are distinct columns below {@code columns} with distinct names. */
  public TensorReference {
    Objects.requireNonNull(name, "name");
    features = List.copyOf(features);
    if (columns < 1) {
      throw new InvalidInputException("tensor '" + name + "': columns must be at least 1, got " + columns);
    }
    if (axis < DEFAULT_AXIS) {
      throw new InvalidInputException("tensor '" + name + "': axis must be a dimension index >= 0 or "
          + DEFAULT_AXIS + " (the default layout), got " + axis);
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

  /** A reference in the default layout ({@link #DEFAULT_AXIS}). */
  public TensorReference(String name, int columns, List<FeatureReference> features) {
    this(name, DEFAULT_AXIS, columns, features);
  }

  /** The feature named {@code feature}, if recorded. */
  public java.util.Optional<FeatureReference> feature(String feature) {
    return features.stream().filter(f -> f.name().equals(feature)).findFirst();
  }
}
