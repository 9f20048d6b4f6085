package dev.maas.benchmarks;

import dev.maas.MaasException;
import dev.maas.http.InferenceJson;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decoder's cost on bodies of about 64 MiB built to make it work, against a valid 64 MiB FP32
 * body ({@code fp32}, the reference): {@code dataBeforeShape} (one-element tensors whose "data"
 * precedes "shape" and "datatype", so each must be read again), {@code emptyStrings} (a BYTES
 * tensor of 16 Mi empty strings, the most elements per byte), {@code nested} (FP32 data nested
 * one element per innermost array) and {@code manyShapeDims} (tensors with 64-dimension shapes of
 * ones). The bound to hold: each hostile kind costs at most twice {@code fp32}; the decode is
 * linear in the body. The bodies are decoded without a model, so no input cap applies: that is
 * the worst case the server's decoder meets before its signature check.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
public class HostileBodyBenchmark {
  private static final int TARGET = 64 << 20;

  /** Which body. */
  @Param({"fp32", "dataBeforeShape", "emptyStrings", "nested", "manyShapeDims"})
  public String kind;

  private byte[] body;

  /** Builds the body, about 64 MiB, from a fixed seed. */
  @Setup
  public void setUp() {
    StringBuilder b = new StringBuilder(TARGET + 1024).append("{\"inputs\":[");
    switch (kind) {
      case "fp32" -> {
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder data = new StringBuilder(TARGET);
        int n = 0;
        while (data.length() < TARGET - 128) {
          data.append(n == 0 ? "" : ",").append((float) random.nextGaussian());
          n++;
        }
        b.append("{\"name\":\"x\",\"shape\":[").append(n).append("],\"datatype\":\"FP32\",\"data\":[").append(data)
            .append("]}");
      }
      case "dataBeforeShape" -> {
        for (int i = 0; b.length() < TARGET; i++) {
          b.append(i == 0 ? "" : ",").append("{\"data\":[0.5],\"name\":\"x").append(i)
              .append("\",\"shape\":[1],\"datatype\":\"FP32\"}");
        }
      }
      case "emptyStrings" -> {
        int n = 16 << 20;
        b.append("{\"name\":\"s\",\"shape\":[").append(n).append("],\"datatype\":\"BYTES\",\"data\":[");
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "\"\"" : ",\"\"");
        }
        b.append("]}");
      }
      case "nested" -> {
        int n = TARGET / 6;
        b.append("{\"name\":\"x\",\"shape\":[").append(n).append(",1],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "[1]" : ",[1]");
        }
        b.append("]}");
      }
      case "manyShapeDims" -> {
        String ones = "1,".repeat(63) + "1";
        for (int i = 0; b.length() < TARGET; i++) {
          b.append(i == 0 ? "" : ",").append("{\"name\":\"x").append(i).append("\",\"shape\":[").append(ones)
              .append("],\"datatype\":\"FP32\",\"data\":[1]}");
        }
      }
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    body = b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The full decode; a refused body (a 400 in the server) counts as decoded. */
  @Benchmark
  public Object decode() {
    try {
      return InferenceJson.readRequest(body);
    } catch (MaasException refused) {
      return refused;
    }
  }
}
