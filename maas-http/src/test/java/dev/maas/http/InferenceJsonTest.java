package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InferenceJsonTest {
  @Test
  void readRequest_specExample_readsIdInputsAndOutputs() {
    InferenceRequest request = InferenceJson.readRequest("""
        {
          "id" : "42",
          "inputs" : [
            { "name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "data" : [ 1, 2, 3, 4 ] },
            { "name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "data" : [ true, false, true ] }
          ],
          "outputs" : [ { "name" : "output0" } ]
        }""");
    assertThat(request.id()).contains("42");
    assertThat(request.inputTensors()).containsExactly(
        Map.entry("input0", Tensor.wrap(DataType.UINT32, new int[] {1, 2, 3, 4}, 2, 2)),
        Map.entry("input1", Tensor.ofBooleans(new boolean[] {true, false, true}, 3)));
    assertThat(request.outputNames()).containsExactly("output0");
  }

  @Test
  void readRequest_nestedData_equalsFlatData() {
    InferenceRequest nested = InferenceJson.readRequest(
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[[1,2],[4,5]]}]}");
    InferenceRequest flat = InferenceJson.readRequest(
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[1,2,4,5]}]}");
    assertThat(nested.inputTensors()).isEqualTo(flat.inputTensors());
    assertThat(nested.inputTensors().get("x")).isEqualTo(Tensor.ofFloats(new float[] {1, 2, 4, 5}, 2, 2));
  }

  @Test
  void readRequest_dataBeforeDatatype_readsTyped() {
    InferenceRequest request = InferenceJson.readRequest(
        "{\"inputs\":[{\"data\":[[1.5],[2.5]],\"name\":\"x\",\"shape\":[2,1],\"datatype\":\"FP64\"}]}");
    assertThat(request.inputTensors().get("x")).isEqualTo(Tensor.ofDoubles(new double[] {1.5, 2.5}, 2, 1));
  }

  @Test
  void readRequest_everyDatatype_readsElementsExactly() {
    String json = """
        {"inputs":[
          {"name":"b","shape":[2],"datatype":"BOOL","data":[true,false]},
          {"name":"u8","shape":[2],"datatype":"UINT8","data":[0,255]},
          {"name":"u16","shape":[1],"datatype":"UINT16","data":[65535]},
          {"name":"u32","shape":[1],"datatype":"UINT32","data":[4294967295]},
          {"name":"u64","shape":[1],"datatype":"UINT64","data":[18446744073709551615]},
          {"name":"i8","shape":[2],"datatype":"INT8","data":[-128,127]},
          {"name":"i16","shape":[1],"datatype":"INT16","data":[-32768]},
          {"name":"i32","shape":[1],"datatype":"INT32","data":[-2147483648]},
          {"name":"i64","shape":[1],"datatype":"INT64","data":[-9223372036854775808]},
          {"name":"f16","shape":[1],"datatype":"FP16","data":[1.5]},
          {"name":"f32","shape":[2],"datatype":"FP32","data":[0.1,-3.4e38]},
          {"name":"f64","shape":[2],"datatype":"FP64","data":[0.1,-1.5e308]},
          {"name":"s","shape":[],"datatype":"BYTES","data":["héllo"]}
        ]}""";
    Map<String, Tensor> t = InferenceJson.readRequest(json).inputTensors();
    assertThat(t.get("b").toBooleanArray()).containsExactly(true, false);
    assertThat(t.get("u8").toLongArray()).containsExactly(0, 255);
    assertThat(t.get("u16").getLong(0)).isEqualTo(65535);
    assertThat(t.get("u32").getLong(0)).isEqualTo(4294967295L);
    assertThat(Long.toUnsignedString(t.get("u64").getLong(0))).isEqualTo("18446744073709551615");
    assertThat(t.get("i8").toLongArray()).containsExactly(-128, 127);
    assertThat(t.get("i16").getLong(0)).isEqualTo(-32768);
    assertThat(t.get("i32").getLong(0)).isEqualTo(Integer.MIN_VALUE);
    assertThat(t.get("i64").getLong(0)).isEqualTo(Long.MIN_VALUE);
    assertThat(t.get("f16").getFloat(0)).isEqualTo(1.5f);
    assertThat(t.get("f32").getFloat(0)).isEqualTo(0.1f);
    assertThat(t.get("f32").getFloat(1)).isEqualTo(-3.4e38f);
    assertThat(t.get("f64").getDouble(0)).isEqualTo(0.1);
    assertThat(t.get("f64").getDouble(1)).isEqualTo(-1.5e308);
    assertThat(t.get("s").shape()).isEmpty();
    assertThat(t.get("s").getString(0)).isEqualTo("héllo");
  }

  @Test
  void readRequest_parameters_areKept() {
    InferenceRequest request = InferenceJson.readRequest("""
        {"parameters":{"a":"x","b":2,"c":true,"d":0.5},
         "inputs":[{"name":"x","shape":[1],"datatype":"INT64","data":[1],"parameters":{"p":"q"}}],
         "outputs":[{"name":"y","parameters":{"binary_data":false}}],
         "unknown":{"ignored":[1,2,3]}}""");
    assertThat(request.parameters()).containsEntry("a", "x").containsEntry("c", true).containsEntry("d", 0.5);
    assertThat(((Number) request.parameters().get("b")).longValue()).isEqualTo(2);
    assertThat(request.inputs().get(0).parameters()).containsEntry("p", "q");
    assertThat(request.outputs().get(0).parameters()).containsEntry("binary_data", false);
  }

  @Test
  void readRequest_countMismatch_throwsNamingInput() {
    assertThatThrownBy(() -> InferenceJson.readRequest(
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5]}]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x'")
        .hasMessageContaining("needs 6 elements").hasMessageContaining("has 5");
  }

  @Test
  void readRequest_valueNotOfType_throwsNamingInputAndElement() {
    assertThatThrownBy(() -> InferenceJson.readRequest(
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"data\":[1,\"abc\"]}]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x'").hasMessageContaining("element 1")
        .hasMessageContaining("\"abc\"");
    assertThatThrownBy(() -> InferenceJson.readRequest(
        "{\"inputs\":[{\"name\":\"k\",\"shape\":[1],\"datatype\":\"UINT8\",\"data\":[256]}]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'k'").hasMessageContaining("outside the range");
    assertThatThrownBy(() -> InferenceJson.readRequest(
        "{\"inputs\":[{\"name\":\"k\",\"shape\":[1],\"datatype\":\"INT32\",\"data\":[1.5]}]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'k'");
  }

  @Test
  void readRequest_unknownDatatype_throwsNamingInput() {
    assertThatThrownBy(() -> InferenceJson.readRequest(
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP128\",\"data\":[1]}]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("input 'x'").hasMessageContaining("FP128");
  }

  @Test
  void readRequest_malformed_throwsInvalidInput() {
    for (String json : List.of("", "[]", "{\"inputs\":[", "{\"id\":1,\"inputs\":[]}", "{}",
        "{\"inputs\":[{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[-1],\"datatype\":\"FP32\",\"data\":[1]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[{\"a\":1}]}]}",
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},"
            + "{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}")) {
      assertThatThrownBy(() -> InferenceJson.readRequest(json)).as(json).isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void writeResponse_echoesIdAndWritesFlatData() {
    InferenceRequest request = InferenceJson.readRequest(
        "{\"id\":\"r-1\",\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}");
    InferenceResponse response = InferenceResponse.answering(request, "m", Optional.of("3"),
        Map.of("y", Tensor.ofDoubles(new double[] {1.5, 2, 3, 4}, 2, 2)));
    assertThat(InferenceJson.toJson(response)).isEqualTo("{\"model_name\":\"m\",\"model_version\":\"3\",\"id\":\"r-1\","
        + "\"outputs\":[{\"name\":\"y\",\"shape\":[2,2],\"datatype\":\"FP64\",\"data\":[1.5,2.0,3.0,4.0]}]}");
  }

  @Test
  void response_roundTrip_keepsEveryType() {
    Map<String, Tensor> outputs = new java.util.LinkedHashMap<>();
    outputs.put("f32", Tensor.ofFloats(new float[] {0.1f, Float.NaN, Float.POSITIVE_INFINITY}, 3));
    outputs.put("f64", Tensor.ofDoubles(new double[] {Math.PI, -0.0}, 2));
    outputs.put("u64", Tensor.wrap(DataType.UINT64, new long[] {-1L}, 1));
    outputs.put("u8", Tensor.ofUint8(new byte[] {(byte) 200}, 1));
    outputs.put("b", Tensor.ofBooleans(new boolean[] {true}));
    outputs.put("s", Tensor.ofStrings(new String[] {"ü😀", ""}, 2, 1));
    outputs.put("f16", Tensor.ofFloat16Bits(new short[] {0x3C00}, 1));
    InferenceResponse response = new InferenceResponse("m", Optional.empty(), Optional.of("7"), Map.of("k", "v"),
        outputs.entrySet().stream().map(e -> InferenceTensor.of(e.getKey(), e.getValue())).toList());
    InferenceResponse back = InferenceJson.readResponse(InferenceJson.toJson(response).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(back).isEqualTo(response);
  }

  @Test
  void request_roundTrip_isEqual() {
    InferenceRequest request = new InferenceRequest(Optional.of("a"), Map.of("x", 1L),
        List.of(InferenceTensor.of("in", Tensor.ofLongs(new long[] {1, 2, 3}, 3, 1))), List.of(RequestedOutput.of("out")));
    assertThat(InferenceJson.readRequest(InferenceJson.toJson(request))).isEqualTo(request);
  }

  @Test
  void binaryRequest_roundTrip_isEqualAndHeaderLengthSplitsTheBody() throws Exception {
    InferenceRequest request = new InferenceRequest(Optional.of("b"), Map.of("binary_data_output", true),
        List.of(InferenceTensor.of("in", Tensor.ofFloats(new float[] {1.5f, -2f, 3f, 4f}, 2, 2)),
            InferenceTensor.of("s", Tensor.ofStrings(new String[] {"ab", ""}, 2))),
        List.of(RequestedOutput.of("out")));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int headerLength = InferenceJson.writeBinaryRequest(request, out);
    byte[] body = out.toByteArray();
    assertThat(body.length).as("header, 16 bytes of FP32, two length-prefixed strings").isEqualTo(headerLength + 16 + 4 + 2 + 4);
    assertThat(new String(body, 0, headerLength, java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"binary_data_size\":16", "\"binary_data_output\":true").doesNotContain("\"data\"");
    assertThat(InferenceJson.readRequest(body, headerLength)).isEqualTo(request);
  }

  @Test
  void errorJson_escapesMessage() {
    assertThat(InferenceJson.errorJson("input 'x': \"bad\"")).isEqualTo("{\"error\":\"input 'x': \\\"bad\\\"\"}");
  }
  private static String fp(String type, String shape, String data) {
    return "{\"inputs\":[{\"name\":\"x\",\"shape\":" + shape + ",\"datatype\":\"" + type + "\",\"data\":" + data + "}]}";
  }

  @Test
  void readRequest_nonFiniteOrOverflowingNumbers_throwInsteadOfGuessing() {
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP64", "[1]", "[1e999]")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("1e999").hasMessageContaining("outside the range of FP64");
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP32", "[1]", "[1.5e308]")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside the range of FP32");
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP16", "[1]", "[70000]")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside the range of FP16");
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP64", "[1]", "[\"NaN\"]")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("finite numbers only");
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP64", "[1]", "[NaN]")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("malformed JSON");
  }

  @Test
  void readRequest_fp16_roundsToNearestHalf() {
    Tensor t = InferenceJson.readRequest(fp("FP16", "[3]", "[1.0009765625, 65504, -0.0000001]")).inputTensors().get("x");
    assertThat(t.getFloat(0)).isEqualTo(1.0009765625f);
    assertThat(t.getFloat(1)).isEqualTo(65504f);
    assertThat(t.getFloat(2)).isEqualTo(-1.1920929e-7f);
  }

  @Test
  void half_fromFloat_roundTripsEveryFiniteHalf() {
    for (int bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7C00) == 0x7C00) {
        continue;
      }
      float value = Tensor.ofFloat16Bits(new short[] {(short) bits}, 1).getFloat(0);
      assertThat(Half.fromFloat(value) & 0xFFFF).as("bits %x", bits).isEqualTo(bits);
    }
  }

  @Test
  void readRequest_trailingContent_throws() {
    String one = fp("FP32", "[1]", "[1]");
    assertThatThrownBy(() -> InferenceJson.readRequest(one + " {}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("exactly one JSON object");
    assertThatThrownBy(() -> InferenceJson.readRequest(one + one))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("exactly one JSON object");
    assertThatThrownBy(() -> InferenceJson.readRequest(one + "garbage"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("malformed JSON");
    assertThat(InferenceJson.readRequest(one + " \n ").inputs()).hasSize(1);
  }

  @Test
  void readRequest_duplicateField_throws() {
    assertThatThrownBy(() -> InferenceJson.readRequest("{\"id\":\"a\",\"id\":\"b\",\"inputs\":[]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Duplicate field 'id'");
  }

  @Test
  void readRequest_nestingThatDoesNotMatchShape_throws() {
    for (String bad : List.of(fp("FP32", "[2,2]", "[[1,2,3],[4]]"), fp("FP32", "[2,2]", "[[1,2],[3,4],[5,6]]"),
        fp("FP32", "[2,2]", "[[1,2],3,4]"), fp("FP32", "[4]", "[[1,2],[3,4]]"), fp("FP32", "[2,2]", "[[[1,2]],[[3,4]]]"),
        fp("FP32", "[1,4]", "[[1,2],[3,4]]"), fp("FP32", "[2,2,1]", "[[1,2],[3,4]]"))) {
      assertThatThrownBy(() -> InferenceJson.readRequest(bad)).as(bad).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("input 'x'");
    }
    assertThat(InferenceJson.readRequest(fp("FP32", "[2,1,2]", "[[[1,2]],[[3,4]]]")).inputTensors().get("x"))
        .isEqualTo(Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 1, 2));
  }

  @Test
  void readRequest_hugeShape_throwsBeforeAllocating() {
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP64", "[4294967296,4294967296,4294967296]", "[1]")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("elements, the limit");
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP64", "[16000000]", "[1,2]")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs 16000000 elements");
  }

  @Test
  void readRequest_deepNesting_throws() {
    String deep = "[".repeat(200) + "]".repeat(200);
    assertThatThrownBy(() -> InferenceJson.readRequest("{\"x\":" + deep + ",\"inputs\":[]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("nesting depth");
  }

  @Test
  void readRequest_boundedStream_refusesEndlessInput() {
    java.io.InputStream zeros = new java.io.InputStream() {
      @Override
      public int read() {
        return 0;
      }
    };
    assertThatThrownBy(() -> InferenceJson.readRequest(zeros, 1 << 20))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("larger than 1 MiB");
  }

  @Test
  void readRequest_hugeNonNumericElement_isClippedInMessage() {
    String huge = "a".repeat(5_000_000);
    assertThatThrownBy(() -> InferenceJson.readRequest(fp("FP32", "[1]", "[\"" + huge + "\"]")))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
  }

  @Test
  void binary_requestRoundTrip_everyFixedTypeAndBytes() {
    Map<String, Tensor> inputs = new java.util.LinkedHashMap<>();
    inputs.put("f32", Tensor.ofFloats(new float[] {1.5f, Float.NaN, Float.NEGATIVE_INFINITY}, 3));
    inputs.put("f16", Tensor.ofFloat16Bits(new short[] {0x3C00, 0x7E00}, 2));
    inputs.put("f64", Tensor.ofDoubles(new double[] {Math.E}, 1, 1));
    inputs.put("b", Tensor.ofBooleans(new boolean[] {true, false}, 2));
    inputs.put("u32", Tensor.wrap(DataType.UINT32, new int[] {-1, 7}, 2));
    inputs.put("i64", Tensor.ofLongs(new long[] {Long.MIN_VALUE}, 1));
    inputs.put("s", Tensor.ofStrings(new String[] {"ab", "", "ü"}, 3));
    InferenceRequest request = InferenceRequest.of(inputs);
    Codec.Encoded encoded = Codec.DEFAULT.encodeRequest(request, true);
    byte[] body = encoded.toBytes();
    assertThat(body).hasSize((int) encoded.length());
    InferenceRequest back = Codec.DEFAULT.readRequest(body, body.length, encoded.json().length);
    assertThat(back.inputTensors()).isEqualTo(inputs);
  }

  @Test
  void binary_sizesThatDoNotAddUp_throw() {
    InferenceRequest request = InferenceRequest.of(Map.of("x", Tensor.ofFloats(new float[] {1, 2}, 2)));
    byte[] body = Codec.DEFAULT.encodeRequest(request, true).toBytes();
    int json = Codec.DEFAULT.encodeRequest(request, true).json().length;
    assertThatThrownBy(() -> Codec.DEFAULT.readRequest(body, body.length - 1, json))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("exceeds");
    byte[] longer = java.util.Arrays.copyOf(body, body.length + 3);
    assertThatThrownBy(() -> Codec.DEFAULT.readRequest(longer, longer.length, json))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("3 bytes after");
    assertThatThrownBy(() -> Codec.DEFAULT.readRequest(body, body.length, body.length + 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Inference-Header-Content-Length");
    String wrongSize = "{\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4}}]}";
    byte[] b = (wrongSize + "abcd").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Codec.DEFAULT.readRequest(b, b.length, b.length - 4))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs 8 bytes");
  }

  @Test
  void binary_response_writesSizeParameterAndData() {
    InferenceResponse response = new InferenceResponse("m", Optional.of("1"), Optional.empty(), Map.of(),
        List.of(InferenceTensor.of("y", Tensor.ofFloats(new float[] {1, 2}, 2, 1)),
            InferenceTensor.of("z", Tensor.ofLongs(new long[] {5}, 1))));
    Codec.Encoded encoded = Codec.DEFAULT.encodeResponse(response, "y"::equals);
    assertThat(new String(encoded.json(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"parameters\":{\"binary_data_size\":8}").contains("\"data\":[5]");
    byte[] body = encoded.toBytes();
    assertThat(java.nio.ByteBuffer.wrap(body, encoded.json().length, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat())
        .isEqualTo(1f);
    assertThat(Codec.DEFAULT.readResponse(body, body.length, encoded.json().length)).isEqualTo(response);
  }

  @Test
  void readRequest_manyInputsWithDataBeforeShape_readsEachFromItsOwnData() {
    StringBuilder body = new StringBuilder("{\"inputs\":[");
    for (int i = 0; i < 8000; i++) {
      body.append(i == 0 ? "" : ",").append("{\"data\":[").append(i).append("],\"name\":\"x").append(i)
          .append("\",\"shape\":[1],\"datatype\":\"INT32\"}");
    }
    Map<String, Tensor> inputs = InferenceJson.readRequest(body.append("]}").toString()).inputTensors();
    assertThat(inputs).hasSize(8000);
    assertThat(inputs.get("x0")).isEqualTo(Tensor.wrap(DataType.INT32, new int[] {0}, 1));
    assertThat(inputs.get("x7999")).isEqualTo(Tensor.wrap(DataType.INT32, new int[] {7999}, 1));
  }

  @Test
  void readRequest_moreInputsThanTheModelTakes_isRefusedBeforeDecoding() {
    String body = "{\"inputs\":[{\"name\":\"a\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},"
        + "{\"name\":\"b\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}";
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long[] reserved = new long[1];
    assertThatThrownBy(() -> Codec.DEFAULT.readRequest(bytes, bytes.length, bytes.length, 1, n -> reserved[0] += n))
        .isInstanceOf(InvalidInputException.class).hasMessage("the model takes 1 input; the request has more");
    assertThat(reserved[0]).isEqualTo(4); // the first tensor only
  }

  @Test
  void readRequest_shapeWhoseProductWrapsALong_is400NotAWrappedCount() {
    assertThatThrownBy(() -> InferenceJson.readRequest("{\"inputs\":[{\"name\":\"x\",\"shape\":[4,"
        + "4611686018427387904],\"datatype\":\"FP32\",\"data\":[]}]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("elements, the limit");
    assertThatThrownBy(() -> InferenceJson.readRequest("{\"inputs\":[{\"name\":\"x\",\"shape\":[65536,65536,"
        + "65536,65536],\"datatype\":\"FP32\",\"data\":[]}]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("elements, the limit");
  }
}
