package dev.maas.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The module's dependency decisions hold at run time under a real local Spark. */
@ExtendWith(LocalSpark.class)
class DependenciesTest {

  @Test
  void jacksonCore_isTheVersionSparksDatabindNeeds() {
    com.fasterxml.jackson.core.Version core = com.fasterxml.jackson.core.json.PackageVersion.VERSION;
    com.fasterxml.jackson.core.Version databind = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION;
    assertThat(core.getMajorVersion()).isEqualTo(databind.getMajorVersion());
    assertThat(core.getMinorVersion()).isEqualTo(databind.getMinorVersion());
  }

  @Test
  void toJson_localTwoThreads_writesEveryRowThroughJackson(SparkSession spark) {
    Dataset<Row> data = spark.range(0, 1000, 1, 3).selectExpr("id", "id * 0.5 as half");
    List<String> json = data.toJSON().collectAsList();
    assertThat(json).hasSize(1000);
    assertThat(json.get(999)).isEqualTo("{\"id\":999,\"half\":499.5}");
    assertThat(spark.sparkContext().master()).isEqualTo("local[2]");
  }
}
