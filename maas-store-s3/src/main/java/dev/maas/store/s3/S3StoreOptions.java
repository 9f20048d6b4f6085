package dev.maas.store.s3;

import dev.maas.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an S3 model store lives and how to reach it: bucket and key prefix, endpoint and region,
 * credentials, the local cache, timeouts and retries. Built by {@link #builder(String)}, or from a
 * location {@code s3://bucket/prefix} with {@link #fromUri}.
 *
 * <p>Without explicit credentials the client uses the AWS default chain (environment variables
 * {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}, system properties, profile files,
 * container and instance roles). Addressing is path-style by default, which every S3-compatible
 * server understands.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class S3StoreOptions {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");
  /** The settings {@link #fromUri} accepts, by name. */
  static final String ENDPOINT = "endpoint";
  static final String REGION = "region";
  static final String CACHE_DIR = "cache-dir";
  static final String ABANDONED_AFTER = "abandoned-after";

  private final String bucket;
  private final String prefix;
  private final Optional<URI> endpoint;
  private final String region;
  private final Optional<String> accessKeyId;
  private final Optional<String> secretAccessKey;
  private final boolean pathStyle;
  private final Optional<Path> cacheDirectory;
  private final long cacheMaxBytes;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration retryBackoff;
  private final Duration abandonedUploadsAfter;
  private final Clock clock;

  private S3StoreOptions(Builder b) {
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.endpoint = b.endpoint;
    this.region = b.region;
    this.accessKeyId = b.accessKeyId;
    this.secretAccessKey = b.secretAccessKey;
    this.pathStyle = b.pathStyle;
    this.cacheDirectory = b.cacheDirectory;
    this.cacheMaxBytes = b.cacheMaxBytes;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.maxAttempts = b.maxAttempts;
    this.retryBackoff = b.retryBackoff;
    this.abandonedUploadsAfter = b.abandonedUploadsAfter;
    this.clock = b.clock;
  }

  /** A builder for the store in {@code bucket}, with every other option at its default. */
  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  /**
   * The options for location {@code s3://bucket/prefix}, with {@code settings} ({@code endpoint},
   * {@code region}, {@code cache-dir}, {@code abandoned-after}: a duration such as {@code 36h},
   * {@code 90m} or {@code PT24H}) and, where a setting is absent, the standard environment
   * variables in {@code environment}: {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL} for
   * the endpoint, {@code AWS_REGION} or {@code AWS_DEFAULT_REGION} for the region.
   *
   * @throws InvalidInputException if the location, a setting or an environment value is malformed,
   *     or a setting is unknown
   */
  public static S3StoreOptions fromUri(URI location, Map<String, String> settings, Map<String, String> environment) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(environment, "environment");
    if (!"s3".equalsIgnoreCase(location.getScheme()) || location.isOpaque()) {
      throw new InvalidInputException("store location '" + location + "' is not of the form s3://bucket/prefix");
    }
    if (location.getRawQuery() != null || location.getRawFragment() != null || location.getRawUserInfo() != null
        || location.getPort() != -1) {
      throw new InvalidInputException("store location '" + location
          + "' may hold only a bucket and a prefix (s3://bucket/prefix); give the endpoint as a setting");
    }
    String host = location.getHost() != null ? location.getHost() : location.getRawAuthority();
    if (host == null || host.isEmpty()) {
      throw new InvalidInputException("store location '" + location + "' names no bucket (s3://bucket/prefix)");
    }
    for (String key : settings.keySet()) {
      if (!key.equals(ENDPOINT) && !key.equals(REGION) && !key.equals(CACHE_DIR) && !key.equals(ABANDONED_AFTER)) {
        throw new InvalidInputException("unknown S3 store setting '" + key
            + "'; known: endpoint, region, cache-dir, abandoned-after");
      }
    }
    try {
      return fromParts(host, location, settings, environment);
    } catch (IllegalArgumentException e) {
      // a location or a setting is data given to the store, not a setting of the calling code
      throw new InvalidInputException(e.getMessage(), e);
    }
  }

  private static S3StoreOptions fromParts(String host, URI location, Map<String, String> settings,
      Map<String, String> environment) {
    Builder b = builder(host).prefix(location.getPath() == null ? "" : location.getPath());
    String endpoint = firstOf(settings.get(ENDPOINT), environment.get("AWS_ENDPOINT_URL_S3"),
        environment.get("AWS_ENDPOINT_URL"));
    if (endpoint != null) {
      b.endpoint(parseEndpoint(endpoint));
    }
    String region = firstOf(settings.get(REGION), environment.get("AWS_REGION"), environment.get("AWS_DEFAULT_REGION"));
    if (region != null) {
      b.region(region);
    }
    String cache = settings.get(CACHE_DIR);
    if (cache != null) {
      b.cacheDirectory(Path.of(cache));
    }
    String abandoned = settings.get(ABANDONED_AFTER);
    if (abandoned != null) {
      b.abandonedUploadsAfter(parseDuration(abandoned, ABANDONED_AFTER));
    }
    return b.build();
  }

  /** {@code 36h}, {@code 90m}, {@code 45s}, {@code 2d} or an ISO-8601 duration ({@code PT24H}). */
  private static Duration parseDuration(String text, String setting) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    try {
      if (t.matches("[0-9]+D")) {
        return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.parse(t.matches("[0-9]+[HMS]") ? "PT" + t : t);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new InvalidInputException("S3 store setting " + setting + "='" + text
          + "' is not a duration (for example 36h, 90m, 2d or PT24H)");
    }
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }

  private static URI parseEndpoint(String text) {
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("S3 endpoint '" + text + "' is not a URL: " + e.getMessage());
    }
    return uri;
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix under which the store keeps everything, without leading or trailing '/'; may be empty. */
  public String prefix() {
    return prefix;
  }

  /** The endpoint, when not the AWS one of {@link #region()}. */
  public Optional<URI> endpoint() {
    return endpoint;
  }

  /** The region requests are signed for. */
  public String region() {
    return region;
  }

  /** The access key id, when credentials were given explicitly. */
  public Optional<String> accessKeyId() {
    return accessKeyId;
  }

  /** Whether requests address the bucket in the path ({@code endpoint/bucket/key}) rather than the host name. */
  public boolean pathStyle() {
    return pathStyle;
  }

  /** The directory of the local cache; by default one under the system temporary directory. */
  public Optional<Path> cacheDirectory() {
    return cacheDirectory;
  }

  /** The most bytes of artifact files the local cache keeps. */
  public long cacheMaxBytes() {
    return cacheMaxBytes;
  }

  /** How long a connection may take to open. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long one attempt of one request may take, reading included, before it is retried. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** How many times a request is tried before the store gives up on it (at least 1). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The wait before the first retry; each further retry waits about twice as long, with jitter, up to 32 times this. */
  public Duration retryBackoff() {
    return retryBackoff;
  }

  /**
   * How old the pending marker of a publish must be before a later publish treats it as abandoned
   * and deletes the files it left; 24 hours by default.
   */
  public Duration abandonedUploadsAfter() {
    return abandonedUploadsAfter;
  }

  Clock clock() {
    return clock;
  }

  Optional<String> secretAccessKey() {
    return secretAccessKey;
  }

  /** {@code s3://bucket/prefix}. */
  public String location() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  @Override
  public String toString() {
    return "S3StoreOptions[" + location() + endpoint.map(e -> ", endpoint " + e).orElse("") + ", region " + region
        + "]";
  }

  /**
   * Builds {@link S3StoreOptions}; each setter checks its value at once. Not thread-safe.
   */
  public static final class Builder {
    private final String bucket;
    private String prefix = "";
    private Optional<URI> endpoint = Optional.empty();
    private String region = "us-east-1";
    private Optional<String> accessKeyId = Optional.empty();
    private Optional<String> secretAccessKey = Optional.empty();
    private boolean pathStyle = true;
    private Optional<Path> cacheDirectory = Optional.empty();
    private long cacheMaxBytes = 2L << 30;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 5;
    private Duration retryBackoff = Duration.ofMillis(100);
    private Duration abandonedUploadsAfter = Duration.ofHours(24);
    private Clock clock = Clock.systemUTC();

    private Builder(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
        throw new IllegalArgumentException("S3 bucket name '" + bucket
            + "' is not valid: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
      }
      this.bucket = bucket;
    }

    /** The key prefix; leading and trailing '/' are dropped; segments are letters, digits, '_', '.', '-'. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String p = prefix;
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty()) {
        for (String segment : p.split("/", -1)) {
          if (!PREFIX_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
            throw new IllegalArgumentException("S3 key prefix '" + prefix
                + "' is not valid: '/'-separated segments of letters, digits, '_', '.' and '-' (not '.' or '..')");
          }
        }
      }
      this.prefix = p;
      return this;
    }

    /** The endpoint of an S3-compatible server ({@code http://host:port} or {@code https://host}). */
    public Builder endpoint(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      String scheme = endpoint.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || endpoint.getHost() == null) {
        throw new IllegalArgumentException("S3 endpoint '" + endpoint + "' is not an http:// or https:// URL with a host");
      }
      this.endpoint = Optional.of(endpoint);
      return this;
    }

    /** The region requests are signed for; {@code us-east-1} by default. */
    public Builder region(String region) {
      Objects.requireNonNull(region, "region");
      if (!region.matches("[a-z0-9-]{1,64}")) {
        throw new IllegalArgumentException("S3 region '" + region + "' is not valid: lower-case letters, digits and '-'");
      }
      this.region = region;
      return this;
    }

    /** Explicit credentials, instead of the AWS default chain. */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
        throw new IllegalArgumentException("S3 credentials need a non-blank access key id and secret access key");
      }
      this.accessKeyId = Optional.of(accessKeyId);
      this.secretAccessKey = Optional.of(secretAccessKey);
      return this;
    }

    /** Addresses the bucket in the host name ({@code bucket.endpoint/key}) rather than the path. */
    public Builder virtualHostedStyle() {
      this.pathStyle = false;
      return this;
    }

    /** The directory of the local cache of artifact files (created if missing). */
    public Builder cacheDirectory(Path directory) {
      this.cacheDirectory = Optional.of(Objects.requireNonNull(directory, "directory"));
      return this;
    }

    /** The most bytes of artifact files the cache keeps (least recently used go first); 2 GiB by default. */
    public Builder cacheMaxBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("cacheMaxBytes must be at least 1, got " + bytes);
      }
      this.cacheMaxBytes = bytes;
      return this;
    }

    /** How long a connection may take to open; 5 s by default. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long one attempt of one request may take; 60 s by default. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** How many times a request is tried; 5 by default. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 100) {
        throw new IllegalArgumentException("maxAttempts must be 1 to 100, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The wait before the first retry; 100 ms by default. */
    public Builder retryBackoff(Duration backoff) {
      this.retryBackoff = positive(backoff, "retryBackoff");
      return this;
    }

    /**
     * How old the pending marker of a publish must be before a later publish deletes the files it
     * left (a publisher that died half-way); 24 hours by default. Longer than any publish takes: a
     * publish still running when its marker is that old fails at commit rather than publish a
     * version whose files were deleted.
     */
    public Builder abandonedUploadsAfter(Duration age) {
      this.abandonedUploadsAfter = positive(age, "abandonedUploadsAfter");
      return this;
    }

    /** The clock the age of pending markers is measured by; for tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be more than zero, got " + d);
      }
      return d;
    }

    /** The options. */
    public S3StoreOptions build() {
      return new S3StoreOptions(this);
    }
  }
}
