package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import dev.maas.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The decoder's work, counted rather than timed: the tokens its parsers read and the bytes they
 * are given, for bodies of growing size in each layout an attacker can choose. Linear means the
 * work per body token is bounded by a constant that does not grow with the body.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecoderWorkTest {
  /** Counts what every parser the codec creates reads. */
  private static final class Work {
    long parsers;
    long bytesGiven;
    long tokens;

    Codec codec() {
      return new Codec(JsonLimits.DEFAULTS, (p, bytes) -> {
        parsers++;
        bytesGiven += bytes;
        return new JsonParserDelegate(p) {
          @Override
          public JsonToken nextToken() throws IOException {
            tokens++;
            return super.nextToken();
          }
        };
      });
    }
  }

  private static long tokensIn(byte[] json) throws IOException {
    long n = 0;
    try (JsonParser p = new JsonFactory().createParser(json)) {
      while (p.nextToken() != null) {
        n++;
      }
    }
    return n;
  }

  private static byte[] body(int tensors, IntFunction<String> tensor) {
    StringBuilder b = new StringBuilder("{\"inputs\":[");
    for (int i = 0; i < tensors; i++) {
      b.append(i == 0 ? "" : ",").append(tensor.apply(i));
    }
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Work decode(byte[] body) {
    Work work = new Work();
    work.codec().readRequest(body, body.length, body.length);
    return work;
  }

  @Test
  void readRequest_dataBeforeShape_readsEachByteAtMostTwice() throws IOException {
    for (int n : new int[] {100, 1_000, 10_000}) {
      byte[] body = body(n, i -> "{\"data\":[0.5,1.5],\"name\":\"x" + i + "\",\"shape\":[2],\"datatype\":\"FP32\"}");
      Work work = decode(body);
      long bodyTokens = tokensIn(body);
      // the whole body once, then each data array again from its own bytes
      assertThat(work.tokens).isLessThanOrEqualTo(2 * bodyTokens + n);
      assertThat(work.bytesGiven).isLessThanOrEqualTo(2L * body.length);
      assertThat(work.parsers).isEqualTo(1 + n);
    }
  }

  @Test
  void readRequest_dataAfterShape_readsEachTokenOnce() throws IOException {
    byte[] body = body(1_000, i -> "{\"name\":\"x" + i + "\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[0.5,1.5]}");
    Work work = decode(body);
    assertThat(work.parsers).isEqualTo(1);
    assertThat(work.bytesGiven).isEqualTo(body.length);
    assertThat(work.tokens).isEqualTo(tokensIn(body) + 1); // the last call reports the end
  }

  @Test
  void readRequest_dataBeforeShape_workPerTokenDoesNotGrowWithTheBody() throws IOException {
    IntFunction<String> nested = i -> "{\"data\":[[1],[2],[3]],\"name\":\"n" + i
        + "\",\"datatype\":\"INT32\",\"shape\":[3,1]}";
    double small = ratio(body(500, nested));
    double large = ratio(body(8_000, nested));
    assertThat(large).isLessThanOrEqualTo(small * 1.01);
  }

  private static double ratio(byte[] body) throws IOException {
    Work work = decode(body);
    return (double) (work.tokens + work.bytesGiven) / (tokensIn(body) + body.length);
  }

  @Test
  void readRequest_moreRequestedOutputsThanTheModelHas_refusedAtTheFirstSurplus() {
    StringBuilder b = new StringBuilder("{\"outputs\":[");
    for (int i = 0; i < 100_000; i++) {
      b.append(i == 0 ? "" : ",").append("{\"name\":\"y\"}");
    }
    byte[] body = b.append("],\"inputs\":[]}").toString().getBytes(StandardCharsets.UTF_8);
    Work work = new Work();
    assertThatThrownBy(() -> work.codec().readRequest(body, body.length, body.length, 1, 2, bytes -> { }))
        .isInstanceOf(InvalidInputException.class).hasMessage("the model has 2 outputs; the request asks for more");
    // three objects of four tokens each, and the tokens before them: not the 400,000 of the whole list
    assertThat(work.tokens).isLessThan(20);
  }

  @Test
  void readRequest_withoutAModel_moreThan65536Inputs_refusedAtTheFirstSurplus() {
    byte[] body = body(Codec.MAX_TENSORS + 1000, i -> "{\"data\":[0.5],\"name\":\"x" + i
        + "\",\"shape\":[1],\"datatype\":\"FP32\"}");
    Work work = new Work();
    assertThatThrownBy(() -> work.codec().readRequest(body, body.length, body.length))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("a request holds at most 65536 inputs; this one has more");
    assertThat(InferenceJson.readRequest(body(Codec.MAX_TENSORS, i -> "{\"name\":\"x" + i
        + "\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}")).inputs()).hasSize(Codec.MAX_TENSORS);
  }

  @Test
  void readRequest_dataBeforeShapeNotAnArray_refusedAtOnce() {
    byte[] body = body(1, i -> "{\"data\":5,\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\"}");
    assertThatThrownBy(() -> decode(body)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("\"data\" must be an array");
  }

  @Test
  void readRequest_dataBeforeShape_decodesTheSameTensors() {
    byte[] late = body(3, i -> "{\"name\":\"x" + i + "\",\"shape\":[2,2],\"datatype\":\"FP64\",\"data\":[[1," + i
        + "],[3,4.5]]}");
    byte[] early = body(3, i -> "{\"data\":[[1," + i + "],[3,4.5]],\"name\":\"x" + i
        + "\",\"shape\":[2,2],\"datatype\":\"FP64\"}");
    assertThat(InferenceJson.readRequest(early)).isEqualTo(InferenceJson.readRequest(late));
  }
}
