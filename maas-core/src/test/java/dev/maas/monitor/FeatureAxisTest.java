package dev.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A declared feature axis: an image-like input [n, 3, 2, 2] split into one feature per channel. */
class FeatureAxisTest {
  private static final ModelSignature SIGNATURE = new ModelSignature(
      List.of(TensorSpec.of("img", DataType.FP32, -1, 3, 2, 2)), List.of(TensorSpec.of("score", DataType.FP32, -1)),
      true);

  /** n images whose channel c holds N(c + shift[c], 1) values. */
  private static Tensor images(long seed, int n, double[] shift) {
    Random r = new Random(seed);
    float[] v = new float[n * 12];
    for (int i = 0; i < v.length; i++) {
      int channel = (i / 4) % 3;
      v[i] = (float) (r.nextGaussian() + channel + shift[channel]);
    }
    return Tensor.ofFloats(v, n, 3, 2, 2);
  }

  private static ReferenceStatistics reference(Tensor images) {
    return ReferenceStatistics.builder(SIGNATURE, ReferenceOptions.defaults()).featureAxis("img", 1)
        .addInputs(Map.of("img", images)).build();
  }

  @Test
  void featureAxis_oneFeaturePerChannel_countsEveryValueOfItsChannel() {
    Tensor images = images(1, 2000, new double[3]);
    ReferenceStatistics ref = reference(images);
    TensorReference img = ref.input("img").orElseThrow();
    assertThat(img.axis()).isEqualTo(1);
    assertThat(img.columns()).isEqualTo(3);
    assertThat(img.features()).extracting(FeatureReference::name).containsExactly("0", "1", "2");
    for (int c = 0; c < 3; c++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < images.size(); i++) {
        if ((i / 4) % 3 == c) {
          min = Math.min(min, images.getDouble(i));
          max = Math.max(max, images.getDouble(i));
        }
      }
      FeatureReference f = img.features().get(c);
      assertThat(f.count()).isEqualTo(2000 * 4);
      assertThat(f.min()).isEqualTo(min);
      assertThat(f.max()).isEqualTo(max);
    }
    assertThat(ref.rows()).isEqualTo(2000);
    ReferenceStatistics read = ReferenceStatistics.readJson(ref.toJson());
    assertThat(read).isEqualTo(ref);
    assertThat(new String(ref.toJson(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"axis\" : 1");
  }

  @Test
  void driftMonitor_shiftedChannel_isTheOneThatDrifts() {
    ReferenceStatistics ref = reference(images(1, 2000, new double[3]));
    DriftMonitor monitor = DriftMonitor.create(ref, MonitorOptions.builder().window(Window.unbounded()).build());
    for (int batch = 0; batch < 50; batch++) {
      monitor.observe(Map.of("img", images(100 + batch, 20, new double[] {0, 0, 1})), Map.of());
    }
    DriftReport report = monitor.report();
    for (int c = 0; c < 3; c++) {
      FeatureDrift f = report.input("img", Integer.toString(c)).orElseThrow();
      assertThat(f.windowCount()).isEqualTo(1000 * 4);
      assertThat(f.observedTotal()).as("values of channel %d, as its missing and out-of-range counts", c)
          .isEqualTo(1000 * 4);
      if (c == 2) {
        assertThat(f.psi()).as("channel 2, shifted by one sigma").isGreaterThan(0.25);
      } else {
        assertThat(f.psi()).as("channel %d", c).isLessThan(0.1);
      }
    }
  }

  @Test
  void featureAxis_badAxisOrShape_failsNamingIt() {
    ReferenceBuilder builder = ReferenceStatistics.builder(SIGNATURE, ReferenceOptions.defaults());
    assertThatThrownBy(() -> builder.featureAxis("img", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("axis 0 of 'img' is the batch: split along another axis");
    assertThatThrownBy(() -> builder.featureAxis("img", 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'img' is FP32 [-1, 3, 2, 2]: its axes are 0..3, not 4");
    assertThatThrownBy(() -> builder.featureAxis("pixels", 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no input or output 'pixels'");

    DriftMonitor monitor = DriftMonitor.create(reference(images(1, 50, new double[3])), MonitorOptions.defaults());
    Tensor fourChannels = Tensor.ofFloats(new float[16], 1, 4, 2, 2);
    assertThatThrownBy(() -> monitor.observe(Map.of("img", fourChannels), Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("input 'img': FP32 [1, 4, 2, 2] does not have the reference's 3 features along axis 1");
  }
}
