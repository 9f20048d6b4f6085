package dev.maas.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.ModelStore;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes and answers every request of the Open Inference Protocol's REST API, the repository
 * extension and {@code /metrics}. Failures become {@code {"error": ...}} bodies through {@link
 * HttpError#of}; nothing escapes to the JDK server. Per-model POST actions ({@code infer}, and any
 * other registered in {@link #actions}) share admission, leases, body limits and metrics.
 * Thread-safe.
 */
final class OipHandler implements HttpHandler {
  private static final System.Logger LOG = System.getLogger("dev.maas.http");
  private static final long MODEL_FAILURE_LOG_NANOS = 60_000_000_000L;
  private static final java.util.regex.Pattern TERMINAL_CODES = java.util.regex.Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final String JSON = "application/json";
  private static final String OCTETS = "application/octet-stream";

  /** A POST action on one model version, such as {@code infer}. */
  interface ModelAction {
    /** Answers the call's body with its model; runs under the request's lease and admission. */
    Reply run(Call call);
  }

  /**
   * One admitted per-model request: its model version (leased), body and exchange, and the queue
   * accounting an action closes by calling {@link #computing()} when the model call starts. Used by
   * one thread.
   */
  final class Call {
    private final ServedModel model;
    private final byte[] body;
    private final int length;
    private final HttpExchange exchange;
    private final MemoryBudget.Reservation memory;
    private final OptionalInt shadow;
    private final long admittedNanos = System.nanoTime();
    private boolean queued = true;

    Call(ServedModel model, byte[] body, int length, HttpExchange exchange, MemoryBudget.Reservation memory,
        OptionalInt shadow) {
      this.model = model;
      this.shadow = shadow;
      this.body = body;
      this.length = length;
      this.exchange = exchange;
      this.memory = memory;
      metrics.queued(model.name(), 1);
    }

    /** Reserves {@code bytes} of the server's memory budget for what this call decodes (503 beyond it). */
    void reserve(long bytes) {
      memory.reserve(bytes, "the decoded request");
    }

    ServedModel model() {
      return model;
    }

    /** The version that should see a copy of this request, when an alias with a shadow routed it. */
    OptionalInt shadow() {
      return shadow;
    }

    byte[] body() {
      return body;
    }

    int length() {
      return length;
    }

    HttpExchange exchange() {
      return exchange;
    }

    Codec codec() {
      return codec;
    }

    /** The model call starts: the request leaves the queue. */
    void computing() {
      if (queued) {
        queued = false;
        metrics.queued(model.name(), -1);
        metrics.queueTime(model.name(), model.versionText(), System.nanoTime() - admittedNanos);
      }
    }

    void finish() {
      if (queued) {
        queued = false;
        metrics.queued(model.name(), -1);
      }
    }
  }

  /** A successful answer: status, content type, body (JSON and binary parts) and its header length. */
  record Reply(int status, String contentType, Codec.Encoded body) {}

  private final ModelRegistry registry;
  private final Optional<ModelStore> store;
  private final Codec codec;
  private final BearerAuth auth;
  private final boolean healthRequiresAuth;
  private final long maxBodyBytes;
  private final MemoryBudget memory;
  private final int maxInFlight;
  private final int maxInFlightPerModel;
  private final ServerMetrics metrics;
  private final String serverVersion;
  private final ShadowTraffic shadow;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger active = new AtomicInteger();
  private final Map<String, AtomicInteger> inFlightByModel = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, ModelAction> actions = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean stopping;

  /** Set while an exchange runs on the dispatcher because the pool's queue is full: shed it. */
  static final ThreadLocal<Boolean> OVERFLOW = new ThreadLocal<>();

  OipHandler(ModelRegistry registry, Optional<ModelStore> store, Codec codec, BearerAuth auth,
      boolean healthRequiresAuth, long maxBodyBytes, MemoryBudget memory, int maxInFlight, int maxInFlightPerModel,
      ServerMetrics metrics, String serverVersion, ShadowTraffic shadow) {
    this.shadow = shadow;
    this.registry = registry;
    this.store = store;
    this.codec = codec;
    this.auth = auth;
    this.healthRequiresAuth = healthRequiresAuth;
    this.maxBodyBytes = maxBodyBytes;
    this.memory = memory;
    this.maxInFlight = maxInFlight;
    this.maxInFlightPerModel = maxInFlightPerModel;
    this.metrics = metrics;
    this.serverVersion = serverVersion;
    actions.put("infer", this::infer);
    actions.put(ExplainAction.NAME, new ExplainAction(store));
  }

  /** Registers a per-model POST action at {@code /v2/models/{name}[/versions/{v}]/{action}}. */
  void addAction(String name, ModelAction action) {
    if (name.equals("ready") || name.equals("versions")) {
      throw new IllegalArgumentException("'" + name + "' is a reserved path segment");
    }
    actions.put(name, action);
  }

  void stopping() {
    stopping = true;
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Waits until no exchange is being handled, up to {@code nanos}; true if none is. */
  boolean awaitIdle(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    synchronized (active) {
      while (active.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(active, left);
      }
    }
    return true;
  }

  @Override
  public void handle(HttpExchange exchange) {
    active.incrementAndGet();
    try {
      if (OVERFLOW.get() != null) {
        throw HttpError.overloaded(503, "the server is at its limit of queued requests");
      }
      route(exchange);
    } catch (RuntimeException e) {
      HttpError error = HttpError.of(e);
      if (error.isServerFault() && !error.isLogged()) {
        LOG.log(Level.ERROR, exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " failed", e);
      }
      sendError(exchange, error);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "client went away: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      // the heap is what every other request needs too: answer this one, never let it kill the thread
      LOG.log(Level.WARNING, exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
          + " ran out of memory (" + e.getMessage() + "); answered 503");
      sendError(exchange, HttpError.overloaded(503, "the server has no memory for this request now; retry"));
    } finally {
      exchange.close();
      if (active.decrementAndGet() == 0 && stopping) {
        synchronized (active) {
          active.notifyAll();
        }
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String method = exchange.getRequestMethod();
    List<String> s = List.of(path.length() > 1 && path.endsWith("/") ? path.substring(1, path.length() - 1).split("/", -1)
        : path.substring(1).split("/", -1));
    boolean health = s.size() == 3 && s.get(0).equals("v2") && s.get(1).equals("health");
    BearerAuth.Grant grant = auth.authorize(exchange, s, !health || healthRequiresAuth, metrics);
    if (s.size() == 1 && s.get(0).equals("metrics")) {
      allow(method, "GET");
      ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
      metrics.write(out);
      send(exchange, 200, metrics.contentType(), out.toByteArray());
      return;
    }
    if (s.isEmpty() || !s.get(0).equals("v2")) {
      throw HttpError.notFound("no such path; the API lives under /v2");
    }
    if (s.size() == 1) {
      allow(method, "GET");
      send(exchange, 200, JSON, serverMetadata());
      return;
    }
    switch (s.get(1)) {
      case "health" -> {
        if (s.size() == 3 && (s.get(2).equals("live") || s.get(2).equals("ready"))) {
          allow(method, "GET");
          boolean ok = s.get(2).equals("live") ? !stopping : !stopping && registry.allReady();
          send(exchange, ok ? 200 : 503, JSON, new byte[0]);
          return;
        }
      }
      case "models" -> {
        if (s.size() >= 3) {
          model(exchange, method, s.get(2), s.subList(3, s.size()));
          return;
        }
      }
      case "repository" -> {
        if (s.size() == 3 && s.get(2).equals("index")) {
          allow(method, "POST");
          drain(exchange);
          send(exchange, 200, JSON, index(grant));
          return;
        }
        if (s.size() == 5 && s.get(2).equals("models") && (s.get(4).equals("load") || s.get(4).equals("unload"))) {
          allow(method, "POST");
          drain(exchange);
          if (s.get(4).equals("load")) {
            registry.load(s.get(3));
          } else {
            registry.unload(s.get(3));
          }
          send(exchange, 200, JSON, new byte[0]);
          return;
        }
      }
      default -> {
        // reported below
      }
    }
    throw HttpError.notFound("no such path");
  }

  private void model(HttpExchange exchange, String method, String name, List<String> rest) throws IOException {
    OptionalInt version = OptionalInt.empty();
    if (rest.size() >= 2 && rest.get(0).equals("versions")) {
      version = OptionalInt.of(parseVersion(name, rest.get(1)));
      rest = rest.subList(2, rest.size());
    }
    if (rest.isEmpty()) {
      allow(method, "GET");
      send(exchange, 200, JSON, modelMetadata(name, version));
      return;
    }
    if (rest.size() == 1 && rest.get(0).equals("ready")) {
      allow(method, "GET");
      if (!registry.knows(name)) {
        throw HttpError.notFound("unknown model '" + Json.clip(name) + "'");
      }
      send(exchange, registry.isReady(name, version) ? 200 : 503, JSON, new byte[0]);
      return;
    }
    ModelAction action = rest.size() == 1 ? actions.get(rest.get(0)) : null;
    if (action == null) {
      throw HttpError.notFound("no such path");
    }
    allow(method, "POST");
    runAction(exchange, name, version, action);
  }

  private static int parseVersion(String name, String text) {
    try {
      int v = Integer.parseInt(text);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw HttpError.notFound("model '" + Json.clip(name) + "' has no version '" + Json.clip(text) + "'");
  }

  private static void allow(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new HttpError(405, "method " + Json.clip(method) + " is not allowed here; use " + allowed);
    }
  }

  // ---- per-model actions: admission, lease, body, metrics ----

  private void runAction(HttpExchange exchange, String name, OptionalInt version, ModelAction action)
      throws IOException {
    long start = System.nanoTime();
    if (stopping) {
      throw HttpError.overloaded(503, "the server is shutting down");
    }
    // the whole body arrives before the request is admitted: a client that stalls its upload holds
    // a connection thread and its share of the memory budget, never an inference slot
    try (MemoryBudget.Reservation reservation = memory.open()) {
      Body body = readBody(exchange, reservation);
      runAdmitted(exchange, name, version, action, body, reservation, start);
    }
  }

  private void runAdmitted(HttpExchange exchange, String name, OptionalInt version, ModelAction action, Body body,
      MemoryBudget.Reservation reservation, long start) throws IOException {
    ModelRegistry.Routed routed = registry.route(name, version, () -> requestId(exchange, body));
    ServedModel model = routed.model();
    String versionText = model.versionText();
    int status = 500;
    String outcome = "error";
    AtomicInteger perModel = inFlightByModel.computeIfAbsent(name, n -> new AtomicInteger());
    boolean admitted = false;
    try {
      if (stopping) {
        throw HttpError.overloaded(503, "the server is shutting down");
      }
      if (inFlight.incrementAndGet() > maxInFlight) {
        inFlight.decrementAndGet();
        throw HttpError.overloaded(503, "the server is at its limit of " + maxInFlight + " requests in flight");
      }
      if (perModel.incrementAndGet() > maxInFlightPerModel) {
        perModel.decrementAndGet();
        inFlight.decrementAndGet();
        throw HttpError.overloaded(429, "model '" + name + "' is at its limit of " + maxInFlightPerModel
            + " requests in flight");
      }
      admitted = true;
      metrics.inFlight(name, 1);
      Call call = new Call(model, body.bytes(), body.length(), exchange, reservation, routed.shadow());
      Reply reply;
      try {
        reply = action.run(call);
      } finally {
        call.finish();
      }
      status = reply.status();
      outcome = "ok";
      sendReply(exchange, reply);
    } catch (RuntimeException e) {
      HttpError error = HttpError.of(e);
      status = error.status();
      outcome = error.retryAfterSeconds().isPresent() ? "overloaded" : status < 500 ? "client_error" : "model_error";
      if (e instanceof dev.maas.PredictionException failure) {
        // the model (ONNX Runtime, say) refused or failed on this input: a client can cause it at
        // will, so one line with the backend's message, at most once a minute per model, no trace
        logModelFailure(name, versionText, failure);
        throw error.asLogged();
      } else if (error.isServerFault()) {
        LOG.log(Level.ERROR, "model '" + name + "' version " + versionText + " failed", e);
        throw error.asLogged();
      }
      throw error;
    } catch (OutOfMemoryError e) {
      status = 503;
      outcome = "overloaded";
      LOG.log(Level.WARNING, "model '" + name + "' version " + versionText + ": out of memory (" + e.getMessage()
          + "); answered 503");
      throw HttpError.overloaded(503, "the server has no memory for this request now; retry");
    } finally {
      if (admitted) {
        perModel.decrementAndGet();
        inFlight.decrementAndGet();
        metrics.inFlight(name, -1);
      }
      model.release();
      metrics.request(name, versionText, status, outcome);
      metrics.requestTime(name, versionText, System.nanoTime() - start);
    }
  }

  /** A request body: {@code bytes[0, length)}. */
  private record Body(byte[] bytes, int length) {}

  /** The request's OIP {@code "id"}, read ahead of decoding so that a split alias can route by it. */
  private Optional<String> requestId(HttpExchange exchange, Body body) {
    int jsonLength = body.length();
    String header = exchange.getRequestHeaders().getFirst(HEADER_LENGTH);
    if (header != null) {
      try {
        jsonLength = Math.min(Integer.parseInt(header.trim()), body.length());
      } catch (NumberFormatException e) {
        return Optional.empty(); // the full read answers 400
      }
    }
    return codec.requestId(body.bytes(), jsonLength);
  }

  /**
   * Reads the body under the memory budget, refusing one over the limit from its Content-Length
   * before reading, or while reading.
   */
  private Body readBody(HttpExchange exchange, MemoryBudget.Reservation reservation) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (!hasBody(exchange)) {
      return new Body(new byte[0], 0);
    }
    InputStream in = exchange.getRequestBody();
    if (declared != null) {
      long n;
      try {
        n = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw HttpError.badRequest("Content-Length must be a byte count");
      }
      if (n > maxBodyBytes) {
        throw new HttpError(413, "request body of " + n + " bytes is larger than the limit of "
            + Sizes.format(maxBodyBytes));
      }
      try {
        reservation.reserve(n, "the request body");
      } catch (HttpError refused) {
        if (refused.status() == 503) {
          discard(in, n); // the client reads the answer only once it has sent the body: drain it, hold nothing
        }
        throw refused;
      }
      byte[] bytes = in.readNBytes((int) n);
      if (bytes.length < n) {
        throw HttpError.badRequest("request body ended after " + bytes.length + " of its " + n + " bytes");
      }
      return new Body(bytes, bytes.length);
    }
    reservation.reserve(8192, "the request body");
    byte[] buffer = new byte[8192];
    int length = 0;
    for (;;) {
      if (length == buffer.length) {
        int grown = (int) Math.min(buffer.length * 2L, maxBodyBytes + 1);
        reservation.reserve(grown, "the request body"); // the old buffer is held while copying
        buffer = Arrays.copyOf(buffer, grown);
      }
      int read = in.read(buffer, length, buffer.length - length);
      if (read < 0) {
        return new Body(buffer, length);
      }
      length += read;
      if (length > maxBodyBytes) {
        throw new HttpError(413, "request body is larger than the limit of " + Sizes.format(maxBodyBytes));
      }
    }
  }

  /**
   * Reads and drops up to {@code n} bytes (at most the body limit, within the server's read
   * deadline) so that a client still sending its body receives the refusal instead of a reset.
   */
  private static void discard(InputStream in, long n) {
    byte[] sink = new byte[8192];
    try {
      for (long left = n; left > 0; ) {
        int read = in.read(sink, 0, (int) Math.min(sink.length, left));
        if (read < 0) {
          return;
        }
        left -= read;
      }
    } catch (IOException e) {
      // the client went away: the refusal is still the answer
    }
  }

  private Reply infer(Call call) {
    ServedModel model = call.model();
    byte[] body = call.body();
    int length = call.length();
    HttpExchange exchange = call.exchange();
    String header = exchange.getRequestHeaders().getFirst(HEADER_LENGTH);
    int jsonLength = length;
    if (header != null) {
      try {
        jsonLength = Integer.parseInt(header.trim());
      } catch (NumberFormatException e) {
        throw HttpError.badRequest(HEADER_LENGTH + " must be a byte count, got '" + Json.clip(header) + "'");
      }
      if (jsonLength == 0 && length > 0) {
        throw HttpError.badRequest("raw binary requests (" + HEADER_LENGTH + ": 0) are not supported; "
            + "send the JSON header before the binary data");
      }
    }
    ModelSignature signature = model.signature();
    InferenceRequest request = codec.readRequest(body, length, jsonLength, signature.inputs().size(),
        signature.outputs().size(), call::reserve);
    Set<String> wanted = request.outputNames();
    signature.validateOutputNames(wanted);
    call.computing();
    long computeStart = System.nanoTime();
    String name = model.name();
    String version = model.versionText();
    Map<String, Tensor> outputs = model.predictor().predict(request.inputTensors(), wanted);
    long rows = rows(request);
    metrics.computed(name, version, System.nanoTime() - computeStart, rows);
    model.observe(request.inputTensors(), outputs);
    Map<String, Tensor> answered = new LinkedHashMap<>();
    for (TensorSpec spec : signature.outputs()) {
      Tensor t = outputs.get(spec.name());
      if (t != null && (wanted.isEmpty() || wanted.contains(spec.name()))) {
        answered.put(spec.name(), t);
      }
    }
    if (call.shadow().isPresent()) {
      shadow.offer(new ShadowTraffic.Copy(name, call.shadow().getAsInt(), version, request.inputTensors(), wanted,
          answered));
    }
    InferenceResponse response = InferenceResponse.answering(request, name,
        model.version().isPresent() ? Optional.of(version) : Optional.empty(), answered);
    Set<String> binary = binaryOutputs(request, answered.keySet());
    Codec.Encoded encoded = codec.encodeResponse(response, binary::contains);
    return new Reply(200, encoded.hasBinary() ? OCTETS : JSON, encoded);
  }

  private static long rows(InferenceRequest request) {
    for (InferenceTensor t : request.inputs()) {
      return t.tensor().rank() == 0 ? 1 : t.tensor().dim(0);
    }
    return 0;
  }

  private static Set<String> binaryOutputs(InferenceRequest request, Set<String> names) {
    boolean all = flag(request.parameters().get(Codec.BINARY_DATA_OUTPUT), Codec.BINARY_DATA_OUTPUT);
    Set<String> binary = new LinkedHashSet<>();
    for (String n : names) {
      boolean b = all;
      for (RequestedOutput o : request.outputs()) {
        if (o.name().equals(n) && o.parameters().containsKey(Codec.BINARY_DATA)) {
          b = flag(o.parameters().get(Codec.BINARY_DATA), Codec.BINARY_DATA);
        }
      }
      if (b) {
        binary.add(n);
      }
    }
    return binary;
  }

  private static boolean flag(Object value, String parameter) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new InvalidInputException("parameter \"" + parameter + "\" must be a boolean");
  }

  // ---- metadata ----

  private byte[] serverMetadata() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = codec.generator(out)) {
      g.writeStartObject();
      g.writeStringField("name", "maas");
      g.writeStringField("version", serverVersion);
      g.writeArrayFieldStart("extensions");
      g.writeString("binary_tensor_data");
      g.writeString("model_repository");
      g.writeString("explain");
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private byte[] modelMetadata(String name, OptionalInt version) throws IOException {
    ServedModel model;
    try {
      model = registry.acquire(name, version);
    } catch (HttpError e) {
      // not loaded (failed, unloaded, backing off): the stored signature still describes it
      Optional<dev.maas.ModelVersion> stored = e.status() == 503 ? storedVersion(name, version) : Optional.empty();
      if (stored.isEmpty()) {
        throw e;
      }
      return metadata(name, "maas_" + stored.get().format(), stored.get().signature(), stored);
    }
    try {
      Optional<dev.maas.ModelVersion> stored = store.isEmpty() || model.version().isEmpty() ? Optional.empty()
          : store.get().find(dev.maas.ModelReference.ofVersion(model.name(), model.version().getAsInt()));
      return metadata(name, platform(model), model.signature(), stored);
    } finally {
      model.release();
    }
  }

  private Optional<dev.maas.ModelVersion> storedVersion(String name, OptionalInt version) {
    if (store.isEmpty()) {
      return Optional.empty();
    }
    if (version.isPresent()) {
      return store.get().find(dev.maas.ModelReference.ofVersion(name, version.getAsInt()));
    }
    return registry.target(name).flatMap(v -> store.get().find(dev.maas.ModelReference.ofVersion(name, v)));
  }

  private byte[] metadata(String name, String platform, ModelSignature signature,
      Optional<dev.maas.ModelVersion> stored) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = codec.generator(out)) {
      g.writeStartObject();
      g.writeStringField("name", name);
      g.writeArrayFieldStart("versions");
      for (String v : registry.versions(name)) {
        g.writeString(v);
      }
      g.writeEndArray();
      g.writeStringField("platform", platform);
      writeSpecs(g, "inputs", signature.inputs());
      writeSpecs(g, "outputs", signature.outputs());
      if (stored.isPresent()) {
        writeQuantization(g, stored.get());
      }
      g.writeEndObject();
    }
    return out.toByteArray();

  }

  /**
   * For a quantised version (one whose parameters hold {@code quantization.method}), {@code
   * "parameters": {"quantization": {...}}}: the parent version, the settings and the accuracy
   * report against the parent, as {@code maas optimize --quantize} stored them.
   */
  private static void writeQuantization(JsonGenerator g, dev.maas.ModelVersion v) throws IOException {
    if (!v.parameters().containsKey("quantization.method")) {
      return;
    }
    g.writeObjectFieldStart("parameters");
    g.writeObjectFieldStart("quantization");
    if (v.parameters().containsKey("parent")) {
      g.writeStringField("parent", v.parameters().get("parent"));
    }
    for (Map.Entry<String, String> e : v.parameters().entrySet()) {
      if (e.getKey().startsWith("quantization.")) {
        g.writeStringField(e.getKey().substring("quantization.".length()), e.getValue());
      }
    }
    for (Map.Entry<String, Double> e : v.metrics().entrySet()) {
      if (e.getKey().startsWith("quantization.")) {
        g.writeNumberField(e.getKey().substring("quantization.".length()), e.getValue());
      }
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private String platform(ServedModel model) {
    if (store.isPresent() && model.version().isPresent()) {
      return store.get().find(dev.maas.ModelReference.ofVersion(model.name(), model.version().getAsInt()))
          .map(v -> "maas_" + v.format()).orElse("maas");
    }
    return "maas";
  }

  private static void writeSpecs(JsonGenerator g, String field, List<TensorSpec> specs) throws IOException {
    g.writeFieldName(field);
    dev.maas.internal.Json.writeSpecs(g, specs);
  }

  private byte[] index(BearerAuth.Grant grant) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = codec.generator(out)) {
      g.writeStartArray();
      for (ModelRegistry.IndexEntry e : registry.index()) {
        if (!grant.allowsModel(e.name())) {
          continue;
        }
        g.writeStartObject();
        g.writeStringField("name", e.name());
        if (e.version().isPresent()) {
          g.writeStringField("version", e.version().get());
        }
        g.writeStringField("state", e.state());
        if (e.reason().isPresent()) {
          g.writeStringField("reason", e.reason().get());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    return out.toByteArray();
  }

  // ---- wire ----

  /** Skips a small body that the endpoint ignores; bodies without Content-Length or chunking are empty. */
  private static void drain(HttpExchange exchange) throws IOException {
    if (hasBody(exchange)) {
      try (InputStream in = exchange.getRequestBody()) {
        in.readNBytes(1 << 16); // not skip(): the JDK's fixed-length stream passes skip() to the socket
      }
    }
  }

  private static boolean hasBody(HttpExchange exchange) {
    return exchange.getRequestHeaders().containsKey("Content-Length")
        || exchange.getRequestHeaders().containsKey("Transfer-Encoding");
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    if (body.length > 0) {
      // an empty body has no media type to claim
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void sendReply(HttpExchange exchange, Reply reply) throws IOException {
    Codec.Encoded body = reply.body();
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    if (body.hasBinary()) {
      exchange.getResponseHeaders().set(HEADER_LENGTH, Integer.toString(body.json().length));
    }
    exchange.sendResponseHeaders(reply.status(), body.length());
    try (OutputStream out = exchange.getResponseBody()) {
      body.writeTo(out);
    }
  }

  private void sendError(HttpExchange exchange, HttpError error) {
    try {
      error.retryAfterSeconds().ifPresent(s -> exchange.getResponseHeaders().set("Retry-After", Integer.toString(s)));
      if (error.status() == 405) {
        exchange.getResponseHeaders().set("Allow", error.getMessage().substring(error.getMessage().lastIndexOf(' ') + 1));
      }
      send(exchange, error.status(), JSON, codec.error(error.getMessage()));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "could not send the error answer: " + e.getMessage());
    }
  }

  /** When each model's last failure was logged, and how many were not since; one entry per served model that failed. */
  private final java.util.concurrent.ConcurrentHashMap<String, FailureLog> failureLogs =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final class FailureLog {
    final java.util.concurrent.atomic.AtomicLong lastNanos =
        new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - MODEL_FAILURE_LOG_NANOS);
    final java.util.concurrent.atomic.AtomicLong suppressed = new java.util.concurrent.atomic.AtomicLong();
  }

  private void logModelFailure(String name, String versionText, dev.maas.PredictionException e) {
    FailureLog log = failureLogs.computeIfAbsent(name, n -> new FailureLog());
    long now = System.nanoTime();
    long then = log.lastNanos.get();
    if (now - then < MODEL_FAILURE_LOG_NANOS || !log.lastNanos.compareAndSet(then, now)) {
      log.suppressed.incrementAndGet();
      return;
    }
    long suppressed = log.suppressed.getAndSet(0);
    String message = TERMINAL_CODES.matcher(String.valueOf(e.getMessage())).replaceAll("");
    LOG.log(Level.ERROR, "model '" + name + "' version " + versionText + " failed on a request (answered 500): "
        + message.replace('\n', ' ').replace('\r', ' ') + " (logged at most once a minute per model"
        + (suppressed > 0 ? "; " + suppressed + " more since the last such line" : "") + ")");
  }
}
