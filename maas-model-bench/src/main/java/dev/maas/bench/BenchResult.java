package dev.maas.bench;

import java.util.Objects;

/**
 * The measurement of one setting: which variant with which batch, benchmark threads, ONNX Runtime
 * settings, batching and transport, and the per-call latency JMH sampled (mean with its 99.9 % error and
 * percentiles, in microseconds) plus bytes allocated per call.
 *
 * @param variant what ran: {@code stored}, {@code onnx-export} or {@code optimized (REF)}
 * @param rows rows per call (the size of the inputs' first dimension)
 * @param threads benchmark threads calling at once
 * @param intraOpThreads ONNX Runtime intra-op threads, {@code default}, or {@code -} for a model ONNX Runtime does not run
 * @param optimization ONNX Runtime optimisation level, {@code default}, or {@code -}
 * @param batching {@code off}, or {@code on} for calls through a batcher
 * @param transport {@code in-process}, {@code http} (JSON) or {@code http-binary}
 * @param meanMicros mean latency per call
 * @param errorMicros JMH's 99.9 % confidence half-width of the mean; NaN when too few samples
 * @param p50Micros median latency per call
 * @param p99Micros 99th percentile per call
 * @param p999Micros 99.9th percentile per call
 * @param allocBytesPerCall bytes allocated per call, from JMH's GC profiler; NaN if unavailable
 */
public record BenchResult(String variant, int rows, int threads, String intraOpThreads, String optimization,
    String batching, String transport, double meanMicros, double errorMicros, double p50Micros, double p99Micros, double p999Micros,
    double allocBytesPerCall) {

  /** Checks the labels are present and the counts positive. */
  public BenchResult {
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(intraOpThreads, "intraOpThreads");
    Objects.requireNonNull(optimization, "optimization");
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(transport, "transport");
    if (rows < 1 || threads < 1) {
      throw new IllegalArgumentException("rows and threads must be 1 or more, got " + rows + ", " + threads);
    }
  }

  /**
   * Calls per second across all threads: each thread calls back to back, so this is threads over
   * the mean latency.
   */
  public double callsPerSecond() {
    return threads * 1e6 / meanMicros;
  }

  /** Rows per second across all threads. */
  public double rowsPerSecond() {
    return callsPerSecond() * rows;
  }

  /** Whether calls went through a batcher. */
  public boolean batched() {
    return batching.equals("on");
  }

  /** Whether calls went over HTTP. */
  public boolean overHttp() {
    return !transport.equals("in-process");
  }

  /**
   * The setting apart from the variant, as text: {@code batch 8, threads 2, intra-op 1, optimization
   * all}, followed by {@code , batched} and {@code , over http} or {@code , over http-binary} where
   * they apply.
   */
  public String setting() {
    return setting(true, true);
  }

  /** The setting, with or without the batching and the transport. */
  String setting(boolean withBatching, boolean withTransport) {
    StringBuilder s = new StringBuilder("batch ").append(rows).append(", threads ").append(threads);
    if (!intraOpThreads.equals("-")) {
      s.append(", intra-op ").append(intraOpThreads);
    }
    if (!optimization.equals("-")) {
      s.append(", optimization ").append(optimization);
    }
    if (withBatching && batched()) {
      s.append(", batched");
    }
    if (withTransport && overHttp()) {
      s.append(", over ").append(transport);
    }
    return s.toString();
  }
}
