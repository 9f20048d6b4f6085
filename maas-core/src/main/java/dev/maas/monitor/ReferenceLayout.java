package dev.maas.monitor;

import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import dev.maas.TensorSpec;

/**
 * How a tensor's values map onto features: the columns of a rank-2 [rows, columns] tensor, else all
 * values as one, or with a declared axis {@code k} one feature per index on dimension {@code k}.
 * A tensor then reads as rows (blocks) of {@code columns * inner} values, where {@code inner} is the
 * product of the dimensions after {@code k}: feature {@code c} is the {@code inner} values from
 * {@code c * inner} of each block. The default layout has {@code inner} 1.
 */
final class ReferenceLayout {
  /** Marks a [batch, columns] tensor whose width the signature leaves open. */
  static final int DYNAMIC = -1;

  private ReferenceLayout() {}

  /** The columns of a tensor of {@code spec}: its width if it has rank 2 ([rows, columns]), else 1. */
  static int columns(TensorSpec spec) {
    if (spec.rank() == 2) {
      long width = spec.dims()[1];
      return width < 0 ? DYNAMIC : Math.toIntExact(width);
    }
    return 1;
  }

  /** The columns of {@code tensor}, a value of {@code spec}. */
  static int columns(TensorSpec spec, Tensor tensor) {
    int c = columns(spec);
    if (c == DYNAMIC) {
      return tensor.rank() == 2 ? Math.toIntExact(tensor.dim(1)) : 1;
    }
    return c;
  }

  /** The features of a tensor of {@code spec} along {@code axis} (see {@link TensorReference#axis()}). */
  static int columns(TensorSpec spec, int axis) {
    if (axis == TensorReference.DEFAULT_AXIS) {
      return columns(spec);
    }
    long width = spec.dims()[axis];
    return width < 0 ? DYNAMIC : Math.toIntExact(width);
  }

  /**
   * The features of {@code tensor}, a value of {@code spec}, along {@code axis}.
   *
   * @throws InvalidInputException if the tensor has no dimension {@code axis}
   */
  static int columns(TensorSpec spec, Tensor tensor, int axis) {
    if (axis == TensorReference.DEFAULT_AXIS) {
      return columns(spec, tensor);
    }
    if (tensor.rank() <= axis) {
      throw new InvalidInputException("'" + spec.name() + "' has rank " + tensor.rank() + ", so no axis " + axis);
    }
    return Math.toIntExact(tensor.dim(axis));
  }

  /** The values of one feature in one block: the product of the dimensions after {@code axis}, or 1. */
  static int inner(Tensor tensor, int axis) {
    if (axis == TensorReference.DEFAULT_AXIS) {
      return 1;
    }
    long product = 1;
    for (int d = axis + 1; d < tensor.rank(); d++) {
      product *= tensor.dim(d);
    }
    return Math.toIntExact(product);
  }

  static void check(TensorReference t, TensorSpec spec, String side) {
    if (t.axis() != TensorReference.DEFAULT_AXIS && t.axis() >= spec.rank()) {
      throw new InvalidInputException("the reference describes " + side + " '" + t.name() + "' along axis " + t.axis()
          + "; the model's " + side + " is " + spec.describe());
    }
    int c = columns(spec, t.axis());
    if (c != DYNAMIC && c != t.columns()) {
      throw new InvalidInputException("the reference describes " + side + " '" + t.name() + "' with " + t.columns()
          + (t.columns() == 1 ? " column" : " columns") + "; the model's " + side + " is " + spec.describe());
    }
  }
}
