package dev.maas.explain;

import dev.maas.DataType;
import dev.maas.MaasException;
import dev.maas.Predictor;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates the value function of interventional Shapley values, {@code v(S) = mean over background
 * rows b of f(x with the features outside S taken from b)}, for many rows and coalitions with few,
 * large predictor calls: the hybrid rows of every (row, coalition, background row) triple are
 * written into one batch buffer after another, in that order, and each full buffer is one call.
 *
 * <p>Instances are immutable and thread-safe; each call uses its own buffers.
 */
final class CoalitionEvaluator {
  private final Predictor predictor;
  private final TensorSpec input;
  private final String output;
  private final int p;
  private final int columns;
  private final double[][] background;
  /** The background in FP32, for FP32 models; null for FP64 ones. */
  private final float[][] backgroundFloats;
  private final int batchRows;

  CoalitionEvaluator(Predictor predictor, TensorSpec input, String output, int p, int columns,
      double[][] background, int batchRows) {
    this.predictor = predictor;
    this.input = input;
    this.output = output;
    this.p = p;
    this.columns = columns;
    this.background = background;
    this.batchRows = batchRows;
    if (input.dataType() == DataType.FP64) {
      this.backgroundFloats = null;
    } else {
      this.backgroundFloats = new float[background.length][];
      for (int b = 0; b < background.length; b++) {
        backgroundFloats[b] = toFloats(background[b]);
      }
    }
  }

  /**
   * {@code out[r][c * columns + k]}: the mean over the background of output column {@code k} for
   * row {@code rows[r]} with the features of {@code coalitions[c]} kept and the others from the
   * background row.
   */
  double[][] evaluate(double[][] rows, int[][] coalitions) {
    int n = rows.length;
    int c = coalitions.length;
    int m = background.length;
    double[][] sums = new double[n][c * columns];
    long total = (long) n * c * m;
    int batch = (int) Math.min(batchRows, total);
    Buffer buffer = new Buffer(input.dataType(), batch, p);
    long start = 0;
    int slot = 0;
    for (int r = 0; r < n; r++) {
      double[] x = rows[r];
      float[] xf = backgroundFloats == null ? null : toFloats(x);
      for (int k = 0; k < c; k++) {
        int[] members = coalitions[k];
        for (int b = 0; b < m; b++) {
          if (xf == null) {
            buffer.put(slot, background[b], x, members);
          } else {
            buffer.put(slot, backgroundFloats[b], xf, members);
          }
          if (++slot == batch) {
            accumulate(buffer.run(slot), start, slot, sums, c, m);
            start += slot;
            slot = 0;
          }
        }
      }
    }
    if (slot > 0) {
      accumulate(buffer.run(slot), start, slot, sums, c, m);
    }
    for (double[] row : sums) {
      for (int i = 0; i < row.length; i++) {
        row[i] /= m;
      }
    }
    return sums;
  }

  /** The model's outputs for {@code rows}, {@code [row][column]}, in batches. */
  double[][] predict(double[][] rows) {
    double[][] out = new double[rows.length][];
    int batch = Math.max(1, Math.min(batchRows, rows.length));
    Buffer buffer = new Buffer(input.dataType(), batch, p);
    for (int from = 0; from < rows.length; from += batch) {
      int count = Math.min(batch, rows.length - from);
      for (int i = 0; i < count; i++) {
        buffer.put(i, rows[from + i], null, null);
      }
      double[] values = buffer.run(count);
      for (int i = 0; i < count; i++) {
        out[from + i] = Arrays.copyOfRange(values, i * columns, (i + 1) * columns);
      }
    }
    return out;
  }

  /** The number of values {@code output} has per row, learnt from a prediction on {@code row}. */
  static int columns(Predictor predictor, TensorSpec input, String output, double[] row, int p) {
    Tensor tensor = input.dataType() == DataType.FP64
        ? Tensor.wrap(DataType.FP64, row.clone(), 1, p)
        : Tensor.wrap(DataType.FP32, toFloats(row), 1, p);
    Tensor result = predictor.predict(Map.of(input.name(), tensor), Set.of(output)).get(output);
    if (result == null || result.size() < 1) {
      throw new MaasException("model output '" + output + "' has no values for one row");
    }
    return result.size();
  }

  private static float[] toFloats(double[] row) {
    float[] out = new float[row.length];
    for (int j = 0; j < row.length; j++) {
      out[j] = (float) row[j];
    }
    return out;
  }

  /**
   * Adds the outputs of {@code count} hybrid rows, the ones starting at flat position {@code start}
   * of the (row, coalition, background row) order, to their (row, coalition) sums.
   */
  private void accumulate(double[] values, long start, int count, double[][] sums, int c, int m) {
    long perRow = (long) c * m;
    int r = (int) (start / perRow);
    long within = start % perRow;
    int k = (int) (within / m);
    int b = (int) (within % m);
    int s = 0;
    while (s < count) {
      double[] target = sums[r];
      int take = Math.min(m - b, count - s);
      if (columns == 1) {
        double sum = target[k];
        for (int i = s; i < s + take; i++) {
          sum += values[i];
        }
        target[k] = sum;
      } else {
        int base = k * columns;
        for (int i = s; i < s + take; i++) {
          for (int col = 0; col < columns; col++) {
            target[base + col] += values[i * columns + col];
          }
        }
      }
      s += take;
      b += take;
      if (b == m) {
        b = 0;
        if (++k == c) {
          k = 0;
          r++;
        }
      }
    }
  }

  /** One batch of hybrid rows in the input's element type, reused across calls of one evaluation. */
  private final class Buffer {
    private final double[] doubles;
    private final float[] floats;

    Buffer(DataType type, int rows, int p) {
      doubles = type == DataType.FP64 ? new double[rows * p] : null;
      floats = type == DataType.FP64 ? null : new float[rows * p];
    }

    /** Writes row {@code from} at {@code slot}, with the features in {@code members} taken from {@code x}. */
    void put(int slot, double[] from, double[] x, int[] members) {
      int offset = slot * p;
      if (doubles != null) {
        System.arraycopy(from, 0, doubles, offset, p);
        if (members != null) {
          for (int j : members) {
            doubles[offset + j] = x[j];
          }
        }
      } else {
        for (int j = 0; j < p; j++) {
          floats[offset + j] = (float) from[j];
        }
        if (members != null) {
          for (int j : members) {
            floats[offset + j] = (float) x[j];
          }
        }
      }
    }

    /** Writes FP32 row {@code from} at {@code slot}, with the features in {@code members} taken from {@code x}. */
    void put(int slot, float[] from, float[] x, int[] members) {
      int offset = slot * p;
      System.arraycopy(from, 0, floats, offset, p);
      for (int j : members) {
        floats[offset + j] = x[j];
      }
    }

    /** Runs the model on the first {@code count} rows; returns {@code count × columns} finite values. */
    double[] run(int count) {
      Tensor tensor;
      if (doubles != null) {
        double[] data = count * p == doubles.length ? doubles : Arrays.copyOf(doubles, count * p);
        tensor = Tensor.wrap(DataType.FP64, data, count, p);
      } else {
        float[] data = count * p == floats.length ? floats : Arrays.copyOf(floats, count * p);
        tensor = Tensor.wrap(DataType.FP32, data, count, p);
      }
      Tensor result = predictor.predict(Map.of(input.name(), tensor), Set.of(output)).get(output);
      if (result == null || result.size() != count * columns) {
        throw new MaasException("model output '" + output + "' has " + (result == null ? 0 : result.size())
            + " values for " + count + " rows; expected " + columns + " per row");
      }
      double[] values = result.toDoubleArray();
      for (int i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) {
          throw new MaasException("model output '" + output + "' is " + values[i] + " for a row built from the"
              + " explained rows and the background; Shapley values need finite outputs");
        }
      }
      return values;
    }
  }
}
