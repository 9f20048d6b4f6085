package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.util.List;

/**
 * The shape of one fit: feature names, whether there is an intercept, the ridge penalty, and the
 * shifts subtracted from every column (the first row's values when there is an intercept, so
 * that the working columns are centred roughly and exactly representable shifts keep the
 * transformation exact; zero without an intercept).
 *
 * <p>Instances are mutable until the shifts are set, then used read-only by many threads.
 */
final class Design {
  final List<String> names;
  final int features;
  final boolean intercept;
  final double ridge;
  final boolean standardize;
  /** Whether rows carry weights. */
  final boolean weighted;
  final int offset;
  /** Working columns: intercept, features, target. */
  final int columns;
  /** Parameters: intercept and features. */
  final int parameters;
  final double[] shift;
  double shiftY;

  /** The most working columns whose {@code columns²} factor one Java array can hold. */
  static final int MAX_COLUMNS = 46_340;

  /**
   * @throws InvalidInputException if there are more features than the solver can hold
   */
  Design(List<String> names, boolean intercept, double ridge, boolean standardize) {
    this(names, intercept, ridge, standardize, false);
  }

  /**
   * @param weighted whether rows carry a weight (after the target in a parsed row of values)
   * @throws InvalidInputException if there are more features than the solver can hold
   */
  Design(List<String> names, boolean intercept, double ridge, boolean standardize, boolean weighted) {
    this.weighted = weighted;
    int maxFeatures = MAX_COLUMNS - 1 - (intercept ? 1 : 0);
    if (names.size() > maxFeatures) {
      throw new InvalidInputException(String.format(java.util.Locale.ROOT,
          "%,d feature columns: the solver holds a square factor of the working columns and fits at most %,d features",
          names.size(), maxFeatures));
    }
    this.names = List.copyOf(names);
    this.features = names.size();
    this.intercept = intercept;
    this.ridge = ridge;
    this.standardize = standardize;
    this.offset = intercept ? 1 : 0;
    this.parameters = features + offset;
    this.columns = parameters + 1;
    this.shift = new double[features];
  }

  /** The length of a parsed row of values: the features, the target, and the weight if weighted. */
  int values() {
    return features + (weighted ? 2 : 1);
  }

  /** Sets the shifts from the first row (only with an intercept; without one they stay zero). */
  void setShifts(double[] firstRow, double firstY) {
    if (intercept) {
      for (int j = 0; j < features; j++) {
        shift[j] = Double.isFinite(firstRow[j]) ? firstRow[j] : 0;
      }
      shiftY = Double.isFinite(firstY) ? firstY : 0;
    }
  }

  /** The name of working parameter {@code column}. */
  String parameterName(int column) {
    return intercept && column == 0 ? FitReport.INTERCEPT : names.get(column - offset);
  }

  /**
   * Writes one row into the column-major {@code block} at row {@code row}, shifted, checking that every value is
   * finite; {@code unit} and {@code number} name the row in an error message ("line 7", "row 3").
   */
  void fill(double[][] block, int row, double[] x, double y, String unit, long number) {
    if (intercept) {
      block[0][row] = 1;
    }
    for (int j = 0; j < features; j++) {
      double value = x[j];
      if (!Double.isFinite(value)) {
        throw nonFinite(unit + " " + number, names.get(j), value);
      }
      block[offset + j][row] = value - shift[j];
    }
    if (!Double.isFinite(y)) {
      throw nonFinite(unit + " " + number, "target", y);
    }
    block[columns - 1][row] = y - shiftY;
  }

  /**
   * As {@link #fill}, into {@code rows[row]} ({@code columns} values).
   */
  void fillRow(double[][] rows, int row, double[] x, double y, String unit, long number) {
    double[] out = rows[row];
    if (intercept) {
      out[0] = 1;
    }
    for (int j = 0; j < features; j++) {
      out[offset + j] = x[j] - shift[j];
    }
    for (int j = 0; j < features; j++) {
      if (!Double.isFinite(x[j])) {
        throw nonFinite(unit + " " + number, names.get(j), x[j]);
      }
    }
    if (!Double.isFinite(y)) {
      throw nonFinite(unit + " " + number, "target", y);
    }
    out[columns - 1] = y - shiftY;
  }

  /** As {@link #fillWeighted}, into {@code rows[row]} as {@link #fillRow} writes it. */
  boolean fillWeightedRow(double[][] rows, double[] weights, int row, double[] x, double y, double weight, String unit,
      long number) {
    checkWeight(weight, unit + " " + number);
    fillRow(rows, row, x, y, unit, number);
    weights[row] = weight;
    return weight > 0;
  }

  /**
   * As {@link #fill} for a row of weight {@code weight}, stored in {@code weights[row]}; returns
   * false for a weight of zero (the row is checked but not kept: it drops out of the fit and its
   * degrees of freedom, as in R).
   *
   * @throws InvalidInputException if the weight is negative or not finite
   */
  boolean fillWeighted(double[][] block, double[] weights, int row, double[] x, double y, double weight, String unit,
      long number) {
    checkWeight(weight, unit + " " + number);
    fill(block, row, x, y, unit, number);
    weights[row] = weight;
    return weight > 0;
  }

  /** Refuses a weight that is negative or not finite. */
  static void checkWeight(double weight, String where) {
    if (!(weight >= 0) || weight == Double.POSITIVE_INFINITY) {
      throw new InvalidInputException(where + ": weight " + weight + " is "
          + (Double.isNaN(weight) || Double.isInfinite(weight) ? "not a finite number" : "negative")
          + "; weights must be finite and >= 0");
    }
  }

  static InvalidInputException nonFinite(String where, String column, double value) {
    return new InvalidInputException(where + ", column '" + column + "': value " + value + " is not a finite number");
  }
}
