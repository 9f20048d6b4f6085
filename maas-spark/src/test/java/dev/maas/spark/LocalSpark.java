package dev.maas.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@code local[2]} SparkSession for every test class of the module: started by the first test
 * that asks for it (as a parameter), stopped when the whole test run ends.
 */
final class LocalSpark implements ParameterResolver {
  private static final String KEY = "maas-spark-session";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KEY, k -> new Session(), Session.class)
        .spark;
  }

  private static final class Session implements AutoCloseable {
    final SparkSession spark = SparkSession.builder()
        .appName("maas-spark-tests")
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();

    @Override
    public void close() {
      spark.stop();
    }
  }
}
