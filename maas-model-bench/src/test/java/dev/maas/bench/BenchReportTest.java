package dev.maas.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maas.bench.BenchReport.Comparison;
import dev.maas.bench.BenchReport.Ratio;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static BenchResult result(String variant, int threads, String batching, String transport, double mean,
      double error) {
    return new BenchResult(variant, 1, threads, "-", "-", batching, transport, mean, error, mean, mean, mean, 0);
  }

  @Test
  void ratios_batchingAndTransport_divideByTheSameSettingWithoutThem() {
    BenchReport report = new BenchReport("lin:1", "linear", List.of(), List.of(
        result("stored", 4, "off", "in-process", 10, 1),
        result("stored", 4, "on", "in-process", 5, 0.5),
        result("stored", 4, "off", "http", 40, 4),
        result("stored", 4, "on", "http", 20, 0),
        result("onnx-export", 4, "off", "in-process", 30, 0)), List.of());

    List<Ratio> ratios = report.ratios();

    assertThat(ratios).extracting(Ratio::comparison, Ratio::subject, Ratio::setting).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Comparison.VARIANT, "onnx-export", "batch 1, threads 4"),
        org.assertj.core.groups.Tuple.tuple(Comparison.BATCHING, "stored batched", "batch 1, threads 4"),
        org.assertj.core.groups.Tuple.tuple(Comparison.BATCHING, "stored batched", "batch 1, threads 4, over http"),
        org.assertj.core.groups.Tuple.tuple(Comparison.TRANSPORT, "stored over http", "batch 1, threads 4"),
        org.assertj.core.groups.Tuple.tuple(Comparison.TRANSPORT, "stored over http", "batch 1, threads 4, batched"));
    assertThat(ratios).extracting(Ratio::ratio).containsExactly(3.0, 0.5, 0.5, 4.0, 4.0);
    // relative errors 0.1 and 0.1 combine to 0.1 * sqrt(2)
    assertThat(ratios.get(1).error()).isCloseTo(0.5 * 0.1 * Math.sqrt(2), within(1e-12));
    assertThat(ratios.get(2).error()).isCloseTo(0.5 * 0.1, within(1e-12));

    String text = report.format();
    assertThat(text).contains("stored | batch 1, threads 4, batched, over http\n",
        "\nbatched against unbatched, same threads (mean latency per call; below 1 is faster):\n"
            + "  stored batched | batch 1, threads 4: 0.500 ± 0.0707\n"
            + "  stored batched | batch 1, threads 4, over http: 0.500 ± 0.0500\n",
        "\nover HTTP against in-process (mean latency per call; above 1 is what HTTP costs):\n"
            + "  stored over http | batch 1, threads 4: 4.00 ± 0.566\n");
  }

  @Test
  void format_chosenOutputs_namedInTheHeadline() {
    BenchReport report = new BenchReport("fit:1", "linear", List.of("prediction"),
        List.of(result("stored", 1, "off", "in-process", 5, 1)), List.of());

    assertThat(report.format()).startsWith("maas bench fit:1 (linear): 1 setting; outputs prediction; latency");
  }

  @Test
  void ratios_noBaselineRun_leavesThePairOut() {
    BenchReport report = new BenchReport("lin:1", "linear", List.of(), List.of(result("stored", 2, "on", "http", 5, 1)),
        List.of());

    assertThat(report.ratios()).isEmpty();
    assertThat(report.format()).doesNotContain("against");
  }
}
