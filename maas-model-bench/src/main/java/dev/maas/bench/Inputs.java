package dev.maas.bench;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.http.InferenceJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The inputs a benchmark sends: generated from a signature with a seed (dynamic first dimensions
 * from the batch size, other dynamic dimensions from {@code input:axis} sizes), or read from an
 * Open Inference Protocol request file. Stateless.
 */
final class Inputs {
  private Inputs() {}

  /**
   * Seeded inputs for every input of {@code signature}: Gaussian values for floating-point types,
   * integers 0 to 9 for integer types (valid as small indices), random booleans.
   *
   * @throws InvalidInputException if an input is BYTES or a dynamic dimension other than the first has no size
   */
  static Map<String, Tensor> generate(ModelSignature signature, int batch, Map<String, Long> dims, long seed) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    int index = 0;
    for (TensorSpec spec : signature.inputs()) {
      long[] shape = shape(spec, batch, dims);
      SplittableRandom random = new SplittableRandom(seed + 31L * index++);
      out.put(spec.name(), tensor(spec.dataType(), shape, random));
    }
    return out;
  }

  /** Checks that {@link #generate} can build inputs for {@code signature}; throws as it would. */
  static void checkGeneratable(ModelSignature signature, Map<String, Long> dims) {
    for (TensorSpec spec : signature.inputs()) {
      shape(spec, 1, dims);
    }
    for (String key : dims.keySet()) {
      String input = key.substring(0, key.lastIndexOf(':'));
      int axis = Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
      TensorSpec spec = signature.inputs().stream().filter(s -> s.name().equals(input)).findFirst()
          .orElseThrow(() -> new InvalidInputException("--dim " + key + ": the model has no input '" + input
              + "' (inputs: " + signature.inputs().stream().map(TensorSpec::name).toList() + ")"));
      if (axis >= spec.shape().size() || spec.shape().get(axis) != TensorSpec.DYNAMIC) {
        throw new InvalidInputException("--dim " + key + ": axis " + axis + " of input '" + input
            + "' is not a dynamic dimension (shape " + spec.shape() + ")");
      }
    }
  }

  private static long[] shape(TensorSpec spec, int batch, Map<String, Long> dims) {
    if (spec.dataType() == DataType.BYTES) {
      throw new InvalidInputException("input '" + spec.name() + "' is BYTES: maas bench cannot make up realistic"
          + " strings; pass --input-file REQUEST.json with an Open Inference Protocol request");
    }
    List<Long> declared = spec.shape();
    long[] shape = new long[declared.size()];
    for (int axis = 0; axis < shape.length; axis++) {
      long d = declared.get(axis);
      if (d != TensorSpec.DYNAMIC) {
        shape[axis] = d;
      } else if (axis == 0) {
        shape[axis] = batch;
      } else {
        Long size = dims.get(spec.name() + ":" + axis);
        if (size == null) {
          throw new InvalidInputException("input '" + spec.name() + "' has a dynamic dimension at axis " + axis
              + " (shape " + declared + "); give its size with --dim " + spec.name() + ":" + axis + "=N");
        }
        shape[axis] = size;
      }
    }
    long elements = 1;
    for (long d : shape) {
      elements *= d;
      if (elements > Integer.MAX_VALUE / 8) {
        throw new InvalidInputException("input '" + spec.name() + "' would hold more than "
            + Integer.MAX_VALUE / 8 + " elements at shape " + java.util.Arrays.toString(shape));
      }
    }
    return shape;
  }

  private static Tensor tensor(DataType type, long[] shape, SplittableRandom random) {
    int n = Tensor.elementCount(shape);
    return switch (type) {
      case FP32 -> {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = (float) random.nextGaussian();
        }
        yield Tensor.wrap(type, a, shape);
      }
      case FP64 -> {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
          a[i] = random.nextGaussian();
        }
        yield Tensor.wrap(type, a, shape);
      }
      case FP16 -> {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
          // a finite half-precision number between -4 and 4: sign, exponent 13..16, random mantissa
          a[i] = (short) ((random.nextInt(2) << 15) | ((13 + random.nextInt(4)) << 10) | random.nextInt(1 << 10));
        }
        yield Tensor.wrap(type, a, shape);
      }
      case BOOL -> {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = random.nextBoolean();
        }
        yield Tensor.wrap(type, a, shape);
      }
      case INT8, UINT8 -> {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
          a[i] = (byte) random.nextInt(10);
        }
        yield Tensor.wrap(type, a, shape);
      }
      case INT16, UINT16 -> {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
          a[i] = (short) random.nextInt(10);
        }
        yield Tensor.wrap(type, a, shape);
      }
      case INT32, UINT32 -> {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
          a[i] = random.nextInt(10);
        }
        yield Tensor.wrap(type, a, shape);
      }
      case INT64, UINT64 -> {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
          a[i] = random.nextInt(10);
        }
        yield Tensor.wrap(type, a, shape);
      }
      case BYTES -> throw new IllegalStateException("BYTES inputs are refused before generation");
    };
  }

  /**
   * The inputs of the Open Inference Protocol request in {@code file}.
   *
   * @throws InvalidInputException if the file cannot be read or is not such a request
   */
  static Map<String, Tensor> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("cannot read --input-file " + file + ": not a regular file");
    }
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return new TreeMap<>(InferenceJson.readRequest(in, InferenceJson.DEFAULT_MAX_BODY_BYTES).inputTensors());
    } catch (IOException e) {
      throw new InvalidInputException("cannot read --input-file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Rows per call: the first dimension of the first input of rank 1 or more, else 1. */
  static int rows(Map<String, Tensor> inputs) {
    for (Tensor t : inputs.values()) {
      if (t.shape().length > 0) {
        return (int) t.shape()[0];
      }
    }
    return 1;
  }
}
