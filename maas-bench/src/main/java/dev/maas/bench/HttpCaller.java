package dev.maas.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.BatchingOptions;
import dev.maas.DataType;
import dev.maas.Model;
import dev.maas.Tensor;
import dev.maas.http.InferenceJson;
import dev.maas.http.InferenceRequest;
import dev.maas.http.InferenceResponse;
import dev.maas.http.InferenceServer;
import dev.maas.http.InferenceTensor;
import dev.maas.http.RequestedOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls a model through the project's own {@link InferenceServer}, started on a free loopback port
 * in this JVM and serving one model, with an Open Inference Protocol request per call sent by
 * {@link HttpClient} over keep-alive HTTP/1.1 connections. Each call encodes the request, waits for
 * the answer and decodes it into tensors, as a Java client of the server would; the request is JSON,
 * or the binary tensor data extension's JSON header followed by the tensors' little-endian bytes,
 * with the outputs asked in binary too. {@link #close()} stops the client's threads and the server;
 * the model stays open, owned by the caller.
 *
 * <p>Thread-safe: any number of threads may call at once.
 */
final class HttpCaller implements AutoCloseable {
  /** The name the server serves the model under. */
  static final String MODEL = "bench";
  private static final JsonFactory JSON = new JsonFactory();
  private static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private final InferenceServer server;
  private final ExecutorService clientThreads;
  private final HttpClient client;
  private final URI uri;
  private final InferenceRequest request;
  private final boolean binary;

  /**
   * Starts the server for {@code model} (behind a batcher when {@code batching} is given) and the
   * client; {@code maxCallers} threads may call at once without being shed.
   */
  HttpCaller(Model model, Optional<BatchingOptions> batching, boolean binary, Map<String, Tensor> inputs,
      Set<String> outputs, int maxCallers) {
    this.binary = binary;
    this.request = new InferenceRequest(Optional.empty(), binary ? Map.of("binary_data_output", true) : Map.of(),
        inputs.entrySet().stream().map(e -> InferenceTensor.of(e.getKey(), e.getValue())).toList(),
        outputs.stream().map(RequestedOutput::of).toList());
    int limit = Math.max(256, 2 * maxCallers);
    InferenceServer.Builder builder = InferenceServer.builder().model(MODEL, model).port(0).maxInFlight(limit)
        .maxInFlightPerModel(limit).shutdownTimeout(Duration.ofSeconds(5));
    batching.ifPresent(builder::batching);
    this.server = builder.build().start();
    AtomicInteger n = new AtomicInteger();
    this.clientThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "maas-bench-http-client-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
        .connectTimeout(Duration.ofSeconds(10)).build();
    this.uri = server.uri().resolve("/v2/models/" + MODEL + "/infer");
  }

  /** The server's infer endpoint. */
  URI uri() {
    return uri;
  }

  /**
   * One request: encode, send, receive, decode.
   *
   * @return the outputs the server answered
   * @throws BenchException if the server answers anything but 200 or the connection fails
   */
  List<InferenceTensor> call() {
    HttpRequest.Builder http = HttpRequest.newBuilder(uri);
    byte[] body;
    if (binary) {
      byte[] header = binaryHeader();
      body = withTensors(header);
      http.header("Content-Type", "application/octet-stream").header(HEADER_LENGTH, Integer.toString(header.length));
    } else {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      try {
        InferenceJson.writeRequest(request, out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      body = out.toByteArray();
      http.header("Content-Type", "application/json");
    }
    HttpResponse<byte[]> answer;
    try {
      answer = client.send(http.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new BenchException("POST " + uri + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for " + uri, e);
    }
    if (answer.statusCode() != 200) {
      throw new BenchException("the HTTP server answered " + answer.statusCode() + ": "
          + new String(answer.body(), StandardCharsets.UTF_8).strip());
    }
    Optional<String> jsonLength = answer.headers().firstValue(HEADER_LENGTH);
    InferenceResponse response = jsonLength.isPresent()
        ? InferenceJson.readResponse(answer.body(), Integer.parseInt(jsonLength.get()))
        : InferenceJson.readResponse(answer.body());
    return response.outputs();
  }

  /** The binary extension's JSON header: shapes, types and byte sizes, no data. */
  private byte[] binaryHeader() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("inputs");
      for (InferenceTensor input : request.inputs()) {
        Tensor t = input.tensor();
        g.writeStartObject();
        g.writeStringField("name", input.name());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeStringField("datatype", t.dataType().name());
        g.writeObjectFieldStart("parameters");
        g.writeNumberField("binary_data_size", byteSize(t));
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      if (!request.outputs().isEmpty()) {
        g.writeArrayFieldStart("outputs");
        for (RequestedOutput o : request.outputs()) {
          g.writeStartObject();
          g.writeStringField("name", o.name());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeObjectFieldStart("parameters");
      g.writeBooleanField("binary_data_output", true);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The header followed by every input's bytes, in request order. */
  private byte[] withTensors(byte[] header) {
    long total = header.length;
    for (InferenceTensor input : request.inputs()) {
      total += byteSize(input.tensor());
    }
    if (total > Integer.MAX_VALUE) {
      throw new BenchException("the binary request would hold " + total + " bytes, more than one array can");
    }
    ByteBuffer body = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    body.put(header);
    for (InferenceTensor input : request.inputs()) {
      Tensor t = input.tensor();
      if (t.dataType() == DataType.BYTES) {
        for (byte[] element : t.toByteStrings()) {
          body.putInt(element.length).put(element);
        }
      } else {
        t.copyTo(body);
      }
    }
    return body.array();
  }

  /** A tensor's size in the binary extension: fixed-size elements, or 4-byte length plus bytes per string. */
  private static long byteSize(Tensor t) {
    if (t.dataType() != DataType.BYTES) {
      return (long) t.size() * t.dataType().byteSize();
    }
    long n = 0;
    for (byte[] element : t.toByteStrings()) {
      n += 4 + element.length;
    }
    return n;
  }

  /** Stops the client's threads (and, on JDK 21 and later, its connections), then the server. */
  @Override
  public void close() {
    try {
      if (client instanceof AutoCloseable closeable) {
        closeable.close();
      }
    } catch (Exception e) {
      throw new BenchException("cannot close the HTTP client: " + e.getMessage(), e);
    } finally {
      clientThreads.shutdownNow();
      try {
        clientThreads.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        server.close();
      }
    }
  }
}
