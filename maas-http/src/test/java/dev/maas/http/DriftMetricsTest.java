package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.ModelStore;
import dev.maas.PublishOptions;
import dev.maas.Tensor;
import dev.maas.monitor.DriftMonitor;
import dev.maas.monitor.DriftReport;
import dev.maas.monitor.MonitorOptions;
import dev.maas.monitor.ReferenceBuilder;
import dev.maas.monitor.ReferenceOptions;
import dev.maas.monitor.ReferenceStatistics;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Drift metrics through a real scrape of a running server, against an in-process monitor fed the same rows. */
class DriftMetricsTest {
  private static float[] rows(long seed, int n, float shift) {
    Random r = new Random(seed);
    float[] x = new float[n * 3];
    for (int i = 0; i < n; i++) {
      x[i * 3] = (float) r.nextGaussian() + shift;
      x[i * 3 + 1] = (float) r.nextGaussian();
      x[i * 3 + 2] = r.nextInt(4);
    }
    return x;
  }

  private static String request(float[] x) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < x.length; i++) {
      data.append(i == 0 ? "" : ",").append(x[i]);
    }
    return "{\"inputs\":[{\"name\":\"x\",\"shape\":[" + x.length / 3 + ",3],\"datatype\":\"FP32\",\"data\":[" + data
        + "]}]}";
  }

  /** The value of the one series of {@code metric} whose labels include all of {@code labels}; NaN if none. */
  static double scraped(String body, String metric, String... labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
    double found = Double.NaN;
    int hits = 0;
    while (m.find()) {
      List<String> have = List.of(m.group(1).split(","));
      boolean all = true;
      for (String l : labels) {
        all &= have.contains(l);
      }
      if (all) {
        found = Double.parseDouble(m.group(2));
        hits++;
      }
    }
    assertThat(hits).as(metric + " " + List.of(labels)).isLessThanOrEqualTo(1);
    return found;
  }

  @Test
  void scrape_driftingFeature_psiJsKsAndCountersPerVersionFeature() {
    try (ModelStore store = ModelStore.inMemory(); AffineModel model = new AffineModel(1, 0)) {
      float[] train = rows(1, 2000, 0);
      Map<String, Tensor> trainInputs = Map.of("x", Tensor.ofFloats(train, 2000, 3));
      ReferenceBuilder b = ReferenceStatistics.builder(AffineModel.SIGNATURE, ReferenceOptions.defaults());
      ReferenceStatistics reference = b.addInputs(trainInputs)
          .addOutputs(model.predictor().predict(trainInputs)).build();
      store.publish("m", model, reference.attachTo(PublishOptions.builder()).build());
      store.publish("m", model);
      store.setAlias("m", "production", 1);

      DriftMonitor expected = DriftMonitor.create(reference, MonitorOptions.defaults());
      try (InferenceServer server = InferenceServer.builder().store(store).port(0).build().start()) {
        OipClient client = new OipClient(server.uri());
        for (int k = 0; k < 3; k++) {
          float[] live = rows(10 + k, 100, 1);
          assertThat(client.post("/v2/models/m/infer", request(live)).status()).isEqualTo(200);
          Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(live, 100, 3));
          expected.observe(in, model.predictor().predict(in));
        }
        assertThat(client.post("/v2/models/m/versions/2/infer", request(rows(20, 10, 1))).status()).isEqualTo(200);

        String body = client.get("/metrics").body();
        DriftReport want = expected.report();
        String[] x0 = {"model=\"m\"", "version=\"1\"", "input=\"x\"", "feature=\"0\""};
        double psi = scraped(body, "maas_drift_psi", x0);
        assertThat(psi).isCloseTo(want.input("x", "0").orElseThrow().psi(), within(1e-9)).isGreaterThan(0.25);
        assertThat(scraped(body, "maas_drift_js_distance", x0))
            .isCloseTo(want.input("x", "0").orElseThrow().jensenShannon(), within(1e-9));
        assertThat(scraped(body, "maas_drift_ks_statistic", x0))
            .isCloseTo(want.input("x", "0").orElseThrow().kolmogorovSmirnov(), within(1e-9));
        String[] x1 = {"model=\"m\"", "version=\"1\"", "input=\"x\"", "feature=\"1\""};
        assertThat(scraped(body, "maas_drift_psi", x1)).isLessThan(0.1);
        String[] x2 = {"model=\"m\"", "version=\"1\"", "input=\"x\"", "feature=\"2\""};
        assertThat(scraped(body, "maas_drift_psi", x2)).isLessThan(0.1);
        assertThat(scraped(body, "maas_drift_ks_statistic", x2)).as("categorical: no KS").isNaN();
        // the server's warm-up request is not counted: exactly the 300 rows sent
        assertThat(scraped(body, "maas_drift_values_total", x0)).isEqualTo(300);
        assertThat(scraped(body, "maas_drift_window_values", x0)).isEqualTo(300);
        assertThat(scraped(body, "maas_drift_missing_values_total", x0)).isZero();
        assertThat(scraped(body, "maas_drift_out_of_range_values_total", x0))
            .isEqualTo(want.input("x", "0").orElseThrow().outOfRangeTotal());
        String[] y = {"model=\"m\"", "version=\"1\"", "output=\"y\"", "feature=\"0\""};
        assertThat(scraped(body, "maas_prediction_drift_psi", y))
            .isCloseTo(want.output("y", "0").orElseThrow().psi(), within(1e-9)).isGreaterThan(0.1);
        assertThat(scraped(body, "maas_drift_untracked_features", "model=\"m\"", "version=\"1\"")).isZero();
        // version 2 was published without reference statistics: no drift series
        assertThat(scraped(body, "maas_drift_values_total", "version=\"2\"")).isNaN();
        assertThat(scraped(body, "maas_prediction_drift_values_total", "version=\"2\"")).isNaN();
        assertThat(scraped(body, "maas_drift_untracked_features", "version=\"2\"")).isNaN();
        assertThat(body).contains("# TYPE maas_drift_values_total counter", "# TYPE maas_drift_psi gauge");
      }
    }
  }
}
