package dev.maas.bench;

import dev.maas.BatchingOptions;
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
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Calls a model through the project's own {@link InferenceServer}, started on a free loopback port
 * in this JVM and serving one model, with an Open Inference Protocol request per call, over one
 * keep-alive HTTP/1.1 connection per calling thread (a plain blocking socket with TCP_NODELAY, so
 * that the client adds no thread hand-offs of its own to what is measured). Each call encodes the
 * request, writes it, reads the answer and decodes it into tensors, as a Java client of the server
 * would; the request is JSON, or the binary tensor data extension's JSON header followed by the
 * tensors' little-endian bytes, with the outputs asked in binary too. {@link #close()} closes the
 * connections and stops the server; the model stays open, owned by the caller.
 *
 * <p>Thread-safe: any number of threads may call at once.
 */
final class HttpCaller implements AutoCloseable {
  /** The name the server serves the model under. */
  static final String MODEL = "bench";
  private static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private static final int MAX_HEAD_BYTES = 64 << 10;

  private final InferenceServer server;
  private final URI uri;
  private final String path;
  private final InferenceRequest request;
  private final boolean binary;
  private final Queue<Connection> connections = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Connection> connection = new ThreadLocal<>();

  /** One keep-alive connection, used by one thread. */
  private record Connection(Socket socket, InputStream in, OutputStream out) {}

  /**
   * Starts the server for {@code model} (behind a batcher when {@code batching} is given);
   * {@code maxCallers} threads may call at once without being shed.
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
    this.path = "/v2/models/" + MODEL + "/infer";
    this.uri = server.uri().resolve(path);
  }

  /** The server's infer endpoint. */
  URI uri() {
    return uri;
  }

  /**
   * One request: encode, write, read, decode.
   *
   * @return the outputs the server answered
   * @throws BenchException if the server answers anything but 200 or the connection fails
   */
  List<InferenceTensor> call() {
    byte[] body;
    String extra;
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      if (binary) {
        int headerLength = InferenceJson.writeBinaryRequest(request, out);
        extra = "Content-Type: application/octet-stream\r\n" + HEADER_LENGTH + ": " + headerLength + "\r\n";
      } else {
        InferenceJson.writeRequest(request, out);
        extra = "Content-Type: application/json\r\n";
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    body = out.toByteArray();
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n" + extra
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    Connection c = connection.get();
    try {
      if (c == null) {
        c = connect();
      }
      c.out().write(head);
      c.out().write(body);
      c.out().flush();
      return answer(c);
    } catch (IOException e) {
      drop(c);
      throw new BenchException("POST " + uri + " failed: " + e.getMessage(), e);
    }
  }

  private Connection connect() throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
      Connection c = new Connection(socket, new BufferedInputStream(socket.getInputStream(), 64 << 10),
          new BufferedOutputStream(socket.getOutputStream(), 64 << 10));
      connections.add(c);
      connection.set(c);
      return c;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private void drop(Connection c) {
    if (c == null) {
      return;
    }
    connection.remove();
    connections.remove(c);
    try {
      c.socket().close();
    } catch (IOException e) {
      // the connection is unusable either way; the call already fails with the first error
    }
  }

  /** Reads one answer: status line, headers, a body of Content-Length bytes; decodes a 200's outputs. */
  private List<InferenceTensor> answer(Connection c) throws IOException {
    String status = line(c.in());
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: '" + status + "'");
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    int jsonLength = -1;
    boolean close = false;
    for (String h = line(c.in()); !h.isEmpty(); h = line(c.in())) {
      int colon = h.indexOf(':');
      String name = colon < 0 ? h : h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = colon < 0 ? "" : h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "inference-header-content-length" -> jsonLength = Integer.parseInt(value);
        case "connection" -> close = value.equalsIgnoreCase("close");
        case "transfer-encoding" -> throw new IOException("the answer is " + value + ", not of a known length");
        default -> { }
      }
    }
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new IOException("the answer has no usable Content-Length (" + length + ")");
    }
    byte[] body = c.in().readNBytes((int) length);
    if (body.length != length) {
      throw new IOException("the connection closed after " + body.length + " of " + length + " bytes");
    }
    if (close) {
      drop(c);
    }
    if (code != 200) {
      throw new BenchException("the HTTP server answered " + code + ": "
          + new String(body, StandardCharsets.UTF_8).strip());
    }
    InferenceResponse response = jsonLength >= 0 ? InferenceJson.readResponse(body, jsonLength)
        : InferenceJson.readResponse(body);
    return response.outputs();
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the server closed the connection");
      }
      if (s.length() >= MAX_HEAD_BYTES) {
        throw new IOException("an answer header line is longer than " + MAX_HEAD_BYTES + " bytes");
      }
      if (b != '\r') {
        s.append((char) b);
      }
    }
    return s.toString();
  }

  /** Closes every connection, then stops the server. */
  @Override
  public void close() {
    try {
      for (Connection c; (c = connections.poll()) != null; ) {
        try {
          c.socket().close();
        } catch (IOException e) {
          // closing a loopback socket cannot fail in a way that matters here; the server stops next
        }
      }
    } finally {
      server.close();
    }
  }
}
