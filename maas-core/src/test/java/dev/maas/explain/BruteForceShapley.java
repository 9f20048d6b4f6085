package dev.maas.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Interventional Shapley values by the textbook definition, written independently of {@link
 * Explainer} for tests: every subset {@code S} of the features as a list, {@code v(S)} the mean of
 * {@code f} over the background with the features of {@code S} taken from {@code x}, and {@code
 * φ_j = Σ_{S ⊆ N∖{j}} |S|! (p − |S| − 1)! / p! · (v(S ∪ {j}) − v(S))} with factorials as doubles.
 */
public final class BruteForceShapley {
  private BruteForceShapley() {}

  /** The Shapley value of each feature of {@code x}. */
  public static double[] values(ToDoubleFunction<double[]> f, double[] x, double[][] background) {
    int p = x.length;
    double[] phi = new double[p];
    for (int j = 0; j < p; j++) {
      List<Integer> others = new ArrayList<>();
      for (int i = 0; i < p; i++) {
        if (i != j) {
          others.add(i);
        }
      }
      for (List<Integer> s : subsets(others)) {
        List<Integer> withJ = new ArrayList<>(s);
        withJ.add(j);
        double weight = factorial(s.size()) * factorial(p - s.size() - 1) / factorial(p);
        phi[j] += weight * (value(f, x, background, withJ) - value(f, x, background, s));
      }
    }
    return phi;
  }

  /** The mean of {@code f} over the background rows with the features in {@code s} set from {@code x}. */
  public static double value(ToDoubleFunction<double[]> f, double[] x, double[][] background, List<Integer> s) {
    double sum = 0;
    for (double[] b : background) {
      double[] hybrid = b.clone();
      for (int i : s) {
        hybrid[i] = x[i];
      }
      sum += f.applyAsDouble(hybrid);
    }
    return sum / background.length;
  }

  private static List<List<Integer>> subsets(List<Integer> items) {
    List<List<Integer>> out = new ArrayList<>();
    out.add(new ArrayList<>());
    for (int item : items) {
      int size = out.size();
      for (int i = 0; i < size; i++) {
        List<Integer> bigger = new ArrayList<>(out.get(i));
        bigger.add(item);
        out.add(bigger);
      }
    }
    return out;
  }

  private static double factorial(int n) {
    double f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }
}
