package dev.maas.store.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3-compatible server for the tests: s3proxy on loopback with its file-system backend in
 * a temporary directory, checking SigV4 signatures with fixed test credentials.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "maas-test-access";
  public static final String SECRET_KEY = "maas-test-secret-key";
  public static final String BUCKET = "models";

  private final S3Proxy proxy;
  private final URI endpoint;
  private final Path dir;

  private S3Server(S3Proxy proxy, URI endpoint, Path dir) {
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.dir = dir;
  }

  /** Starts a server whose buckets live under {@code dir}, with bucket {@link #BUCKET} created. */
  public static S3Server start(Path dir) throws Exception {
    return start(dir, AuthenticationType.AWS_V2_OR_V4);
  }

  /**
   * Starts a server that checks no signatures, for requests whose signed headers a proxy removes
   * on the way (to play a server that ignores them).
   */
  static S3Server startUnauthenticated(Path dir) throws Exception {
    return start(dir, AuthenticationType.NONE);
  }

  private static S3Server start(Path dir, AuthenticationType authentication) throws Exception {
    Path data = dir.resolve("s3-data");
    Files.createDirectories(data.resolve(BUCKET));
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(new FilesystemNio2BlobStore(data.toString()))
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(authentication, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    return new S3Server(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()), dir);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Options for the store under {@code prefix} of {@link #BUCKET}, reached at {@code endpoint}, with its own cache. */
  S3StoreOptions.Builder options(URI endpoint, String prefix, String cacheName) {
    return S3StoreOptions.builder(BUCKET)
        .prefix(prefix)
        .endpoint(endpoint)
        .credentials(ACCESS_KEY, SECRET_KEY)
        .cacheDirectory(dir.resolve("cache-" + cacheName))
        .retryBackoff(Duration.ofMillis(5))
        .requestTimeout(Duration.ofSeconds(5));
  }

  S3StoreOptions.Builder options(String prefix, String cacheName) {
    return options(endpoint, prefix, cacheName);
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the test S3 server: " + e, e);
    }
  }
}
