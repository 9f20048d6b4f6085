/**
 * JMH on a user's own stored models: {@link dev.maas.bench.ModelBench} runs
 * {@link dev.maas.bench.ModelBenchmark} in forked JVMs for every combination of settings asked and
 * reports latency percentiles, throughput and allocation per call.
 */
module dev.maas.bench {
  requires transitive dev.maas.core;
  requires transitive dev.maas.onnx;
  requires dev.maas.http;
  requires java.logging;
  requires jmh.core;

  exports dev.maas.bench;

  uses dev.maas.spi.ModelFormat;
}
