package dev.maas.spark;

import dev.maas.InvalidInputException;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import dev.maas.linear.PartitionedFit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark jobs of {@link MaasSpark#fitLinear}: rows as {@code double[]} (features, then the
 * label), one Gram factor per partition (the trainer's kernel) merged by {@code treeAggregate}, the
 * solve on the driver, one {@code treeAggregate} of extended-precision residual sums per refinement
 * step, and, only when the Gram matrix is too ill-conditioned, one more {@code treeAggregate} of
 * Householder (TSQR) factors.
 *
 * <p>This class has no state.
 */
final class LinearFitJob {
  private static final int TREE_DEPTH = 2;

  private LinearFitJob() {}

  static LinearRegressionModel fit(Dataset<Row> data, String label, List<String> features,
      LinearRegressionTrainer trainer) {
    StructType schema = data.schema();
    List<String> columns = new ArrayList<>(features);
    columns.add(label);
    if (features.contains(label)) {
      throw new InvalidInputException("column '" + label + "' is both the label and a feature");
    }
    for (String column : columns) {
      if (!Arrays.asList(schema.fieldNames()).contains(column)) {
        throw new InvalidInputException("no column '" + column + "'; columns: " + Arrays.toString(schema.fieldNames()));
      }
      StructField field = schema.apply(column);
      if (!(field.dataType() instanceof NumericType)) {
        throw new InvalidInputException("column '" + column + "' is " + field.dataType().simpleString()
            + ", expected a number");
      }
    }
    String[] names = columns.toArray(new String[0]);
    JavaRDD<double[]> rows = data.select(Arrays.stream(names).map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .javaRDD()
        .map(row -> toValues(row, names));
    boolean cache = data.storageLevel().equals(StorageLevel.NONE());
    if (cache) {
      rows.persist(StorageLevel.MEMORY_AND_DISK());
    }
    try {
      List<double[]> first = rows.take(1);
      if (first.isEmpty()) {
        throw new InvalidInputException("no rows to fit");
      }
      PartitionedFit fit = PartitionedFit.of(trainer, features, first.get(0));
      PartitionedFit.Factor total = rows.treeAggregate(fit.newFactor(), (factor, row) -> {
        factor.add(row);
        return factor;
      }, PartitionedFit.Factor::merge, TREE_DEPTH);
      return fit.solve(total, at -> rows.treeAggregate(fit.newResiduals(at), (sums, row) -> {
        sums.add(row);
        return sums;
      }, PartitionedFit.Residuals::merge, TREE_DEPTH), empty -> rows.treeAggregate(empty, (factor, row) -> {
        factor.add(row);
        return factor;
      }, PartitionedFit.Factor::merge, TREE_DEPTH));
    } finally {
      if (cache) {
        rows.unpersist(false);
      }
    }
  }

  private static double[] toValues(Row row, String[] names) {
    double[] values = new double[names.length];
    for (int j = 0; j < names.length; j++) {
      Object value = row.get(j);
      if (value == null) {
        throw new InvalidInputException("column '" + names[j] + "' is null in a row; drop or fill the nulls first");
      }
      values[j] = ((Number) value).doubleValue();
    }
    return values;
  }
}
