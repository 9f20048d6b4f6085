package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.Tensor;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ShadowTrafficTest {
  private static ShadowTraffic.Copy copy(float x) {
    Tensor in = Tensor.ofFloats(new float[] {x}, 1, 1);
    return new ShadowTraffic.Copy("m", 2, "1", Map.of("x", in), Set.of(), Map.of("y", in));
  }

  private static String scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void offer_queueFull_dropsAndCountsWithoutBlockingTheCaller() throws Exception {
    BlockingModel model = new BlockingModel(1);
    ServedModel served = new ServedModel("m", OptionalInt.of(2), model, model.predictor(), false, Runnable::run,
        () -> { });
    PrometheusRegistry registry = new PrometheusRegistry();
    try (ShadowTraffic shadow = new ShadowTraffic((name, version) -> served.acquire() ? Optional.of(served)
        : Optional.empty(), 1, 0, registry)) {
      shadow.offer(copy(7));
      assertThat(model.entered.await(30, TimeUnit.SECONDS)).isTrue(); // the worker holds the first copy
      for (int i = 0; i < 4; i++) {
        shadow.offer(copy(7)); // one fits the queue, three are dropped; none waits for the blocked shadow
      }
      assertThat(scrape(registry)).contains("maas_shadow_dropped_total{model=\"m\",reason=\"queue_full\",version=\"2\"} 3.0");
      model.release.countDown();
      assertThat(shadow.awaitIdle(TimeUnit.SECONDS.toNanos(30))).isTrue();
      String metrics = scrape(registry);
      assertThat(metrics).contains("maas_shadow_requests_total{model=\"m\",version=\"2\"} 5.0")
          .contains("maas_shadow_compared_total{live_version=\"1\",model=\"m\",version=\"2\"} 2.0")
          .doesNotContain("maas_shadow_disagreements_total{");
    }
  }

  @Test
  void maxAbsDifference_shapesNaNsAndStrings() {
    Tensor a = Tensor.ofFloats(new float[] {1, 2, Float.NaN}, 1, 3);
    assertThat(ShadowTraffic.maxAbsDifference(Map.of("y", a), Map.of("y", Tensor.ofFloats(new float[] {1, 2.5f,
        Float.NaN}, 1, 3)))).isEqualTo(0.5);
    assertThat(ShadowTraffic.maxAbsDifference(Map.of("y", a), Map.of("y", Tensor.ofFloats(new float[] {1, 2, 3}, 1,
        3)))).isInfinite();
    assertThat(ShadowTraffic.maxAbsDifference(Map.of("y", a), Map.of("y", Tensor.ofFloats(new float[] {1, 2, 3}, 3,
        1)))).isInfinite();
    assertThat(ShadowTraffic.maxAbsDifference(Map.of("y", a), Map.of())).isInfinite();
    assertThat(ShadowTraffic.maxAbsDifference(Map.of("s", Tensor.ofStrings(new String[] {"a"}, 1)),
        Map.of("s", Tensor.ofStrings(new String[] {"b"}, 1)))).isInfinite();
    assertThat(ShadowTraffic.maxAbsDifference(Map.of("y", a), Map.of("y", a))).isZero();
  }
}
