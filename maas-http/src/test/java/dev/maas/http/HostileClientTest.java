package dev.maas.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that attack the server (slow headers, stalled bodies, bodies built to make the decoder
 * work, bodies larger than the memory budget) against a real server on loopback: while they hold
 * their connections, health and a real inference still answer. The bound on "still answer" is the
 * client's request timeout, generous next to the one second an operator expects: before the
 * connection and body handling were reworked these requests never answered at all.
 *
 * <p>The maas-http test JVM runs with {@code sun.net.httpserver.maxReqTime=5} (see the module's
 * POM), the JDK server's JVM-wide read deadline that {@link InferenceServer.Builder#readTimeout}
 * sets, so the deadline's effect is seen in seconds.
 */
class HostileClientTest {
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
  private static final String ROW = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\","
      + "\"data\":[1,2,3]}]}";

  private final List<Socket> attackers = new ArrayList<>();
  private ModelStore store;
  private InferenceServer server;
  private HttpClient http;

  @BeforeEach
  void start() {
    store = ModelStore.inMemory();
    try (AffineModel model = new AffineModel(2, 0)) {
      store.publish("m", model);
    }
    server = InferenceServer.builder().store(store).port(0).maxBodyBytes(4 << 20).memoryBudget(3 << 20)
        .build().start();
    http = HttpClient.newBuilder().connectTimeout(ANSWER_BOUND).build();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : attackers) {
      s.close();
    }
    server.close();
    assertThat(server.openModels()).isZero();
    store.close();
  }

  private Socket attacker(String sent) throws IOException {
    Socket s = new Socket();
    attackers.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
    OutputStream out = s.getOutputStream();
    out.write(sent.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return s;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(ANSWER_BOUND).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertServes() throws IOException, InterruptedException {
    HttpResponse<String> live = send(HttpRequest.newBuilder(server.uri().resolve("/v2/health/live")).GET());
    assertThat(live.statusCode()).isEqualTo(200);
    HttpResponse<String> infer = send(HttpRequest.newBuilder(server.uri().resolve("/v2/models/m/infer"))
        .POST(HttpRequest.BodyPublishers.ofString(ROW)));
    assertThat(infer.statusCode()).as(infer.body()).isEqualTo(200);
    assertThat(infer.body()).contains("\"data\":[12.0]");
  }

  @Test
  void oneByteTricklers_600_healthAndInferenceStillAnswer() throws Exception {
    for (int i = 0; i < 600; i++) {
      attacker("P");
    }
    assertServes();
    for (Socket s : attackers) {
      try {
        s.getOutputStream().write('O'); // still trickling, one byte more each
      } catch (IOException closedByTheReadDeadline) {
        // on a slow machine the first tricklers may have reached the deadline already
      }
    }
    assertServes();
  }

  @Test
  void stalledBodies_300_healthAndInferenceStillAnswer_andTheReadDeadlineClosesThem() throws Exception {
    String headers = "POST /v2/models/m/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"inputs\":";
    for (int i = 0; i < 300; i++) {
      attacker(headers);
    }
    assertServes();
    Socket stalled = attackers.get(0);
    stalled.setSoTimeout(60_000);
    InputStream in = stalled.getInputStream();
    int read;
    try {
      read = in.read(); // the deadline closes the connection without an answer
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the stalled upload was not closed by the read deadline", e);
    } catch (IOException reset) {
      read = -1;
    }
    assertThat(read).isEqualTo(-1);
  }

  @Test
  void manyInputsDataBeforeShape_isRefusedByTheModelsInputCount() throws Exception {
    StringBuilder body = new StringBuilder("{\"inputs\":[");
    for (int i = 0; i < 8000; i++) {
      body.append(i == 0 ? "" : ",").append("{\"data\":[1],\"name\":\"x").append(i)
          .append("\",\"shape\":[1],\"datatype\":\"FP32\"}");
    }
    body.append("]}");
    HttpResponse<String> answer = send(HttpRequest.newBuilder(server.uri().resolve("/v2/models/m/infer"))
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("the model takes 1 input; the request has more");
    assertServes();
  }

  @Test
  void bodyLargerThanTheWholeBudget_is413_andBudgetTakenByAStalledUpload_is503WithRetryAfter() throws Exception {
    // decided from Content-Length before reading: the body is never sent
    Socket huge = attacker("POST /v2/models/m/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
        + ((3 << 20) + 1) + "\r\n\r\n");
    huge.setSoTimeout((int) ANSWER_BOUND.toMillis());
    StringBuilder answer = new StringBuilder();
    InputStream in = huge.getInputStream();
    byte[] chunk = new byte[512];
    for (int n; !answer.toString().contains("memory budget") && (n = in.read(chunk)) > 0; ) {
      answer.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
    }
    assertThat(answer.toString()).startsWith("HTTP/1.1 413").contains("memory budget");

    attacker("POST /v2/models/m/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (2 << 20) + "\r\n\r\n{");
    HttpResponse<String> refused = null;
    for (int attempt = 0; attempt < 100; attempt++) { // until the stalled upload's reservation is in place
      refused = send(HttpRequest.newBuilder(server.uri().resolve("/v2/models/m/infer"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(2 << 20) - 10])));
      if (refused.statusCode() == 503) {
        break;
      }
      assertThat(refused.statusCode()).isEqualTo(400); // admitted: not JSON
    }
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertServes();
  }
}
