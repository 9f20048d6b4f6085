package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the request decoder and the server: random and mutated bodies may only be
 * refused with {@link InvalidInputException} (a 400), never with anything else, and the server
 * keeps serving with bounded memory.
 */
class DecoderFuzzTest {
  private static final String[] SEEDS = {
      "{\"id\":\"a\",\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[[1,2,3],[4,5,6]]}]}",
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1.5e3,-2,0.25]}],"
          + "\"outputs\":[{\"name\":\"y\",\"parameters\":{\"binary_data\":true}}],\"parameters\":{\"k\":1}}",
      "{\"inputs\":[{\"name\":\"b\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"x\",\"\\u00e9\"]},"
          + "{\"name\":\"i\",\"shape\":[1],\"datatype\":\"UINT64\",\"data\":[18446744073709551615]}]}",
      "{\"inputs\":[{\"data\":[true,false],\"name\":\"t\",\"datatype\":\"BOOL\",\"shape\":[2]}]}",
  };
  private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "1e999", "-0", "NaN", "null", "true",
      "\"shape\"", "\"data\"", "[4294967296,4294967296]", "\\u0000", "\u0000", "\"FP16\"", "\"INT8\"", "99999999999999999999",
      "[[[[[[[[", "\"binary_data_size\":8", "{\"name\":\"x\"}", "1.5", "\"inputs\":"};

  static List<byte[]> bodies(int count, long seed) {
    Random random = new Random(seed);
    List<byte[]> bodies = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      byte[] base = SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8);
      byte[] body = switch (random.nextInt(6)) {
        case 0 -> {
          byte[] noise = new byte[random.nextInt(200)];
          random.nextBytes(noise);
          yield noise;
        }
        case 1 -> {
          byte[] flipped = base.clone();
          for (int k = 1 + random.nextInt(4); k > 0; k--) {
            flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
          }
          yield flipped;
        }
        case 2 -> java.util.Arrays.copyOf(base, random.nextInt(base.length));
        case 3 -> {
          String text = new String(base, StandardCharsets.UTF_8);
          int at = random.nextInt(text.length());
          yield (text.substring(0, at) + TOKENS[random.nextInt(TOKENS.length)] + text.substring(at))
              .getBytes(StandardCharsets.UTF_8);
        }
        case 4 -> {
          String text = new String(base, StandardCharsets.UTF_8);
          int from = random.nextInt(text.length());
          int to = from + random.nextInt(text.length() - from);
          yield (text.substring(0, from) + text.substring(to)).getBytes(StandardCharsets.UTF_8);
        }
        default -> {
          StringBuilder b = new StringBuilder();
          for (int k = random.nextInt(30); k > 0; k--) {
            b.append(TOKENS[random.nextInt(TOKENS.length)]);
          }
          yield b.toString().getBytes(StandardCharsets.UTF_8);
        }
      };
      bodies.add(body);
    }
    return bodies;
  }

  @Test
  void decoder_randomAndMutatedBodies_onlyInvalidInput() {
    int refused = 0;
    for (byte[] body : bodies(20_000, 42)) {
      try {
        Codec.DEFAULT.readRequest(body, body.length, body.length);
      } catch (InvalidInputException e) {
        refused++;
        assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(600);
      }
    }
    assertThat(refused).isGreaterThan(16_000);
  }

  @Test
  void server_randomAndMutatedBodies_only200Or4xx_keepsServingWithBoundedMemory() {
    try (AffineModel model = new AffineModel(1, 0);
        InferenceServer server = InferenceServer.builder().model("m", model).port(0).build().start()) {
      OipClient client = new OipClient(server.uri());
      Runtime runtime = Runtime.getRuntime();
      int count = 0;
      for (byte[] body : bodies(3_000, 7)) {
        OipClient.Answer answer = client.send("POST", "/v2/models/m/infer",
            java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        assertThat(answer.status()).as(new String(body, StandardCharsets.UTF_8)).isIn(200, 400);
        if (answer.status() == 400) {
          OipSchema.assertValid("inference_error_response", answer.body());
        }
        count++;
      }
      assertThat(count).isEqualTo(3_000);
      assertThat(client.post("/v2/models/m/infer", SEEDS[0]).status()).isEqualTo(200);
      System.gc();
      assertThat(runtime.totalMemory() - runtime.freeMemory()).isLessThan(256L << 20);
    }
  }
}
