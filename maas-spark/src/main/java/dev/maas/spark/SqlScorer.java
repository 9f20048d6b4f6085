package dev.maas.spark;

import dev.maas.InvalidInputException;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.*;
import org.apache.spark.sql.types.DataType;

/**
 * The SQL function {@link MaasSpark#register} installs: one row per call, its arguments in {@link
 * ScoringPlan#forSql} order, the model from the JVM's cache. It is every Java UDF arity Spark has
 * (1 to 22), so that a model with p feature values takes p plain arguments.
 *
 * <p>Instances are immutable and thread-safe.
 */
@SuppressWarnings("overloads")
final class SqlScorer implements
    UDF1<Object, Object>,
    UDF2<Object, Object, Object>,
    UDF3<Object, Object, Object, Object>,
    UDF4<Object, Object, Object, Object, Object>,
    UDF5<Object, Object, Object, Object, Object, Object>,
    UDF6<Object, Object, Object, Object, Object, Object, Object>,
    UDF7<Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF8<Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF9<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF10<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF11<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF12<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF13<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF14<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF15<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF16<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF17<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF18<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF19<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF20<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF21<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>,
    UDF22<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object> {
  private static final long serialVersionUID = 1L;
  static final int MAX_ARGUMENTS = 22;

  private final ModelSource source;
  private final ScoringPlan plan;

  SqlScorer(ModelSource source, ScoringPlan plan) {
    this.source = source;
    this.plan = plan;
  }

  private Object score(Object... arguments) {
    Object[][] out = ExecutorModels.predictWithRetry(source,
        model -> new BatchScorer(plan).score(model.predictor(), List.<Object[]>of(arguments)));
    return out[0][0];
  }

  /** Registers this function as {@code name} in {@code spark}, returning {@code type}. */
  void register(SparkSession spark, String name, DataType type) {
    int arity = plan.arity();
    switch (arity) {
      case 1 -> spark.udf().register(name, (UDF1<Object, Object>) this, type);
      case 2 -> spark.udf().register(name, (UDF2<Object, Object, Object>) this, type);
      case 3 -> spark.udf().register(name, (UDF3<Object, Object, Object, Object>) this, type);
      case 4 -> spark.udf().register(name, (UDF4<Object, Object, Object, Object, Object>) this, type);
      case 5 -> spark.udf().register(name, (UDF5<Object, Object, Object, Object, Object, Object>) this, type);
      case 6 -> spark.udf().register(name, (UDF6<Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 7 -> spark.udf().register(name, (UDF7<Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 8 -> spark.udf().register(name, (UDF8<Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 9 -> spark.udf().register(name, (UDF9<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 10 -> spark.udf().register(name, (UDF10<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 11 -> spark.udf().register(name, (UDF11<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 12 -> spark.udf().register(name, (UDF12<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 13 -> spark.udf().register(name, (UDF13<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 14 -> spark.udf().register(name, (UDF14<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 15 -> spark.udf().register(name, (UDF15<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 16 -> spark.udf().register(name, (UDF16<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 17 -> spark.udf().register(name, (UDF17<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 18 -> spark.udf().register(name, (UDF18<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 19 -> spark.udf().register(name, (UDF19<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 20 -> spark.udf().register(name, (UDF20<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 21 -> spark.udf().register(name, (UDF21<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      case 22 -> spark.udf().register(name, (UDF22<Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object, Object>) this, type);
      default -> throw new InvalidInputException("model " + source.name() + " takes " + arity
          + " values per row; a SQL function takes at most " + MAX_ARGUMENTS + " (use MaasSpark.predict)");
    }
  }

  @Override
  public Object call(Object a1) {
    return score(a1);
  }

  @Override
  public Object call(Object a1, Object a2) {
    return score(a1, a2);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3) {
    return score(a1, a2, a3);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4) {
    return score(a1, a2, a3, a4);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5) {
    return score(a1, a2, a3, a4, a5);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6) {
    return score(a1, a2, a3, a4, a5, a6);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7) {
    return score(a1, a2, a3, a4, a5, a6, a7);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15, Object a16) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15, Object a16, Object a17) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15, Object a16, Object a17, Object a18) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15, Object a16, Object a17, Object a18, Object a19) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15, Object a16, Object a17, Object a18, Object a19, Object a20) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15, Object a16, Object a17, Object a18, Object a19, Object a20, Object a21) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21);
  }

  @Override
  public Object call(Object a1, Object a2, Object a3, Object a4, Object a5, Object a6, Object a7, Object a8, Object a9, Object a10, Object a11, Object a12, Object a13, Object a14, Object a15, Object a16, Object a17, Object a18, Object a19, Object a20, Object a21, Object a22) {
    return score(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22);
  }
}
