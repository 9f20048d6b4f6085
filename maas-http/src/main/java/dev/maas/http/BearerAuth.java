package dev.maas.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Bearer-token authentication and scoped authorisation. A request passes authentication when its
 * {@code Authorization: Bearer T} names a token of the table ({@link TokenTable}: tokens given in
 * code have every right; a token file gives each token its models and permissions). It then passes
 * authorisation when the token's scopes cover the path: a model outside them is answered exactly as
 * a model that does not exist (404), so a token learns nothing about other models; the repository
 * extension, {@code /metrics} and explanations need their permission (403). Every refusal is
 * counted by reason, never with the token.
 *
 * <p>A token file is looked at again on every request (one {@code stat}) and re-read when its
 * modification time, size or identity changed; a file that no longer parses leaves the last good
 * table in force and is logged. Thread-safe.
 */
final class BearerAuth {
  private static final System.Logger LOG = System.getLogger(BearerAuth.class.getName());
  static final String NO_TOKEN = "no_token";
  static final String BAD_TOKEN = "bad_token";
  static final String OUT_OF_SCOPE = "out_of_scope";

  /** What a request may reach. */
  interface Grant {
    boolean allowsModel(String name);
  }

  private static final Grant ALL = name -> true;

  private final Optional<Path> file;
  private final TokenTable fixed;
  private volatile TokenTable fromFile;
  private volatile Stamp stamp;

  private record Stamp(long modifiedNanos, long size, Object key) {}

  /** Tokens with every right; none means authentication is off. */
  BearerAuth(Collection<String> tokens) {
    this(tokens, Optional.empty());
  }

  /**
   * Tokens with every right and, if given, a token file (read now; re-read when it changes).
   *
   * @throws ServerStartException if the file cannot be read or parsed
   */
  BearerAuth(Collection<String> tokens, Optional<Path> file) {
    this.fixed = TokenTable.ofPlainTokens(List.copyOf(tokens));
    this.file = Objects.requireNonNull(file, "file");
    if (file.isPresent()) {
      try {
        Stamp s = stamp(file.get());
        this.fromFile = read(file.get());
        this.stamp = s;
      } catch (IOException e) {
        throw new ServerStartException("cannot read the token file " + file.get() + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new ServerStartException("the token file " + file.get() + " " + e.getMessage(), e);
      }
    }
  }

  boolean enabled() {
    return !fixed.isEmpty() || file.isPresent();
  }

  /**
   * Authenticates and authorises the request for path segments {@code segments}.
   *
   * @param needsToken false for requests that pass without a token (open health checks)
   * @throws HttpError 401 without a valid token, 403 or 404 outside the token's scopes
   */
  Grant authorize(HttpExchange exchange, List<String> segments, boolean needsToken, ServerMetrics metrics) {
    if (!enabled() || !needsToken) {
      return ALL;
    }
    reloadIfChanged();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
      throw unauthorized(exchange, metrics, NO_TOKEN);
    }
    String token = authorization.substring(7).trim();
    Optional<TokenTable.Entry> found = fixed.find(token);
    TokenTable table = fromFile;
    if (found.isEmpty() && table != null) {
      found = table.find(token);
    }
    if (found.isEmpty()) {
      throw unauthorized(exchange, metrics, BAD_TOKEN);
    }
    TokenTable.Entry entry = found.get();
    if (segments.size() == 1 && segments.get(0).equals("metrics")) {
      require(entry, TokenPermission.METRICS, "read /metrics", metrics);
    } else if (segments.size() >= 3 && segments.get(0).equals("v2") && segments.get(1).equals("repository")) {
      require(entry, TokenPermission.REPOSITORY, "use the repository extension", metrics);
      if (segments.size() >= 4 && segments.get(2).equals("models")) {
        requireModel(entry, segments.get(3), metrics);
      }
    } else if (segments.size() >= 3 && segments.get(0).equals("v2") && segments.get(1).equals("models")) {
      requireModel(entry, segments.get(2), metrics);
      if (segments.get(segments.size() - 1).equals("explain")) {
        require(entry, TokenPermission.EXPLAIN, "request explanations", metrics);
      }
    }
    return entry::allowsModel;
  }

  private static void require(TokenTable.Entry entry, TokenPermission permission, String what, ServerMetrics metrics) {
    if (!entry.permissions().contains(permission)) {
      metrics.authRefused(OUT_OF_SCOPE);
      throw new HttpError(403, "this token may not " + what);
    }
  }

  private static void requireModel(TokenTable.Entry entry, String name, ServerMetrics metrics) {
    if (!entry.allowsModel(name)) {
      metrics.authRefused(OUT_OF_SCOPE);
      // the very answer the registry gives for a model it does not have
      throw HttpError.notFound("unknown model '" + Json.clip(name) + "'");
    }
  }

  private static HttpError unauthorized(HttpExchange exchange, ServerMetrics metrics, String reason) {
    metrics.authRefused(reason);
    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"maas\"");
    return new HttpError(401, "missing or invalid bearer token");
  }

  private void reloadIfChanged() {
    if (file.isEmpty()) {
      return;
    }
    Path f = file.get();
    Stamp now;
    try {
      now = stamp(f);
    } catch (IOException e) {
      now = new Stamp(-1, -1, e.getClass().getName());
    }
    if (now.equals(stamp)) {
      return;
    }
    synchronized (this) {
      if (now.equals(stamp)) {
        return;
      }
      stamp = now;
      try {
        TokenTable table = read(f);
        fromFile = table;
        LOG.log(Level.INFO, "token file " + f + " reloaded: " + table.size() + " tokens");
      } catch (IOException | IllegalArgumentException e) {
        LOG.log(Level.ERROR, "token file " + f + " was changed but cannot be used (" + e.getMessage()
            + "); the tokens read before stay in force");
      }
    }
  }

  private static Stamp stamp(Path f) throws IOException {
    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
    return new Stamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size(),
        a.fileKey() == null ? "" : a.fileKey());
  }

  private static TokenTable read(Path f) throws IOException {
    TokenTable table = TokenTable.parse(Files.readString(f, StandardCharsets.UTF_8));
    if (table.plainCount() > 0) {
      LOG.log(Level.WARNING, "token file " + f + " holds " + table.plainCount() + " tokens in plain text with every"
          + " right; replace them with hashed, scoped lines (maas token add)");
    }
    return table;
  }
}
