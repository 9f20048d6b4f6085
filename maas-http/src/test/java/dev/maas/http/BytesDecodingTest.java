package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * BYTES tensors decode into one packed array plus an end offset per element, in JSON and binary,
 * and the request memory budget is charged what that takes (4 bytes per element plus the
 * elements' bytes, which are never more than the body's), not an array per element.
 */
class BytesDecodingTest {
  private static final String[] STRINGS = {"", "a", "naïve", "日本", "emoji \uD83D\uDE00", "tab\tquote\"",
      "lone \uD800 surrogate", "x".repeat(300)};

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static InferenceRequest decode(byte[] body, int jsonLength, AtomicLong reserved) {
    return new Codec(JsonLimits.DEFAULTS).readRequest(body, body.length, jsonLength, 16, reserved::addAndGet);
  }

  @Test
  void json_strings_decodeAsStringGetBytesWould() {
    StringBuilder data = new StringBuilder();
    for (String s : STRINGS) {
      data.append(data.length() == 0 ? "" : ",").append(jsonString(s));
    }
    for (String order : new String[] {"shape first", "data first"}) {
      String tensor = order.equals("shape first")
          ? "{\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[" + STRINGS.length + "],\"data\":[" + data + "]}"
          : "{\"data\":[" + data + "],\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[" + STRINGS.length + "]}";
      byte[] body = ("{\"inputs\":[" + tensor + "]}").getBytes(StandardCharsets.UTF_8);
      AtomicLong reserved = new AtomicLong();
      Tensor t = decode(body, body.length, reserved).inputs().get(0).tensor();
      for (int i = 0; i < STRINGS.length; i++) {
        assertThat(t.getByteString(i)).as(order + " " + i).isEqualTo(STRINGS[i].getBytes(StandardCharsets.UTF_8));
      }
      long bytes = 0;
      for (String str : STRINGS) {
        bytes += str.getBytes(StandardCharsets.UTF_8).length;
      }
      assertThat(reserved.get()).as(order).isEqualTo(4L * STRINGS.length + bytes);
    }
  }

  @Test
  void json_manyEmptyStrings_reserveFourBytesEach() {
    int n = 200_000;
    StringBuilder b = new StringBuilder("{\"inputs\":[{\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[" + n
        + "],\"data\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "\"\"" : ",\"\"");
    }
    byte[] body = b.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    AtomicLong reserved = new AtomicLong();
    Tensor t = decode(body, body.length, reserved).inputs().get(0).tensor();
    assertThat(t.size()).isEqualTo(n);
    assertThat(t.byteStringLength(n - 1)).isZero();
    // 3 body bytes per element ("" and a comma) cost 4 bytes of heap, not an array each
    assertThat(reserved.get()).isEqualTo(4L * n).isLessThan(2L * body.length);
  }

  @Test
  void binary_strings_roundTripPackedAndChargeTheirSize() throws Exception {
    Tensor strings = Tensor.ofStrings(STRINGS, 2, STRINGS.length / 2);
    InferenceRequest request = new InferenceRequest(java.util.Optional.of("r"), Map.of(), List.of(new InferenceTensor("s", strings, Map.of())),
        List.of());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int header = InferenceJson.writeBinaryRequest(request, out);
    byte[] body = out.toByteArray();
    AtomicLong reserved = new AtomicLong();
    Tensor t = decode(body, header, reserved).inputs().get(0).tensor();
    assertThat(t).isEqualTo(strings);
    assertThat(reserved.get()).isEqualTo(body.length - header);
  }

  @Test
  void binary_elementLongerThanTheDataLeft_refused() {
    String json = "{\"inputs\":[{\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[2],"
        + "\"parameters\":{\"binary_data_size\":12}}]}";
    byte[] head = json.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + 12];
    System.arraycopy(head, 0, body, 0, head.length);
    body[head.length] = 5; // element 0: 5 bytes, leaving 3 for element 1's 4-byte prefix and data
    assertThatThrownBy(() -> decode(body, head.length, new AtomicLong())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("binary element 0 declares 5 bytes");
  }
}
