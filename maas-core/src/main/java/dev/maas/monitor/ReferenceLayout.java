package dev.maas.monitor;

import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import dev.maas.TensorSpec;

/** How a tensor's values map onto features: the columns of a rank-2 [rows, columns] tensor, else all values as one. */
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

  static void check(TensorReference t, TensorSpec spec, String side) {
    int c = columns(spec);
    if (c != DYNAMIC && c != t.columns()) {
      throw new InvalidInputException("the reference describes " + side + " '" + t.name() + "' with " + t.columns()
          + (t.columns() == 1 ? " column" : " columns") + "; the model's " + side + " is " + spec.describe());
    }
  }
}
