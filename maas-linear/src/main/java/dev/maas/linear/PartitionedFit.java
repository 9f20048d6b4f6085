package dev.maas.linear;

import dev.maas.InvalidInputException;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One least-squares fit of a {@link LinearRegressionTrainer} whose rows live in parts that are
 * folded in different places (the partitions of a Spark data set, say) and brought together: the
 * hook that lets a distributed engine run the trainer's own algorithm. Each part folds its rows
 * into a {@link Factor} (the Gram matrix of its working columns with column statistics, formed by
 * the same kernel as the trainer's in-memory fit forms one per worker; Householder TSQR factors
 * when the trainer never refines); factors {@link Factor#merge merge} in any tree; {@link #solve}
 * turns the total into the same {@link LinearRegressionModel} and {@link FitReport} the trainer
 * returns, and when the trainer's {@link Refinement} calls for it, asks for further passes over the
 * data, each summing {@link Residuals} at given {@link Coefficients} in extended precision, part by
 * part (or, for a Gram matrix too ill-conditioned to refine, folding the parts again by Householder
 * reflections).
 *
 * <p>A row is an array of the feature values in {@link #featureNames()} order followed by the
 * target. The fit is built from the first row of the data ({@link #of}), whose values centre every
 * column exactly as the trainer's in-memory fit centres them.
 *
 * <p>Instances are immutable, serializable and thread-safe. {@link Factor} and {@link Residuals}
 * are mutable, serializable, and used by one thread at a time.
 */
public final class PartitionedFit implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ArrayList<String> features;
  private final boolean intercept;
  private final double ridge;
  private final boolean standardize;
  private final Refinement refinement;
  private final double[] firstRow;
  private transient volatile Design design;

  private PartitionedFit(List<String> features, LinearRegressionTrainer trainer, double[] firstRow) {
    this.features = new ArrayList<>(features);
    this.intercept = trainer.intercept();
    this.ridge = trainer.ridge();
    this.standardize = trainer.standardize();
    this.refinement = trainer.refinement();
    this.firstRow = firstRow.clone();
  }

  /**
   * The fit of {@code trainer}'s settings (intercept, penalty, standardisation, refinement) on
   * features {@code features}, for data whose first row is {@code firstRow} (the feature values,
   * then the target).
   *
   * @throws InvalidInputException if the names are empty or repeated, the trainer names other
   *     features, or {@code firstRow} does not hold one value per feature plus the target
   */
  public static PartitionedFit of(LinearRegressionTrainer trainer, List<String> features, double[] firstRow) {
    Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(firstRow, "firstRow");
    List<String> names = List.copyOf(features);
    if (new HashSet<>(names).size() != names.size()) {
      throw new InvalidInputException("feature names must be distinct: " + names);
    }
    for (String name : names) {
      if (name.isEmpty()) {
        throw new InvalidInputException("feature names must not be empty");
      }
    }
    if (!trainer.featureNames().isEmpty() && !trainer.featureNames().equals(names)) {
      throw new InvalidInputException("the trainer is set up for features " + trainer.featureNames()
          + " but the fit names " + names);
    }
    if (firstRow.length != names.size() + 1) {
      throw new InvalidInputException("the first row has " + firstRow.length + " values, expected the "
          + names.size() + " features and the target");
    }
    return new PartitionedFit(names, trainer, firstRow);
  }

  /** The feature names, in row order. */
  public List<String> featureNames() {
    return List.copyOf(features);
  }

  /** An empty factor for one part of the data (a Gram matrix unless the trainer never refines). */
  public Factor newFactor() {
    return new Factor(this);
  }

  /** Empty residual sums at {@code at}, for one part of the data. */
  public Residuals newResiduals(Coefficients at) {
    Objects.requireNonNull(at, "at");
    if (at.hi.length != design().parameters) {
      throw new InvalidInputException("coefficients of " + at.hi.length + " parameters for a fit of "
          + design().parameters);
    }
    return new Residuals(this, at);
  }

  /**
   * Solves the problem {@code total} holds (every part's factor merged), refining the solution
   * with passes of {@code pass} when the trainer's {@link Refinement} calls for it (at most four
   * passes); returns what {@link LinearRegressionTrainer#fit(double[][], double[])} returns for
   * the same rows. A factor is a Gram matrix unless the trainer never refines; when the Gram
   * matrix is too ill-conditioned for its Cholesky factor to be refined (condition number above
   * 10⁴), every part is folded once more, by Householder reflections, with {@code again}.
   *
   * @throws InvalidInputException if the data are too few or rank deficient, or a pass did not
   *     read as many rows as the factor holds
   */
  public LinearRegressionModel solve(Factor total, ResidualPass pass, FactorPass again) {
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(pass, "pass");
    Objects.requireNonNull(again, "again");
    if (total.fit != this && !total.fit.sameAs(this)) {
      throw new InvalidInputException("the factor belongs to another fit");
    }
    total.flush();
    Design d = design();
    QrAccumulator acc = total.accumulator;
    if (total.gram != null) {
      acc = total.gram.factor(d.parameters, d.offset, LinearRegressionTrainer.GRAM_MAX_CONDITION_STREAMED);
      if (acc == null) {
        Factor householder = again.accumulate(new Factor(this, true));
        Objects.requireNonNull(householder, "the pass returned no factor");
        if (householder.gram != null || (householder.fit != this && !householder.fit.sameAs(this))) {
          throw new InvalidInputException("the second pass returned a factor of another fit");
        }
        householder.flush();
        if (householder.accumulator.count() != total.gram.count()) {
          throw new InvalidInputException("the data changed while being fitted: the first pass read "
              + total.gram.count() + " rows, a later one " + householder.accumulator.count());
        }
        acc = householder.accumulator;
      }
    }
    SemiNormalRefiner.ResidualPass adapter = (hi, lo, rss, gradient) -> {
      Residuals r = pass.accumulate(new Coefficients(hi.clone(), lo.clone()));
      Objects.requireNonNull(r, "the pass returned no residuals");
      r.sums().addTo(d, rss, gradient);
      return r.rows();
    };
    Solution s = Solution.solve(acc, d, null, null, null, adapter, refinement, 1);
    return LinearRegressionModel.fitted(s.intercept(), s.coefficients(), d.names, java.util.Optional.of(s.report()),
        s.intervals(), Interval.PREDICTION, LinearRegressionModel.DEFAULT_LEVEL);
  }

  private boolean sameAs(PartitionedFit other) {
    return features.equals(other.features) && intercept == other.intercept
        && Double.compare(ridge, other.ridge) == 0 && standardize == other.standardize
        && refinement == other.refinement && java.util.Arrays.equals(firstRow, other.firstRow);
  }

  private Design design() {
    Design d = design;
    if (d == null) {
      d = new Design(features, intercept, ridge, standardize);
      d.setShifts(firstRow, firstRow[features.size()]);
      design = d;
    }
    return d;
  }

  /**
   * One pass over every part of the data at working coefficients {@code at}: each part adds its
   * rows to {@link PartitionedFit#newResiduals}, and the parts' sums are merged.
   *
   * <p>Implementations are called by one thread at a time.
   */
  @FunctionalInterface
  public interface ResidualPass {
    /** The merged residual sums of every row at {@code at}. */
    Residuals accumulate(Coefficients at);
  }

  /**
   * One more pass over every part of the data, folding the rows as the first pass did: each part
   * adds its rows to a copy of {@code empty}, and the parts' factors are merged.
   *
   * <p>Implementations are called by one thread at a time.
   */
  @FunctionalInterface
  public interface FactorPass {
    /** The merged factor of every row, each part starting from a copy of {@code empty}. */
    Factor accumulate(Factor empty);
  }

  /**
   * Working coefficients of a refinement pass, carried in about twice double precision; opaque to
   * the caller, who only ships them to the parts.
   *
   * <p>Instances are immutable, serializable and thread-safe.
   */
  public static final class Coefficients implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] hi;
    private final double[] lo;

    private Coefficients(double[] hi, double[] lo) {
      this.hi = hi;
      this.lo = lo;
    }
  }

  /**
   * What the rows folded so far make of the problem: the Gram matrix of their working columns (see
   * {@code docs/linear.md}), or, when the trainer never refines or the Gram matrix was too
   * ill-conditioned, the R factor of their QR decomposition (Householder reflections over blocks
   * of rows, as the trainer folds them); with the count, means and centred sums of squares of every
   * column.
   *
   * <p>Instances are mutable, serializable and used by one thread at a time.
   */
  public static final class Factor implements Serializable {
    private static final long serialVersionUID = 2L;
    private final PartitionedFit fit;
    /** The Householder factor, or null for a Gram factor. */
    private final QrAccumulator accumulator;
    /** The Gram matrix, or null for a Householder factor. */
    private final GramAccumulator gram;
    /** Rows waiting to be folded: column-major for Householder, row-wise for the Gram matrix. */
    private transient double[][] block;
    private transient int filled;
    private long added;

    private Factor(PartitionedFit fit) {
      this(fit, fit.refinement == Refinement.NEVER);
    }

    private Factor(PartitionedFit fit, boolean householder) {
      this.fit = fit;
      int columns = fit.design().columns;
      this.accumulator = householder ? new QrAccumulator(columns) : null;
      this.gram = householder ? null : new GramAccumulator(columns);
    }

    /**
     * Folds one row in: the feature values, then the target. The array is only read.
     *
     * @throws InvalidInputException if the row has the wrong length or a value that is not finite
     */
    public void add(double[] row) {
      Design d = fit.design();
      if (row.length != d.features + 1) {
        throw new InvalidInputException("a row has " + row.length + " values, expected " + (d.features + 1));
      }
      int blockRows = LinearRegressionTrainer.BLOCK_ROWS;
      if (block == null) {
        block = gram != null ? new double[GramAccumulator.bufferRows(blockRows)][d.columns]
            : new double[d.columns][blockRows];
      }
      if (gram != null) {
        d.fillRow(block, filled++, row, row[d.features], "row", added++);
      } else {
        d.fill(block, filled++, row, row[d.features], "row", added++);
      }
      if (filled == blockRows) {
        flush();
      }
    }

    /** The number of rows folded in, this factor's and those merged into it. */
    public long rows() {
      flush();
      return gram != null ? gram.count() : accumulator.count();
    }

    /**
     * Adds everything {@code other} holds to this factor and returns this factor.
     *
     * @throws InvalidInputException if {@code other} belongs to another fit
     */
    public Factor merge(Factor other) {
      Objects.requireNonNull(other, "other");
      if ((other.fit != fit && !other.fit.sameAs(fit)) || (other.gram == null) != (gram == null)) {
        throw new InvalidInputException("cannot merge factors of different fits");
      }
      flush();
      other.flush();
      if (gram != null) {
        gram.merge(other.gram);
      } else {
        accumulator.merge(other.accumulator);
      }
      return this;
    }

    private void flush() {
      if (filled > 0) {
        if (gram != null) {
          gram.addRows(block, null, filled);
        } else {
          accumulator.addData(block, filled);
        }
        filled = 0;
      }
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      flush();
      out.defaultWriteObject();
    }
  }

  /**
   * The residual sum of squares and the gradient {@code Aᵀr} of the rows added so far, at the
   * coefficients of one refinement pass, in about twice double precision (the kernel every
   * refinement pass of the trainer uses).
   *
   * <p>Instances are mutable, serializable and used by one thread at a time.
   */
  public static final class Residuals implements Serializable {
    private static final long serialVersionUID = 2L;
    private final PartitionedFit fit;
    private final Coefficients at;
    private ResidualSums sums;

    private Residuals(PartitionedFit fit, Coefficients at) {
      this.fit = fit;
      this.at = at;
    }

    /**
     * Adds one row: the feature values, then the target. The array is only read.
     *
     * @throws InvalidInputException if the row has the wrong length
     */
    public void add(double[] row) {
      Design d = fit.design();
      if (row.length != d.features + 1) {
        throw new InvalidInputException("a row has " + row.length + " values, expected " + (d.features + 1));
      }
      sums().add(row, row[d.features]);
    }

    /** The number of rows added, this object's and those merged into it. */
    public long rows() {
      return sums == null ? 0 : sums.rows();
    }

    /** Adds everything {@code other} holds to these sums and returns them. */
    public Residuals merge(Residuals other) {
      Objects.requireNonNull(other, "other");
      if (other.fit != fit && !other.fit.sameAs(fit)) {
        throw new InvalidInputException("cannot merge residuals of different fits");
      }
      if (!java.util.Arrays.equals(other.at.hi, at.hi) || !java.util.Arrays.equals(other.at.lo, at.lo)) {
        throw new InvalidInputException("cannot merge residuals at different coefficients");
      }
      sums().merge(other.sums());
      return this;
    }

    private ResidualSums sums() {
      if (sums == null) {
        sums = new ResidualSums(fit.design(), at.hi, at.lo);
      }
      return sums;
    }
  }
}
