package dev.maas.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.maas.http.InferenceJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Decoding an Open Inference Protocol request with one FP32 tensor of {@code n} floats: MaaS's
 * strict JSON decoder against a bare Jackson streaming loop that only parses the same floats (the
 * floor for JSON), and MaaS's binary tensor data decoder against one bulk little-endian buffer copy
 * (the floor for binary). Divide the times by {@code n} for nanoseconds per float.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpCodecBenchmark {
  /** Floats in the tensor. */
  @Param({"1000"})
  public int n;

  private byte[] json;
  private byte[] binary;
  private int binaryHeader;
  private float[] scratch;
  private final JsonFactory jackson = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  /** Builds both request bodies from the same seeded floats. */
  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    StringBuilder data = new StringBuilder();
    ByteBuffer floats = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      float v = (float) random.nextGaussian();
      data.append(i == 0 ? "" : ",").append(v);
      floats.putFloat(v);
    }
    json = ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + n + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] header = ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + n + "],\"datatype\":\"FP32\","
        + "\"parameters\":{\"binary_data_size\":" + 4 * n + "}}]}").getBytes(StandardCharsets.UTF_8);
    binaryHeader = header.length;
    binary = new byte[header.length + 4 * n];
    System.arraycopy(header, 0, binary, 0, header.length);
    System.arraycopy(floats.array(), 0, binary, header.length, 4 * n);
    scratch = new float[n];
  }

  /** MaaS: the full strict decode of the JSON request into a tensor. */
  @Benchmark
  public Object maasJson() {
    return InferenceJson.readRequest(json);
  }

  /** Floor: Jackson's streaming parser with the fast float parser, reading the floats and nothing else. */
  @Benchmark
  public float[] jacksonFloats() throws IOException {
    try (JsonParser p = jackson.createParser(json)) {
      int i = 0;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT && i < scratch.length) {
          scratch[i++] = p.getFloatValue();
        }
      }
      return scratch;
    }
  }

  /** MaaS: the decode of the same request with the binary tensor data extension. */
  @Benchmark
  public Object maasBinary() {
    return InferenceJson.readRequest(binary, binaryHeader);
  }

  /** Floor: one bulk copy of the little-endian floats into a float array. */
  @Benchmark
  public float[] bulkCopy() {
    float[] out = new float[n];
    ByteBuffer.wrap(binary, binaryHeader, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
