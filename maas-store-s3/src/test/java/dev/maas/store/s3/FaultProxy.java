package dev.maas.store.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on loopback between a store and {@link S3Server} that injects faults into
 * requests it matches: answers 500 instead of forwarding, forwards and then answers 500 (the
 * write happened, the answer was lost), stalls past the client's timeout, cuts the body short,
 * reports a wrong ETag, drops the conditional headers (a server that ignores them) or answers 501
 * to them. Requests keep their Host header, so the server's signature check still passes.
 */
final class FaultProxy implements AutoCloseable {
  private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
      "transfer-encoding", "upgrade", "keep-alive");

  enum Kind {
    FAIL_500, FORWARD_THEN_500, STALL, TRUNCATE, WRONG_ETAG, IGNORE_CONDITIONS, NOT_IMPLEMENTED,
    /** Forwards, then answers nothing until the client times out: the write happened, the answer is lost. */
    FORWARD_THEN_STALL,
    /** Forwards, then closes the connection without an answer (a reset, to the client). */
    FORWARD_THEN_DROP
  }

  /** A rule: inject {@code kind} into the next {@code times} requests {@code matches} accepts. */
  private record Rule(Kind kind, Predicate<Request> matches, AtomicInteger left) {}

  /** What a rule looks at. */
  record Request(String method, String path, String query, boolean conditional) {
    boolean isGet() {
      return method.equals("GET");
    }

    boolean isPut() {
      return method.equals("PUT");
    }

    boolean isList() {
      return method.equals("GET") && query != null && query.contains("list-type=2");
    }
  }

  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger injected = new AtomicInteger();
  private final List<Request> received = new CopyOnWriteArrayList<>();

  FaultProxy(URI target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fault-proxy");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Injects {@code kind} into the next {@code times} requests that {@code matches} accepts. */
  FaultProxy inject(Kind kind, int times, Predicate<Request> matches) {
    rules.add(new Rule(kind, matches, new AtomicInteger(times)));
    return this;
  }

  /** How many faults were injected so far. */
  int injected() {
    return injected.get();
  }

  /** Every request received so far, in order. */
  List<Request> received() {
    return List.copyOf(received);
  }

  void clear() {
    rules.clear();
  }

  private Kind take(Request request) {
    for (Rule rule : rules) {
      if (rule.matches().test(request)) {
        if (rule.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          injected.incrementAndGet();
          return rule.kind();
        }
      }
    }
    return null;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      boolean conditional = exchange.getRequestHeaders().containsKey("If-Match")
          || exchange.getRequestHeaders().containsKey("If-None-Match");
      Request request = new Request(method, uri.getRawPath(), uri.getRawQuery(), conditional);
      received.add(request);
      Kind fault = take(request);
      if (fault == Kind.FAIL_500) {
        error(exchange, 500, "InternalError", "injected");
        return;
      }
      if (fault == Kind.NOT_IMPLEMENTED) {
        error(exchange, 501, "NotImplemented", "A header you provided implies functionality that is not implemented");
        return;
      }
      if (fault == Kind.STALL) {
        closed.await(30, TimeUnit.SECONDS);
        return;
      }
      HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
      exchange.getRequestHeaders().forEach((name, values) -> {
        String lower = name.toLowerCase(Locale.ROOT);
        if (fault == Kind.IGNORE_CONDITIONS && (lower.equals("if-match") || lower.equals("if-none-match"))) {
          return;
        }
        if (!HOP_HEADERS.contains(lower)) {
          values.forEach(v -> forward.header(name, v));
        }
      });
      forward.header("Host", exchange.getRequestHeaders().getFirst("Host"));
      forward.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(body));
      HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (fault == Kind.FORWARD_THEN_STALL) {
        closed.await(30, TimeUnit.SECONDS);
        return;
      }
      if (fault == Kind.FORWARD_THEN_DROP) {
        // Closing the exchange before any answer makes the server drop the connection.
        return;
      }
      if (fault == Kind.FORWARD_THEN_500) {
        error(exchange, 500, "InternalError", "injected after the request was carried out");
        return;
      }
      response.headers().map().forEach((name, values) -> {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!HOP_HEADERS.contains(lower) && !lower.equals("date") && !lower.equals(":status")) {
          exchange.getResponseHeaders().put(name, values);
        }
      });
      if (fault == Kind.WRONG_ETAG && exchange.getResponseHeaders().containsKey("ETag")) {
        exchange.getResponseHeaders().set("ETag", "\"00000000000000000000000000000bad\"");
      }
      byte[] out = response.body();
      boolean noBody = method.equals("HEAD") || response.statusCode() == 304 || response.statusCode() == 204;
      exchange.sendResponseHeaders(response.statusCode(), noBody || out.length == 0 ? -1 : out.length);
      if (!noBody && out.length > 0) {
        OutputStream os = exchange.getResponseBody();
        if (fault == Kind.TRUNCATE) {
          os.write(out, 0, out.length / 2);
          os.flush();
          // Closing the exchange short of the announced length makes the server drop the connection.
          return;
        }
        os.write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away (a stall it timed out on, a cut body)
    }
  }

  private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
        + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/xml");
    exchange.sendResponseHeaders(status, xml.length);
    exchange.getResponseBody().write(xml);
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
