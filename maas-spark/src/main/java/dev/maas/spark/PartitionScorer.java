package dev.maas.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The task side of {@link MaasSpark#predict}: takes the model from the JVM's cache and scores a
 * partition lazily, {@link ScoringPlan#batchRows} rows per predictor call, each output row being
 * the input row with the outputs appended.
 *
 * <p>Instances are immutable; Spark runs each on one thread per partition.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ModelSource source;
  private final ScoringPlan plan;

  PartitionScorer(ModelSource source, ScoringPlan plan) {
    this.source = source;
    this.plan = plan;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return rows;
    }
    BatchScorer scorer = new BatchScorer(plan);
    int outputs = plan.outputs.size();
    return new Iterator<>() {
      private final List<Object[]> batch = new ArrayList<>(plan.batchRows);
      private Object[][] scored = new Object[0][];
      private int next;

      @Override
      public boolean hasNext() {
        if (next < scored.length) {
          return true;
        }
        if (!rows.hasNext()) {
          return false;
        }
        batch.clear();
        while (batch.size() < plan.batchRows && rows.hasNext()) {
          Row row = rows.next();
          Object[] values = new Object[row.length() + outputs];
          for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
          }
          batch.add(values);
        }
        Object[][] results = ExecutorModels.predictWithRetry(source, model -> scorer.score(model.predictor(), batch));
        int width = batch.get(0).length - outputs;
        for (int r = 0; r < results.length; r++) {
          System.arraycopy(results[r], 0, batch.get(r), width, outputs);
        }
        scored = batch.toArray(new Object[0][]);
        next = 0;
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return RowFactory.create(scored[next++]);
      }
    };
  }
}
