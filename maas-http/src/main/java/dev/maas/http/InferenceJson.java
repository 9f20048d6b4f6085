package dev.maas.http;

import dev.maas.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Open Inference Protocol's JSON for inference: reads and writes {@link InferenceRequest}s
 * and {@link InferenceResponse}s, and writes error bodies, on Jackson's streaming parser.
 *
 * <p>Reading is strict: the body is exactly one JSON object (nothing may follow it), no object
 * repeats a field, tensor data is flat or nested exactly as the tensor's shape, holds exactly the
 * shape's element count, and each element fits the datatype: integers in range, booleans as JSON
 * booleans, BYTES as JSON strings, and floating-point elements as finite JSON numbers that fit the
 * type (JSON has no NaN or infinity; send those with the binary tensor data extension). Unknown
 * fields are ignored, as the protocol allows extensions. Writing is always flat; a non-finite
 * output element is written as the string {@code "NaN"}, {@code "Infinity"} or {@code
 * "-Infinity"} (the protocol's tensor data may hold strings), which {@link #readResponse} reads
 * back.
 *
 * <p>Every method throws {@link InvalidInputException} for input that breaks these rules, naming
 * the tensor and element at fault. This class has no mutable state and is safe to use from many
 * threads.
 */
public final class InferenceJson {
  /** The largest request body {@link #readRequest(InputStream)} reads: 64 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 64L << 20;

  private InferenceJson() {}

  /**
   * Reads an inference request.
   *
   * @throws InvalidInputException if {@code json} is not a well-formed inference request
   */
  public static InferenceRequest readRequest(byte[] json) {
    Objects.requireNonNull(json, "json");
    return Codec.DEFAULT.readRequest(json, json.length, json.length);
  }

  /**
   * Reads a request that uses the binary tensor data extension: the JSON is {@code body[0,
   * jsonLength)} (the value of the {@code Inference-Header-Content-Length} header), followed by the
   * data of the inputs that have a {@code binary_data_size} parameter, in input order.
   *
   * @throws InvalidInputException if the JSON is not a well-formed request, or the binary sizes do
   *     not add up to the body
   */
  public static InferenceRequest readRequest(byte[] body, int jsonLength) {
    Objects.requireNonNull(body, "body");
    return Codec.DEFAULT.readRequest(body, body.length, jsonLength);
  }

  /** Reads an inference request from text; see {@link #readRequest(byte[])}. */
  public static InferenceRequest readRequest(String json) {
    return readRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads an inference request from {@code in} to its end, reading at most {@link
   * #DEFAULT_MAX_BODY_BYTES}; see {@link #readRequest(byte[])}.
   *
   * @throws InvalidInputException if the stream holds more than that or not a well-formed request
   * @throws UncheckedIOException if reading fails
   */
  public static InferenceRequest readRequest(InputStream in) {
    return readRequest(in, DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * Reads an inference request from {@code in} to its end, refusing a body longer than {@code
   * maxBytes} without reading past it; see {@link #readRequest(byte[])}.
   *
   * @throws InvalidInputException if the stream holds more than {@code maxBytes} or not a
   *     well-formed request
   * @throws UncheckedIOException if reading fails
   */
  public static InferenceRequest readRequest(InputStream in, long maxBytes) {
    Objects.requireNonNull(in, "in");
    if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException("maxBytes must be in [1, 2^31 - 9], got " + maxBytes);
    }
    try {
      byte[] body = in.readNBytes((int) maxBytes + 1);
      if (body.length > maxBytes) {
        throw new InvalidInputException("request body is larger than " + Sizes.format(maxBytes));
      }
      return readRequest(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code request} as JSON to {@code out}, data flat; the caller closes the stream. */
  public static void writeRequest(InferenceRequest request, OutputStream out) throws IOException {
    out.write(Codec.DEFAULT.encodeRequest(request, false).json());
  }

  /**
   * Writes {@code request} with the binary tensor data extension: a JSON header describing every
   * input (with its {@code binary_data_size}), then each input's bytes in order, little-endian; the
   * caller closes the stream. The request's own parameters, such as {@code binary_data_output},
   * travel in the header. Read back with {@link #readRequest(byte[], int)}.
   *
   * @return the header's length in bytes: the value of the {@code Inference-Header-Content-Length}
   *     HTTP header
   */
  public static int writeBinaryRequest(InferenceRequest request, OutputStream out) throws IOException {
    Codec.Encoded encoded = Codec.DEFAULT.encodeRequest(Objects.requireNonNull(request, "request"), true);
    encoded.writeTo(out);
    return encoded.json().length;
  }

  /** {@code request} as JSON text. */
  public static String toJson(InferenceRequest request) {
    return new String(Codec.DEFAULT.encodeRequest(request, false).json(), StandardCharsets.UTF_8);
  }

  /** Writes {@code response} as JSON to {@code out}, data flat; the caller closes the stream. */
  public static void writeResponse(InferenceResponse response, OutputStream out) throws IOException {
    out.write(Codec.DEFAULT.encodeResponse(response, name -> false).json());
  }

  /** {@code response} as JSON text. */
  public static String toJson(InferenceResponse response) {
    return new String(Codec.DEFAULT.encodeResponse(response, name -> false).json(), StandardCharsets.UTF_8);
  }

  /**
   * Reads an inference response, as a client does.
   *
   * @throws InvalidInputException if {@code json} is not a well-formed inference response
   */
  public static InferenceResponse readResponse(byte[] json) {
    Objects.requireNonNull(json, "json");
    return Codec.DEFAULT.readResponse(json, json.length, json.length);
  }

  /**
   * Reads a response that uses the binary tensor data extension, as {@link #readRequest(byte[],
   * int)} reads a request.
   *
   * @throws InvalidInputException if the body is not a well-formed inference response
   */
  public static InferenceResponse readResponse(byte[] body, int jsonLength) {
    Objects.requireNonNull(body, "body");
    return Codec.DEFAULT.readResponse(body, body.length, jsonLength);
  }

  /** The protocol's error body, {@code {"error": message}}. */
  public static String errorJson(String message) {
    return new String(Codec.DEFAULT.error(Objects.requireNonNull(message, "message")), StandardCharsets.UTF_8);
  }
}
