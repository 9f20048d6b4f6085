package dev.maas.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.maas.BatchingPredictor;
import dev.maas.BatchingOptions;
import dev.maas.MaasVersion;
import dev.maas.Model;
import dev.maas.ModelCache;
import dev.maas.ModelLoadException;
import dev.maas.ModelNotFoundException;
import dev.maas.OverloadedException;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.Predictor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An Open Inference Protocol (KServe V2 REST) server on the JDK's {@code com.sun.net.httpserver}:
 * serves the models of a {@link ModelStore}, or models the application opened, with hot swaps,
 * load shedding, optional bearer-token auth and TLS, and Prometheus metrics. Built with {@link
 * #builder()}:
 *
 * <pre>{@code
 * try (InferenceServer server = InferenceServer.builder().store(store).port(8080).build().start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Endpoints, status codes and operations are described in {@code docs/http-api.md}. {@link
 * #close()} stops accepting connections, lets requests in flight finish (up to the shutdown
 * timeout) and closes every model the server opened; models given with {@link Builder#model} stay
 * open, owned by the application.
 *
 * <p>Thread-safe: {@link #start()} and {@link #close()} may be called from any thread.
 */
public final class InferenceServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("dev.maas.http");

  private final Builder options;
  private final ModelRegistry registry;
  private final ShadowTraffic shadow;
  private final OipHandler handler;
  private final ServerMetrics metrics;
  private final HttpServer server;
  private final ExecutorService ownedExecutor;
  private final ExecutorService overflowExecutor;
  private final Object lifecycle = new Object();
  private boolean started;
  private boolean closed;

  private InferenceServer(Builder b) {
    this.options = b;
    ModelRegistry[] self = new ModelRegistry[1];
    this.metrics = new ServerMetrics(() -> self[0] == null ? 0 : self[0].openModels(), b.monitoring);
    this.registry = new ModelRegistry(Optional.ofNullable(b.store), b.models, b.servingAlias, b.pollInterval,
        b.idleUnload, b.maxVersionsOnDemand, b::decorate, metrics);
    self[0] = registry;
    this.shadow = new ShadowTraffic(registry::leaseShadow, b.shadowQueue, b.shadowTolerance, metrics.registry());
    this.handler = new OipHandler(registry, Optional.ofNullable(b.store),
        new Codec(new JsonLimits(b.maxNestingDepth, b.maxTensorElements)), new BearerAuth(b.tokens, Optional.ofNullable(b.tokenFile)),
        b.healthRequiresAuth, b.maxBodyBytes, new MemoryBudget(b.memoryBudget > 0 ? b.memoryBudget
            : MemoryBudget.defaultLimit()), b.maxInFlight, b.maxInFlightPerModel, metrics, version(), shadow);
    applyJdkSettings(b.readTimeout, b.responseTimeout);
    try {
      InetSocketAddress address = new InetSocketAddress(b.host, b.port);
      if (b.tlsContext != null) {
        HttpsServer https = HttpsServer.create(address, b.backlog);
        https.setHttpsConfigurator(new HttpsConfigurator(b.tlsContext));
        server = https;
      } else {
        server = HttpServer.create(address, b.backlog);
      }
    } catch (IOException e) {
      throw new ServerStartException("cannot listen on " + b.host + ":" + b.port + ": " + e.getMessage(), e);
    }
    server.createContext("/", handler);
    if (b.executor != null) {
      ownedExecutor = null;
      overflowExecutor = null;
      server.setExecutor(b.executor);
    } else {
      ownedExecutor = connectionExecutor(b.maxConnections);
      overflowExecutor = pool("maas-http-overflow-", OVERFLOW_THREADS);
      server.setExecutor(new SheddingExecutor(ownedExecutor, overflowExecutor));
    }
  }

  /**
   * With a model memory budget (or a cache given): store models are loaded on demand through a
   * {@link ModelCache} instead of all at start, and the models to keep loaded are loaded now.
   */
  private void startCache() {
    Builder b = options;
    if (b.store == null || (b.modelCache == null && b.modelMemoryBudget == 0)) {
      return;
    }
    CachedModels cached = new CachedModels(b::decorate, metrics, registry.closer());
    ModelCache cache = b.modelCache != null ? b.modelCache
        : ModelCache.builder(b.store).memoryBudget(b.modelMemoryBudget).maxWait(b.modelLoadWait).build();
    cache.addListener(cached);
    cached.use(cache, b.modelCache == null, new CacheMetrics(metrics.registry(), cache));
    registry.useCache(cached);
    for (String name : b.keepLoaded) {
      int version = registry.target(name).orElseThrow(() -> new ModelNotFoundException(
          "keep-loaded model '" + name + "' is not in the store"));
      try {
        cache.keepLoaded(ModelReference.ofVersion(name, version));
      } catch (OverloadedException e) {
        throw new ModelLoadException("the models to keep loaded do not fit in the model memory budget of "
            + cache.budget() + " bytes together (at '" + name + "')", e);
      }
    }
  }

  /** A builder with the defaults: 127.0.0.1:8080, 64 MiB bodies, alias {@code production}, no auth, no TLS. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the models (a model that fails to load is logged and reported by the repository index;
   * the others serve) and starts answering.
   *
   * @return this server
   * @throws IllegalStateException if the server was started or closed already
   */
  public InferenceServer start() {
    synchronized (lifecycle) {
      if (started || closed) {
        throw new IllegalStateException(closed ? "server is closed" : "server is started already");
      }
      started = true;
      startCache();
      registry.start();
      server.start();
      LOG.log(Level.INFO, "serving on " + uri());
      return this;
    }
  }

  /** The port the server listens on: the one asked for, or the one the system chose for port 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URI, such as {@code http://127.0.0.1:8080}. */
  public URI uri() {
    String host = server.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1" : options.host;
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((options.tlsContext != null ? "https" : "http") + "://" + host + ":" + port());
  }

  /** The version each model is served at now, by model name ("" for models without versions). */
  public Map<String, String> servingVersions() {
    return Map.copyOf(registry.serving());
  }

  /** Model versions the server opened from its store and has not closed yet (for operations and tests). */
  int openModels() {
    return registry.openModels();
  }

  /** Registers a per-model POST action at {@code /v2/models/{name}[/versions/{v}]/{action}}. */
  void addAction(String name, OipHandler.ModelAction action) {
    handler.addAction(name, action);
  }

  ModelRegistry registry() {
    return registry;
  }

  /** Waits until every shadow copy offered so far has run or been dropped (for tests); false on timeout. */
  boolean awaitShadowIdle(Duration timeout) throws InterruptedException {
    return shadow.awaitIdle(timeout.toNanos());
  }

  /**
   * Stops accepting, answers the requests in flight (up to the shutdown timeout) and closes every
   * model the server opened. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      handler.stopping();
      if (started) {
        long deadline = System.nanoTime() + options.shutdownTimeout.toNanos();
        try {
          if (!handler.awaitIdle(options.shutdownTimeout.toNanos())) {
            LOG.log(Level.WARNING, "requests still running after " + options.shutdownTimeout + "; stopping anyway");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        server.stop(0);
        shadow.close();
        long left = Math.max(TimeUnit.SECONDS.toNanos(1), deadline - System.nanoTime());
        registry.close(Duration.ofNanos(left));
      } else {
        server.stop(0);
        shadow.close();
        registry.close(Duration.ofSeconds(1));
      }
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
        overflowExecutor.shutdown();
      }
      LOG.log(Level.INFO, "stopped serving on port " + port());
    }
  }

  private static String version() {
    return MaasVersion.VERSION;
  }

  /** Threads answering 503 to connections beyond {@link Builder#maxConnections}. */
  private static final int OVERFLOW_THREADS = 4;

  /** The read deadline the first server of a JVM sets when none was given (see {@link Builder#readTimeout}). */
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  /** The response deadline the first server of a JVM sets when none was given (see {@link Builder#responseTimeout}). */
  static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The JDK server's JVM-wide settings, read once when its first server is created: TCP_NODELAY
   * (without it, Nagle's algorithm and delayed ACKs add about 40 ms to each keep-alive request) and
   * the time a request (request line, headers and body) may take to arrive, and the time from then
   * until its response has been taken by the client (a client that stops reading would otherwise
   * hold its connection's thread, and the request's admission slot, for ever). Values the JVM was
   * started with, or that an earlier server set, are kept.
   */
  private static void applyJdkSettings(Duration readTimeout, Duration responseTimeout) {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    Duration timeout = readTimeout != null ? readTimeout : DEFAULT_READ_TIMEOUT;
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(Math.max(1, timeout.toSeconds())));
    }
    Duration response = responseTimeout != null ? responseTimeout : DEFAULT_RESPONSE_TIMEOUT;
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", Long.toString(Math.max(1, response.toSeconds())));
    }
  }

  /**
   * The threads the JDK server reads requests on, one per connection with a request under way:
   * virtual threads on JDK 21+, else platform threads made on demand up to {@code maxConnections}
   * (kept 30 s when idle). The JDK server reads a request's line and headers on the executor's
   * thread, so the pool must outnumber the slow clients; what bounds model work is admission
   * ({@code maxInFlight}), which a request reaches only once its whole body has arrived.
   */
  private static ExecutorService connectionExecutor(int maxConnections) {
    try {
      ExecutorService virtual =
          (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      return new BoundedExecutor(virtual, maxConnections);
    } catch (ReflectiveOperationException e) {
      AtomicInteger n = new AtomicInteger();
      ThreadPoolExecutor pool = new ThreadPoolExecutor(0, maxConnections, 30, TimeUnit.SECONDS,
          new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "maas-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          }, new ThreadPoolExecutor.AbortPolicy());
      return pool;
    }
  }

  private static ExecutorService pool(String prefix, int threads) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Runs exchanges on the connection threads; beyond them, on a few overflow threads where the
   * handler answers 503 at once; beyond those, throws, and the JDK server closes the connection.
   * An exchange never runs on the dispatcher thread: it reads from the client, and one slow client
   * there would stall every connection.
   */
  private static final class SheddingExecutor implements Executor {
    private final ExecutorService pool;
    private final ExecutorService overflow;

    SheddingExecutor(ExecutorService pool, ExecutorService overflow) {
      this.pool = pool;
      this.overflow = overflow;
    }

    @Override
    public void execute(Runnable task) {
      try {
        pool.execute(task);
      } catch (RejectedExecutionException e) {
        overflow.execute(() -> { // a RejectedExecutionException from here makes the JDK close the connection
          OipHandler.OVERFLOW.set(Boolean.TRUE);
          try {
            task.run();
          } finally {
            OipHandler.OVERFLOW.remove();
          }
        });
      }
    }
  }

  /** Virtual threads, at most {@code limit} at once (beyond: RejectedExecutionException). */
  private static final class BoundedExecutor extends java.util.concurrent.AbstractExecutorService {
    private final ExecutorService delegate;
    private final java.util.concurrent.Semaphore permits;

    BoundedExecutor(ExecutorService delegate, int limit) {
      this.delegate = delegate;
      this.permits = new java.util.concurrent.Semaphore(limit);
    }

    @Override
    public void execute(Runnable task) {
      if (!permits.tryAcquire()) {
        throw new RejectedExecutionException("at the connection limit");
      }
      try {
        delegate.execute(() -> {
          try {
            task.run();
          } finally {
            permits.release();
          }
        });
      } catch (RejectedExecutionException e) {
        permits.release();
        throw e;
      }
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }
  }

  /**
   * Options for an {@link InferenceServer}; each setter checks its value at once. Not thread-safe:
   * configure on one thread, then {@link #build()}.
   */
  public static final class Builder {
    private ModelStore store;
    private final Map<String, Model> models = new LinkedHashMap<>();
    private String host = "127.0.0.1";
    private int port = 8080;
    private Executor executor;
    private long maxBodyBytes = InferenceJson.DEFAULT_MAX_BODY_BYTES;
    private int maxTensorElements = JsonLimits.DEFAULTS.maxTensorElements();
    private int maxNestingDepth = JsonLimits.DEFAULTS.maxNestingDepth();
    private Duration readTimeout;
    private Duration responseTimeout;
    private long memoryBudget;
    private int maxConnections = 2048;
    private int maxInFlight = 256;
    private int maxInFlightPerModel = 128;
    private final List<String> tokens = new ArrayList<>();
    private Path tokenFile;
    private boolean healthRequiresAuth;
    private SSLContext tlsContext;
    private String servingAlias = "production";
    private Duration pollInterval = Duration.ofSeconds(2);
    private Duration idleUnload = Duration.ofMinutes(5);
    private int maxVersionsOnDemand = ModelRegistry.DEFAULT_MAX_VERSIONS_ON_DEMAND;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int backlog = 4096;
    private BatchingOptions batching;
    private final Map<String, BatchingOptions> batchingByModel = new LinkedHashMap<>();
    private dev.maas.monitor.MonitorOptions monitoring = dev.maas.monitor.MonitorOptions.defaults();

    private ModelCache modelCache;
    private long modelMemoryBudget;
    private Duration modelLoadWait = Duration.ofSeconds(30);
    private final List<String> keepLoaded = new ArrayList<>();
    private int shadowQueue = 64;
    private double shadowTolerance = 1e-6;

    private Builder() {}

    /**
     * How many copies of live requests may wait for an alias's shadow version (see {@link
     * dev.maas.AliasTarget}); a copy that finds the queue full is dropped and counted
     * ({@code maas_shadow_dropped_total}). 64 by default.
     */
    public Builder shadowQueue(int copies) {
      if (copies < 1) {
        throw new IllegalArgumentException("shadowQueue must be positive, got " + copies);
      }
      this.shadowQueue = copies;
      return this;
    }

    /**
     * The largest absolute difference between a shadow's output element and the live one that
     * still counts as agreement ({@code maas_shadow_disagreements_total} counts the answers beyond
     * it); 1e-6 by default.
     */
    public Builder shadowTolerance(double tolerance) {
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
        throw new IllegalArgumentException("shadowTolerance must be a finite number of 0 or more, got " + tolerance);
      }
      this.shadowTolerance = tolerance;
      return this;
    }

    /**
     * The most the loaded store models may weigh together (see {@link ModelCache}): with it,
     * models load on first request and the least recently used idle ones are unloaded to make room,
     * instead of every model loading at start. Unlimited (everything loaded at start) by default.
     */
    public Builder modelMemoryBudget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("modelMemoryBudget must be positive, got " + bytes);
      }
      this.modelMemoryBudget = bytes;
      return this;
    }

    /**
     * Serves store models through {@code cache}, shared with in-process users of the same store;
     * the server does not close it. Overrides {@link #modelMemoryBudget(long)}.
     */
    public Builder modelCache(ModelCache cache) {
      this.modelCache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /**
     * How long a request waits for its model to load or for room in the model memory budget
     * before it is answered 503 with Retry-After; 30 s by default.
     */
    public Builder modelLoadWait(Duration wait) {
      this.modelLoadWait = positive(wait, "modelLoadWait");
      return this;
    }

    /** Models (names) loaded at start and never unloaded; they count against the model memory budget. */
    public Builder keepLoaded(Collection<String> names) {
      for (String name : names) {
        keepLoaded.add(ModelReference.requireValidName(name, "model name"));
      }
      return this;
    }

    /** Serves every model of {@code store} (the server does not close the store). */
    public Builder store(ModelStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Serves {@code model}, opened by the application, as {@code name} (without versions). The
     * server never closes it.
     */
    public Builder model(String name, Model model) {
      ModelReference.requireValidName(name, "model name");
      if (models.putIfAbsent(name, Objects.requireNonNull(model, "model")) != null) {
        throw new IllegalStateException("model '" + name + "' is given twice");
      }
      return this;
    }

    /** The address to bind; default {@code 127.0.0.1} (loopback only). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one, readable from {@link InferenceServer#port()}. Default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The executor that reads and runs requests; default: virtual threads on JDK 21+, else platform
     * threads made on demand, at most {@link #maxConnections} of either. The JDK server reads each
     * request's headers on this executor's threads, so a small pool lets slow clients hold it. The
     * server does not shut a given executor down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The largest request body; default 64 MiB. Larger bodies get 413, decided before reading when declared. */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1024 || bytes > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("maxBodyBytes must be in [1 KiB, 2 GiB), got " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The most elements one tensor of a request may hold; default 16 Mi. */
    public Builder maxTensorElements(int elements) {
      if (elements < 1) {
        throw new IllegalArgumentException("maxTensorElements must be positive, got " + elements);
      }
      this.maxTensorElements = elements;
      return this;
    }

    /** The deepest JSON nesting accepted in a request; default 64. */
    public Builder maxNestingDepth(int depth) {
      if (depth < 8 || depth > 1000) {
        throw new IllegalArgumentException("maxNestingDepth must be in [8, 1000], got " + depth);
      }
      this.maxNestingDepth = depth;
      return this;
    }

    /**
     * How long a request (request line, headers and body) may take to arrive before its connection
     * is closed; default 30 s. A connection that sends nothing is closed after the same time. The
     * JDK server reads this JVM-wide ({@code sun.net.httpserver.maxReqTime}, whole seconds, checked
     * once a second) when its first server is created: the first server of a JVM fixes it for all,
     * and a value the JVM was started with wins.
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * How long the server may take over a request once it has arrived: computing the answer and
     * sending it, to its last byte; default 60 s. Beyond it the connection is closed. This bounds a
     * client that asks for a large answer and does not read it, which would otherwise hold its
     * connection's thread and its admission slot; it also cuts off a model call slower than this.
     * JVM-wide as {@link #readTimeout} ({@code sun.net.httpserver.maxRspTime}, whole seconds,
     * checked once a second): the first server of a JVM fixes it, and a value the JVM was started
     * with wins.
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout, "responseTimeout");
      return this;
    }

    /**
     * The bytes all requests may hold at once: bodies being read and the tensors decoded from
     * them; beyond it, 503 with Retry-After (413 for one request larger than all of it). Default:
     * half the JVM's maximum heap.
     */
    public Builder memoryBudget(long bytes) {
      if (bytes < 1 << 20) {
        throw new IllegalArgumentException("memoryBudget must be at least 1 MiB, got " + bytes);
      }
      this.memoryBudget = bytes;
      return this;
    }

    /**
     * Connections with a request under way (being read or answered) at once; default 2048. Each
     * holds a thread (virtual on JDK 21+). Beyond it a few more get 503 at once and the rest are
     * closed. Ignored when an {@link #executor} is given.
     */
    public Builder maxConnections(int connections) {
      if (connections < 16) {
        throw new IllegalArgumentException("maxConnections must be at least 16, got " + connections);
      }
      this.maxConnections = connections;
      return this;
    }

    /** Requests in flight across all models; beyond it, 503 with Retry-After. Default 256. */
    public Builder maxInFlight(int requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("maxInFlight must be positive, got " + requests);
      }
      this.maxInFlight = requests;
      return this;
    }

    /** Requests in flight for one model; beyond it, 429 with Retry-After. Default 128. */
    public Builder maxInFlightPerModel(int requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("maxInFlightPerModel must be positive, got " + requests);
      }
      this.maxInFlightPerModel = requests;
      return this;
    }

    /** Requires {@code Authorization: Bearer T} with one of {@code tokens} on every request but health checks. */
    public Builder bearerTokens(Collection<String> tokens) {
      for (String t : tokens) {
        if (Objects.requireNonNull(t, "token").isBlank() || !t.equals(t.strip())) {
          throw new IllegalArgumentException("a bearer token must be non-blank without surrounding spaces");
        }
      }
      this.tokens.addAll(tokens);
      return this;
    }

    /**
     * Takes access tokens from {@code file}, re-read whenever it changes (no restart): one token a
     * line, {@code LABEL sha256:DIGEST [models=GLOB,...] [repository] [metrics] [explain] [all]}
     * as {@link TokenFile#addToken} writes it; a line of one word is a token in plain text with every
     * right. Blank lines and lines starting with # are skipped. See {@code docs/security.md}.
     *
     * @throws ServerStartException if the file cannot be read or a line is not valid
     */
    public Builder bearerTokensFile(Path file) {
      new BearerAuth(List.of(), Optional.of(file));
      this.tokenFile = file;
      return this;
    }

    /** Whether health endpoints need a token too when tokens are set; default false (open for probes). */
    public Builder healthRequiresAuth(boolean required) {
      this.healthRequiresAuth = required;
      return this;
    }

    /** Serves HTTPS with the key and certificate in a PKCS#12 keystore. */
    public Builder tls(Path keystore, char[] password) {
      Objects.requireNonNull(keystore, "keystore");
      Objects.requireNonNull(password, "password");
      try (InputStream in = Files.newInputStream(keystore)) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(in, password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        this.tlsContext = context;
      } catch (IOException | GeneralSecurityException e) {
        throw new ServerStartException("cannot use the keystore " + keystore + ": " + e.getMessage(), e);
      }
      return this;
    }

    /** The alias a model is served at when a request names no version; default {@code production}. */
    public Builder servingAlias(String alias) {
      this.servingAlias = ModelReference.requireValidName(alias, "alias");
      return this;
    }

    /** How often the store is re-read for new versions and moved aliases; default 2 s. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive(interval, "pollInterval");
      return this;
    }

    /** How long an explicitly requested version stays loaded without requests; default 5 min. */
    public Builder idleUnload(Duration idle) {
      this.idleUnload = positive(idle, "idleUnload");
      return this;
    }

    /**
     * How many explicitly requested versions ({@code /versions/{v}} other than the served one) one
     * model may hold loaded on demand; loading one more unloads the least recently used. Default 4.
     */
    public Builder maxVersionsOnDemand(int versions) {
      if (versions < 1) {
        throw new IllegalArgumentException("maxVersionsOnDemand must be positive, got " + versions);
      }
      this.maxVersionsOnDemand = versions;
      return this;
    }

    /** How long {@link InferenceServer#close()} waits for requests in flight; default 10 s. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = positive(timeout, "shutdownTimeout");
      return this;
    }

    /** The TCP accept backlog (connections waiting to be accepted); default 4096. */
    public Builder backlog(int backlog) {
      if (backlog < 1) {
        throw new IllegalArgumentException("backlog must be positive, got " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /**
     * Dynamic batching for every model with a batched signature (see {@link BatchingPredictor}); off by
     * default (see docs/http-api.md for the measurements behind that).
     */
    public Builder batching(BatchingOptions options) {
      this.batching = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Dynamic batching for model {@code name}, overriding {@link #batching(BatchingOptions)}. */
    public Builder batching(String name, BatchingOptions options) {
      batchingByModel.put(ModelReference.requireValidName(name, "model name"), Objects.requireNonNull(options, "options"));
      return this;
    }

    /**
     * How store versions that carry reference statistics are watched for drift (window, cap on
     * features per version); see docs/monitoring.md. Default {@link
     * dev.maas.monitor.MonitorOptions#defaults()}.
     */
    public Builder monitoring(dev.maas.monitor.MonitorOptions options) {
      this.monitoring = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Puts a batcher in front of {@code predictor} when batching is configured for {@code name}. */
    private Predictor decorate(String name, Predictor predictor) {
      BatchingOptions options = batchingByModel.getOrDefault(name, batching);
      if (options == null) {
        return predictor;
      }
      if (!predictor.signature().batched()) {
        LOG.log(Level.WARNING, "model '" + name + "' has no batch axis in its signature; served without batching");
        return predictor;
      }
      return BatchingPredictor.of(predictor, options);
    }

    /**
     * Binds the port and returns the server, not yet started.
     *
     * @throws IllegalStateException if neither a store nor a model was given
     * @throws ServerStartException if the port cannot be bound
     */
    public InferenceServer build() {
      if (store == null && models.isEmpty()) {
        throw new IllegalStateException("give a store or at least one model");
      }
      if (!keepLoaded.isEmpty() && modelCache == null && modelMemoryBudget == 0) {
        throw new IllegalStateException("keepLoaded needs a modelMemoryBudget or a modelCache");
      }
      return new InferenceServer(this);
    }

    private static Duration positive(Duration d, String what) {
      if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
