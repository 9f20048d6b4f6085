package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A partition of row indexes {@code 0 ... n-1} into training and test rows, drawn
 * deterministically from a seed: the same {@code n}, fraction (or fold count) and seed always give
 * the same split, on every JVM. Indexes within each part are in increasing order.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class DataSplit {
  private final int[] train;
  private final int[] test;

  private DataSplit(int[] train, int[] test) {
    this.train = train;
    this.test = test;
  }

  /**
   * A random split that puts {@code round(n * testFraction)} rows (at least one, at most n - 1)
   * in the test part.
   *
   * @throws InvalidInputException if n is less than 2 or testFraction is not in (0, 1)
   */
  public static DataSplit trainTest(int n, double testFraction, long seed) {
    if (n < 2) {
      throw new InvalidInputException("need at least 2 rows to split, got " + n);
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new InvalidInputException("testFraction must be in (0, 1), got " + testFraction);
    }
    int[] order = permutation(n, seed);
    int testSize = (int) Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
    return of(Arrays.copyOfRange(order, testSize, n), Arrays.copyOfRange(order, 0, testSize));
  }

  /**
   * The {@code k} splits of k-fold cross-validation: the rows are shuffled once, cut into k folds
   * of nearly equal size, and split {@code i} tests on fold {@code i} and trains on the rest.
   *
   * @throws InvalidInputException if k is less than 2 or greater than n
   */
  public static List<DataSplit> kFold(int n, int k, long seed) {
    if (k < 2 || k > n) {
      throw new InvalidInputException("fold count must be in [2, " + n + "], got " + k);
    }
    int[] order = permutation(n, seed);
    List<DataSplit> out = new ArrayList<>(k);
    for (int f = 0; f < k; f++) {
      int from = (int) ((long) f * n / k);
      int to = (int) ((long) (f + 1) * n / k);
      int[] test = Arrays.copyOfRange(order, from, to);
      int[] train = new int[n - test.length];
      System.arraycopy(order, 0, train, 0, from);
      System.arraycopy(order, to, train, from, n - to);
      out.add(of(train, test));
    }
    return List.copyOf(out);
  }

  private static DataSplit of(int[] train, int[] test) {
    Arrays.sort(train);
    Arrays.sort(test);
    return new DataSplit(train, test);
  }

  private static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** The training row indexes, as a copy. */
  public int[] trainRows() {
    return train.clone();
  }

  /** The test row indexes, as a copy. */
  public int[] testRows() {
    return test.clone();
  }

  /** The training rows of {@code x} (the row arrays are shared, not copied). */
  public double[][] train(double[][] x) {
    return select(x, train);
  }

  /** The training values of {@code y}. */
  public double[] train(double[] y) {
    return select(y, train);
  }

  /** The test rows of {@code x} (the row arrays are shared, not copied). */
  public double[][] test(double[][] x) {
    return select(x, test);
  }

  /** The test values of {@code y}. */
  public double[] test(double[] y) {
    return select(y, test);
  }

  private static double[][] select(double[][] x, int[] rows) {
    Objects.requireNonNull(x, "x");
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = x[rows[i]];
    }
    return out;
  }

  private static double[] select(double[] y, int[] rows) {
    Objects.requireNonNull(y, "y");
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = y[rows[i]];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataSplit s && Arrays.equals(train, s.train) && Arrays.equals(test, s.test);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(train) + Arrays.hashCode(test);
  }

  @Override
  public String toString() {
    return "DataSplit[train=" + train.length + " rows, test=" + test.length + " rows]";
  }
}
