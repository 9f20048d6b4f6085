package dev.maas;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The declared name, element type and shape of one model input or output. A dimension of {@code
 * -1} is dynamic: any size fits there (typically the batch dimension 0).
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param name the tensor's name, as the model and the protocol spell it; any non-empty string
 * @param dataType the element type
 * @param shape the dimensions, each {@code -1} (dynamic) or non-negative
 */
public record TensorSpec(String name, DataType dataType, List<Long> shape) {
  /** The marker for a dynamic dimension. */
  public static final long DYNAMIC = -1;

  /** Validates and copies the components. */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataType, "dataType");
    shape = List.copyOf(shape);
    if (name.isEmpty()) {
      throw new InvalidInputException("tensor name must not be empty");
    }
    for (Long d : shape) {
      if (d < DYNAMIC) {
        throw new InvalidInputException("tensor '" + name + "': dimension " + d + " is neither -1 nor >= 0");
      }
    }
  }

  /** A spec with the dimensions given as {@code long}s. */
  public static TensorSpec of(String name, DataType dataType, long... shape) {
    List<Long> dims = new ArrayList<>(shape.length);
    for (long d : shape) {
      dims.add(d);
    }
    return new TensorSpec(name, dataType, dims);
  }

  /** The dimensions as a new array. */
  public long[] dims() {
    long[] out = new long[shape.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape.get(i);
    }
    return out;
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.size();
  }

  /** Whether {@code dims} has this spec's rank and matches every fixed dimension. */
  public boolean acceptsShape(long[] dims) {
    if (dims.length != shape.size()) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      long expected = shape.get(i);
      if (expected != DYNAMIC && expected != dims[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code tensor} has this spec's type, rank and fixed dimensions. Allocates nothing. */
  public boolean accepts(Tensor tensor) {
    if (tensor.dataType() != dataType || tensor.rank() != shape.size()) {
      return false;
    }
    for (int i = 0; i < shape.size(); i++) {
      long expected = shape.get(i);
      if (expected != DYNAMIC && expected != tensor.dim(i)) {
        return false;
      }
    }
    return true;
  }

  /** The type and shape as messages print them, for example {@code FP32 [-1, 4]}. */
  public String describe() {
    return dataType + " " + shape;
  }
}
