package dev.maas.spark;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.Predictor;
import dev.maas.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a batch of rows with one predictor call: gathers each input's values from the rows'
 * slots into one tensor, calls the predictor, and splits every output back into one value (or
 * array) per row. A row with a null among its input values gets null outputs and is left out of
 * the call, as a SQL function answers null for null arguments.
 *
 * <p>Instances are used by one thread at a time.
 */
final class BatchScorer {
  private final ScoringPlan plan;
  private final Set<String> outputNames;

  BatchScorer(ScoringPlan plan) {
    this.plan = plan;
    this.outputNames = new LinkedHashSet<>();
    for (ScoringPlan.Output o : plan.outputs) {
      outputNames.add(o.name);
    }
  }

  /**
   * The outputs of every row, {@code result[i][k]} for row {@code i} and output {@code k}: a
   * {@link Double}, a {@code double[]}, or null.
   */
  Object[][] score(Predictor predictor, List<Object[]> rows) {
    int n = rows.size();
    Object[][] result = new Object[n][plan.outputs.size()];
    List<List<double[]>> flat = new ArrayList<>();
    for (int k = 0; k < plan.inputs.size(); k++) {
      flat.add(new ArrayList<>());
    }
    int[] kept = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      Object[] row = rows.get(i);
      double[][] values = new double[plan.inputs.size()][];
      boolean complete = true;
      for (int k = 0; k < plan.inputs.size() && complete; k++) {
        values[k] = gather(plan.inputs.get(k), row);
        complete = values[k] != null;
      }
      if (complete) {
        for (int k = 0; k < values.length; k++) {
          flat.get(k).add(values[k]);
        }
        kept[m++] = i;
      }
    }
    if (m == 0) {
      return result;
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (int k = 0; k < plan.inputs.size(); k++) {
      inputs.put(plan.inputs.get(k).name, tensor(plan.inputs.get(k), flat.get(k), m));
    }
    Map<String, Tensor> outputs = predictor.predict(inputs, outputNames);
    for (int o = 0; o < plan.outputs.size(); o++) {
      ScoringPlan.Output spec = plan.outputs.get(o);
      Tensor t = outputs.get(spec.name);
      if (t == null || t.rank() == 0 || t.dim(0) != m) {
        throw new MaasException("output '" + spec.name + "' came back " + (t == null ? "missing" : "with shape "
            + Arrays.toString(t.shape())) + " for a batch of " + m + " rows");
      }
      int per = t.size() / m;
      if (spec.scalar && per != 1) {
        throw new MaasException("output '" + spec.name + "' has " + per + " values per row, expected 1");
      }
      for (int r = 0; r < m; r++) {
        if (spec.scalar) {
          result[kept[r]][o] = t.getDouble(r);
        } else {
          double[] v = new double[per];
          for (int j = 0; j < per; j++) {
            v[j] = t.getDouble(r * per + j);
          }
          result[kept[r]][o] = v;
        }
      }
    }
    return result;
  }

  /** The input's values of one row, or null when one of them is null. */
  private static double[] gather(ScoringPlan.Input in, Object[] row) {
    if (!in.array) {
      double[] v = new double[in.slots.length];
      for (int j = 0; j < v.length; j++) {
        Object value = row[in.slots[j]];
        if (value == null) {
          return null;
        }
        v[j] = number(in, value);
      }
      return v;
    }
    Object value = row[in.slots[0]];
    if (value == null) {
      return null;
    }
    List<Double> out = new ArrayList<>();
    return flatten(in, value, out) ? toArray(out) : null;
  }

  private static boolean flatten(ScoringPlan.Input in, Object value, List<Double> out) {
    if (value == null) {
      return false;
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      for (int i = 0; i < seq.length(); i++) {
        if (!flatten(in, seq.apply(i), out)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof List<?> list) {
      for (Object v : list) {
        if (!flatten(in, v, out)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof double[] a) {
      for (double d : a) {
        out.add(d);
      }
      return true;
    }
    if (value instanceof Object[] a) {
      return flatten(in, Arrays.asList(a), out);
    }
    out.add(number(in, value));
    return true;
  }

  private static double number(ScoringPlan.Input in, Object value) {
    if (value instanceof Number number) {
      if (ScoringPlan.isInteger(in.type) && !(value instanceof Long || value instanceof Integer
          || value instanceof Short || value instanceof Byte)) {
        throw new InvalidInputException("input '" + in.name + "' is " + in.type + " but got the value " + value);
      }
      if (ScoringPlan.isInteger(in.type) && Math.abs(number.longValue()) > (1L << 53)) {
        throw new InvalidInputException("input '" + in.name + "': the value " + value
            + " is beyond 2^53, which maas-spark cannot carry exactly");
      }
      return number.doubleValue();
    }
    throw new InvalidInputException("input '" + in.name + "' takes numbers, got " + value.getClass().getSimpleName()
        + " " + value);
  }

  private static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static Tensor tensor(ScoringPlan.Input in, List<double[]> rows, int m) {
    long[] rowDims = in.rowDims.clone();
    int width = rows.get(0).length;
    int known = 1;
    int dynamicAt = -1;
    for (int d = 0; d < rowDims.length; d++) {
      if (rowDims[d] < 0) {
        dynamicAt = d;
      } else {
        known = (int) Math.min(Integer.MAX_VALUE, (long) known * Math.min(rowDims[d], Integer.MAX_VALUE));
      }
    }
    if (dynamicAt >= 0) {
      if (known == 0 || width % known != 0) {
        throw new InvalidInputException("input '" + in.name + "': a row has " + width + " values, not a multiple of "
            + known);
      }
      rowDims[dynamicAt] = width / known;
    } else if (width != known) {
      throw new InvalidInputException("input '" + in.name + "': a row has " + width + " values, expected " + known);
    }
    long[] shape = new long[rowDims.length + 1];
    shape[0] = m;
    System.arraycopy(rowDims, 0, shape, 1, rowDims.length);
    int size;
    try {
      size = Math.multiplyExact(m, width);
    } catch (ArithmeticException e) {
      throw new InvalidInputException("input '" + in.name + "': " + m + " rows of " + width
          + " values are more than one tensor can hold (2^31-1 elements)");
    }
    DataType type = in.type;
    switch (type) {
      case FP64 -> {
        double[] data = new double[size];
        for (int r = 0; r < m; r++) {
          double[] v = checkWidth(in, rows.get(r), width);
          System.arraycopy(v, 0, data, r * width, width);
        }
        return Tensor.ofDoubles(data, shape);
      }
      case FP32 -> {
        float[] data = new float[size];
        for (int r = 0; r < m; r++) {
          double[] v = checkWidth(in, rows.get(r), width);
          for (int j = 0; j < width; j++) {
            data[r * width + j] = toFloat(in, v[j]);
          }
        }
        return Tensor.ofFloats(data, shape);
      }
      case INT64 -> {
        long[] data = new long[size];
        for (int r = 0; r < m; r++) {
          double[] v = checkWidth(in, rows.get(r), width);
          for (int j = 0; j < width; j++) {
            data[r * width + j] = (long) integral(in, v[j], Long.MIN_VALUE, Long.MAX_VALUE);
          }
        }
        return Tensor.ofLongs(data, shape);
      }
      case INT32 -> {
        int[] data = new int[size];
        for (int r = 0; r < m; r++) {
          double[] v = checkWidth(in, rows.get(r), width);
          for (int j = 0; j < width; j++) {
            data[r * width + j] = (int) integral(in, v[j], Integer.MIN_VALUE, Integer.MAX_VALUE);
          }
        }
        return Tensor.ofInts(data, shape);
      }
      default -> throw new InvalidInputException("input '" + in.name + "' is " + type + ", which maas-spark does not feed");
    }
  }

  /** {@code v} as FP32: a finite value beyond FP32's range is an error, never a silent infinity. */
  private static float toFloat(ScoringPlan.Input in, double v) {
    float f = (float) v;
    if (Float.isInfinite(f) && Double.isFinite(v)) {
      throw new InvalidInputException("input '" + in.name + "' is FP32 but got the value " + v
          + ", beyond FP32's range");
    }
    return f;
  }

  /** {@code v} checked to be a whole number in [{@code min}, {@code max}]: never a silent cast. */
  private static double integral(ScoringPlan.Input in, double v, double min, double max) {
    if (Double.isNaN(v) || v != Math.rint(v) || v < min || v > max) {
      throw new InvalidInputException("input '" + in.name + "' is " + in.type + " but got the value " + v
          + (Double.isNaN(v) ? "" : v != Math.rint(v) ? ", not a whole number" : ", out of its range"));
    }
    return v;
  }

  private static double[] checkWidth(ScoringPlan.Input in, double[] values, int width) {
    if (values.length != width) {
      throw new InvalidInputException("input '" + in.name + "': rows of one batch have " + width + " and "
          + values.length + " values");
    }
    return values;
  }
}
