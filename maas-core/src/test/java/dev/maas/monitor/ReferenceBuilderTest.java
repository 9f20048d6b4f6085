package dev.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReferenceBuilderTest {
  private static final ModelSignature TABULAR = new ModelSignature(
      List.of(TensorSpec.of("x", DataType.FP64, -1, 3)), List.of(TensorSpec.of("y", DataType.FP32, -1)), true);

  static Tensor rows(double[][] rows) {
    int c = rows[0].length;
    double[] flat = new double[rows.length * c];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * c, c);
    }
    return Tensor.ofDoubles(flat, rows.length, c);
  }

  @Test
  void build_smallData_exactDecilesCategoriesMissingAndRange() {
    double[][] data = new double[1000][];
    for (int i = 0; i < 1000; i++) {
      data[i] = new double[] {i + 1, i % 3, i % 10 == 0 ? Double.NaN : i * 0.5};
    }
    float[] y = new float[1000];
    Arrays.fill(y, 2.5f);
    ReferenceBuilder builder = ReferenceStatistics.builder(TABULAR, ReferenceOptions.defaults())
        .featureNames("x", List.of("id", "group", "half"));
    for (int from = 0; from < 1000; from += 300) {
      int to = Math.min(1000, from + 300);
      builder.addInputs(Map.of("x", rows(Arrays.copyOfRange(data, from, to))));
      builder.addOutputs(Map.of("y", Tensor.ofFloats(Arrays.copyOfRange(y, from, to), to - from)));
    }
    ReferenceStatistics ref = builder.build();

    assertThat(ref.rows()).isEqualTo(1000);
    TensorReference x = ref.input("x").orElseThrow();
    assertThat(x.columns()).isEqualTo(3);
    FeatureReference id = x.feature("id").orElseThrow();
    assertThat(id.kind()).isEqualTo(FeatureKind.NUMERIC);
    assertThat(id.edges()).containsExactly(100, 200, 300, 400, 500, 600, 700, 800, 900);
    assertThat(id.binCounts()).containsOnly(100);
    assertThat(id.min()).isEqualTo(1);
    assertThat(id.max()).isEqualTo(1000);
    assertThat(id.missingRate()).isZero();
    assertThat(id.frequentValues()).hasSize(10);

    FeatureReference group = x.feature("group").orElseThrow();
    assertThat(group.kind()).isEqualTo(FeatureKind.CATEGORICAL);
    assertThat(group.categoryValues()).containsExactly(0, 1, 2);
    assertThat(group.binCounts()).containsExactly(334, 333, 333, 0);
    assertThat(group.frequentValues()).containsExactly(new FrequentValue("0", 334), new FrequentValue("1", 333),
        new FrequentValue("2", 333));
    assertThat(group.binLabels()).containsExactly("0", "1", "2", "other");

    FeatureReference half = x.feature("half").orElseThrow();
    assertThat(half.count()).isEqualTo(1000);
    assertThat(half.missing()).isEqualTo(100);
    assertThat(half.missingRate()).isEqualTo(0.1);
    assertThat(half.min()).isEqualTo(0.5);
    assertThat(half.max()).isEqualTo(499.5);
    assertThat(Arrays.stream(half.binCounts()).sum()).isEqualTo(900);

    FeatureReference out = ref.output("y").orElseThrow().features().get(0);
    assertThat(out.name()).isEqualTo("0");
    assertThat(out.kind()).isEqualTo(FeatureKind.NUMERIC);
    assertThat(out.edges()).isEmpty();
    assertThat(out.binCounts()).containsExactly(1000);
  }

  @Test
  void build_moreValuesThanSample_edgesFromSampleNearTrueQuantiles() {
    ModelSignature one = new ModelSignature(List.of(TensorSpec.of("v", DataType.FP32, -1)), List.of(
        TensorSpec.of("y", DataType.FP32, -1)), true);
    ReferenceBuilder builder = ReferenceStatistics.builder(one, ReferenceOptions.builder().sampleSize(5000).build());
    Random random = new Random(7);
    long n = 0;
    for (int b = 0; b < 40; b++) {
      float[] v = new float[2500];
      for (int i = 0; i < v.length; i++) {
        v[i] = random.nextFloat();
      }
      builder.addInputs(Map.of("v", Tensor.ofFloats(v, v.length)));
      n += v.length;
    }
    FeatureReference f = builder.build().input("v").orElseThrow().features().get(0);
    assertThat(f.count()).isEqualTo(n);
    assertThat(Arrays.stream(f.binCounts()).sum()).isEqualTo(5000);
    double[] edges = f.edges();
    assertThat(edges).hasSize(9);
    for (int i = 0; i < 9; i++) {
      // uniform on [0, 1): the i-th decile is (i+1)/10; a 5,000-value sample's rank error is below 2.5%
      assertThat(edges[i]).isCloseTo((i + 1) / 10.0, within(0.025));
    }
    assertThat(f.frequentValues()).isEmpty();
  }

  @Test
  void build_sameDataSameSeed_sameReference() {
    ModelSignature one = new ModelSignature(List.of(TensorSpec.of("v", DataType.FP64, -1)), List.of(TensorSpec.of("y", DataType.FP64, -1)), true);
    ReferenceOptions small = ReferenceOptions.builder().sampleSize(100).seed(3).build();
    double[] v = new Random(1).doubles(5000).toArray();
    ReferenceStatistics a = ReferenceStatistics.builder(one, small).addInputs(Map.of("v", Tensor.ofDoubles(v, 5000)))
        .build();
    ReferenceStatistics b = ReferenceStatistics.builder(one, small).addInputs(Map.of("v", Tensor.ofDoubles(v, 5000)))
        .build();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void build_strings_frequentValuesWithOtherBinPastTheLimit() {
    ModelSignature s = new ModelSignature(List.of(TensorSpec.of("city", DataType.BYTES, -1)), List.of(TensorSpec.of("y", DataType.FP64, -1)), true);
    String[] few = {"oslo", "rome", "oslo", "", "lima", "oslo"};
    FeatureReference f = ReferenceStatistics.builder(s, ReferenceOptions.defaults())
        .addInputs(Map.of("city", Tensor.ofStrings(few, few.length))).build().inputs().get(0).features().get(0);
    assertThat(f.kind()).isEqualTo(FeatureKind.STRING);
    assertThat(f.name()).isEqualTo("0");
    assertThat(f.categoryStrings()).containsExactly("oslo", "lima", "rome");
    assertThat(f.binCounts()).containsExactly(3, 1, 1, 0);
    assertThat(f.missing()).isEqualTo(1);
    assertThat(f.min()).isNaN();

    String[] many = new String[300];
    for (int i = 0; i < many.length; i++) {
      many[i] = i < 200 ? "common" + (i % 2) : "rare" + i;
    }
    FeatureReference g = ReferenceStatistics.builder(s, ReferenceOptions.builder().maxCategories(5).build())
        .addInputs(Map.of("city", Tensor.ofStrings(many, many.length))).build().inputs().get(0).features().get(0);
    assertThat(g.categoryStrings()).hasSize(5).startsWith("common0", "common1");
    assertThat(g.binCounts()[0]).isEqualTo(100);
    assertThat(g.binCounts()[5]).isEqualTo(300 - 200 - 3);
  }

  @Test
  void json_roundTrip_equalStatistics() {
    double[][] data = new double[50][];
    for (int i = 0; i < 50; i++) {
      data[i] = new double[] {i * 1.25, i % 2, i == 3 ? Double.NaN : -i};
    }
    ReferenceStatistics ref = ReferenceStatistics.builder(TABULAR, ReferenceOptions.defaults())
        .addInputs(Map.of("x", rows(data))).addOutputs(Map.of("y", Tensor.ofFloats(new float[50], 50))).build();
    byte[] json = ref.toJson();
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"kind\" : \"categorical\"", "\"binCounts\"");
    assertThat(ReferenceStatistics.readJson(json)).isEqualTo(ref);
  }

  @Test
  void readJson_badDocuments_clearErrors() {
    assertThatThrownBy(() -> ReferenceStatistics.readJson("[".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> ReferenceStatistics.readJson("{\"format\": 9}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("unsupported format 9");
    String badEdges = "{\"format\":1,\"rows\":1,\"inputs\":[{\"name\":\"x\",\"columns\":1,\"features\":[{\"name\":\"0\","
        + "\"column\":0,\"kind\":\"numeric\",\"count\":2,\"missing\":0,\"min\":0,\"max\":1,\"edges\":[0.5,0.2],"
        + "\"categories\":[],\"binCounts\":[1,0,1],\"frequent\":[]}]}],\"outputs\":[]}";
    assertThatThrownBy(() -> ReferenceStatistics.readJson(badEdges.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("feature '0'").hasMessageContaining("increase");
    String noCounts = badEdges.replace("\"edges\":[0.5,0.2]", "\"edges\":[0.5]").replace(",\"binCounts\":[1,0,1]", "");
    assertThatThrownBy(() -> ReferenceStatistics.readJson(noCounts.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("bin counts of tensor 'x', feature '0'");
  }

  @Test
  void checkFits_wrongColumnsOrUnknownTensor_namesTheMismatch() {
    ReferenceStatistics ref = ReferenceStatistics.builder(TABULAR, ReferenceOptions.defaults())
        .addInputs(Map.of("x", rows(new double[][] {{1, 2, 3}}))).build();
    ref.checkFits(TABULAR);
    ModelSignature wider = new ModelSignature(List.of(TensorSpec.of("x", DataType.FP64, -1, 4)), TABULAR.outputs(), true);
    assertThatThrownBy(() -> ref.checkFits(wider)).isInstanceOf(InvalidInputException.class)
        .hasMessage("the reference describes input 'x' with 3 columns; the model's input is FP64 [-1, 4]");
    ModelSignature renamed = new ModelSignature(List.of(TensorSpec.of("z", DataType.FP64, -1, 3)), TABULAR.outputs(), true);
    assertThatThrownBy(() -> ref.checkFits(renamed)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("input 'x', which the model does not have; its inputs are [z]");
  }

  @Test
  void builder_badUse_clearErrors() {
    assertThatThrownBy(() -> ReferenceStatistics.builder(TABULAR, ReferenceOptions.defaults())
        .featureNames("x", List.of("a", "b")).addInputs(Map.of("x", rows(new double[][] {{1, 2, 3}}))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("2 names for 3 columns");
    assertThatThrownBy(() -> ReferenceStatistics.builder(TABULAR, ReferenceOptions.defaults())
        .addOutputs(Map.of("z", Tensor.ofFloats(new float[1], 1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no output 'z'");
    assertThatThrownBy(() -> ReferenceOptions.builder().bins(1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bins must be 2 to 1000, got 1");
  }
}
