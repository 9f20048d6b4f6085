package dev.maas.store.s3;

import dev.maas.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object-storage calls the store makes, each retried with exponential backoff and jitter when
 * it fails in a way that may pass (a connection or read failure, a timeout, a truncated body, a
 * 5xx or throttling answer), and translated into outcomes the store acts on: a precondition that
 * failed is a result, not an error. Thread-safe.
 */
final class ObjectClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ObjectClient.class.getName());

  private final S3Client s3;
  private final String bucket;
  private final String location;
  private final int maxAttempts;
  private final long backoffNanos;

  /** An object read whole. */
  record Blob(byte[] content, String etag) {}

  /** The outcome of a conditional read. */
  sealed interface Read permits Found, NotModified, Missing {}

  record Found(Blob blob) implements Read {}

  record NotModified() implements Read {}

  record Missing() implements Read {}

  /** One key of a listing, with when it was last written (by the server's clock). */
  record Listed(String key, long size, java.time.Instant lastModified) {}

  ObjectClient(S3StoreOptions options) {
    this.bucket = options.bucket();
    this.location = options.location();
    this.maxAttempts = options.maxAttempts();
    this.backoffNanos = options.retryBackoff().toNanos();
    AwsCredentialsProvider credentials = options.accessKeyId().isPresent()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(options.accessKeyId().get(),
            options.secretAccessKey().orElseThrow()))
        : DefaultCredentialsProvider.builder().build();
    var builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(options.connectTimeout())
            .socketTimeout(options.requestTimeout()))
        .region(Region.of(options.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(options.pathStyle())
        // Checksums only where an operation requires them: many S3-compatible servers reject the
        // newer trailing-checksum uploads; artifact files are checked by SHA-256 on every open.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(options.requestTimeout()));
    options.endpoint().ifPresent(builder::endpointOverride);
    this.s3 = builder.build();
  }

  String location() {
    return location;
  }

  /** {@code key}, whole, or empty if there is no such object. */
  Optional<Blob> get(String key) {
    Read r = get(key, Optional.empty());
    return r instanceof Found f ? Optional.of(f.blob()) : Optional.empty();
  }

  /** {@code key}, unless its ETag is still {@code ifNoneMatch}. */
  Read get(String key, Optional<String> ifNoneMatch) {
    return retrying("GET " + key, () -> {
      GetObjectRequest.Builder req = GetObjectRequest.builder().bucket(bucket).key(key);
      ifNoneMatch.ifPresent(req::ifNoneMatch);
      try {
        ResponseBytes<GetObjectResponse> bytes = s3.getObject(req.build(), ResponseTransformer.toBytes());
        byte[] content = bytes.asByteArray();
        Long length = bytes.response().contentLength();
        if (length != null && length != content.length) {
          throw new Truncated(key, content.length, length);
        }
        return new Found(new Blob(content, etagOf(bytes.response().eTag(), key)));
      } catch (S3Exception e) {
        if (e.statusCode() == 304) {
          return new NotModified();
        }
        if (e.statusCode() == 404) {
          return new Missing();
        }
        throw e;
      }
    });
  }

  /**
   * Copies {@code key} into {@code target} (replaced) and returns the SHA-256 of what was written;
   * a body shorter than announced is retried.
   *
   * @return the SHA-256 in lower-case hex, or empty if there is no such object
   */
  Optional<String> download(String key, Path target) {
    return retrying("GET " + key, () -> {
      GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(key).build();
      ResponseInputStream<GetObjectResponse> in;
      try {
        in = s3.getObject(req);
      } catch (S3Exception e) {
        if (e.statusCode() == 404) {
          return Optional.empty();
        }
        throw e;
      }
      MessageDigest sha = sha256();
      long written = 0;
      try (in; OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          sha.update(buffer, 0, n);
          written += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Long length = in.response().contentLength();
      if (length != null && length != written) {
        throw new Truncated(key, written, length);
      }
      return Optional.of(HexFormat.of().formatHex(sha.digest()));
    });
  }

  /**
   * Creates {@code key} with {@code content} only if no object has that key ({@code If-None-Match: *}).
   * An attempt whose answer is lost is settled by reading the key back; see {@link #putIfMatch}.
   *
   * @return the new object's ETag, or empty if the key was taken
   */
  Optional<String> putIfAbsent(String key, byte[] content) {
    return putConditionally("PUT (create-only) " + key, key, Optional.empty(), content);
  }

  /**
   * Replaces {@code key} with {@code content} only if its ETag is still {@code etag} ({@code If-Match}).
   *
   * <p>A conditional write is not retried blindly when its answer is lost (a timeout, a reset
   * connection, a 5xx that may follow the write): a second try could fail on the first one's own
   * success, or succeed over another writer's. The key is read back instead: if it holds {@code
   * content}, the write succeeded; if it still holds what the condition expected (no object, or
   * ETag {@code etag}), the write did not happen and is tried again; anything else means another
   * writer got there first, and the write failed. When even the read-back fails, the outcome is
   * unknown and reported as such.
   *
   * @return the new ETag, or empty if the object changed or is gone
   */
  Optional<String> putIfMatch(String key, byte[] content, String etag) {
    return putConditionally("PUT (if-match) " + key, key, Optional.of(etag), content);
  }

  /** What reading a key back says about a conditional write whose answer was lost. */
  private enum Settled { OURS, NOT_WRITTEN, THEIRS }

  private Optional<String> putConditionally(String what, String key, Optional<String> ifMatch, byte[] content) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket).key(key)
            .contentLength((long) content.length);
        if (ifMatch.isPresent()) {
          req.ifMatch(ifMatch.get());
        } else {
          req.ifNoneMatch("*");
        }
        PutObjectResponse r = s3.putObject(req.build(), RequestBody.fromBytes(content));
        if (r.eTag() != null && !r.eTag().isEmpty()) {
          return Optional.of(r.eTag());
        }
        last = SdkClientException.create("no ETag in the answer to " + what);
      } catch (S3Exception e) {
        if (e.statusCode() == 412 || (e.statusCode() == 404 && ifMatch.isPresent())) {
          return Optional.empty();
        }
        if (e.statusCode() == 501 || "NotImplemented".equals(errorCode(e))) {
          throw noConditionalWrites(e);
        }
        if (!retryable(e)) {
          throw new StoreException(what + " in " + location + " failed: HTTP " + e.statusCode() + describe(e), e);
        }
        last = e;
      } catch (SdkClientException | UncheckedIOException e) {
        if (e.getCause() instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
          throw new StoreException(what + " in " + location + " was interrupted; whether it was carried out is"
              + " unknown", e);
        }
        last = e;
      } catch (SdkException e) {
        last = e;
      }
      // The answer is lost or is an error that may follow the write: what is there now decides.
      Blob now;
      Optional<Blob> read;
      try {
        read = get(key);
      } catch (StoreException e) {
        throw new StoreException(what + " in " + location + " got no answer (" + reason(last) + "), and reading "
            + key + " back to learn whether it was carried out failed too: " + e.getMessage(), e);
      }
      now = read.orElse(null);
      Settled settled = now != null && java.util.Arrays.equals(now.content(), content) ? Settled.OURS
          : ifMatch.isEmpty() ? (now == null ? Settled.NOT_WRITTEN : Settled.THEIRS)
          : (now != null && sameTag(now.etag(), ifMatch.get()) ? Settled.NOT_WRITTEN : Settled.THEIRS);
      LOG.log(System.Logger.Level.DEBUG, what + " got no answer (attempt " + attempt + " of " + maxAttempts
          + ": " + reason(last) + "); read back: " + settled);
      switch (settled) {
        case OURS:
          return Optional.of(now.etag());
        case THEIRS:
          return Optional.empty();
        default:
          if (attempt < maxAttempts) {
            pause(attempt);
          }
      }
    }
    throw new StoreException(what + " in " + location + " failed after " + maxAttempts + " attempts: "
        + reason(last), last);
  }

  private static boolean sameTag(String a, String b) {
    return unquoted(a).equals(unquoted(b));
  }

  private static String unquoted(String etag) {
    String t = etag.startsWith("W/") ? etag.substring(2) : etag;
    return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
  }

  private static String reason(RuntimeException e) {
    return e instanceof S3Exception s3e ? "HTTP " + s3e.statusCode() + describe(s3e) : String.valueOf(e.getMessage());
  }

  StoreException noConditionalWrites(Exception cause) {
    return new StoreException("the object store at " + location
        + " does not support conditional writes (If-None-Match: * and If-Match), which this store needs to give out"
        + " version numbers and move aliases safely between machines", cause);
  }

  /** Writes {@code key} from {@code file} unconditionally, sending its SHA-256 for the server to check. */
  void put(String key, Path file, String sha256Hex) {
    String base64 = java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex));
    retrying("PUT " + key, () -> {
      try {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).checksumSHA256(base64)
            .contentLength(Files.size(file)).build(), RequestBody.fromFile(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    });
  }

  /** Writes {@code key} with {@code content} unconditionally. */
  void put(String key, byte[] content) {
    retrying("PUT " + key, () -> s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key)
        .contentLength((long) content.length).build(), RequestBody.fromBytes(content)));
  }

  /** Deletes {@code key}; deleting a missing key succeeds. */
  void delete(String key) {
    retrying("DELETE " + key, () -> {
      try {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          throw e;
        }
      }
      return null;
    });
  }

  /** Every key under {@code prefix}, with its size, in key order. */
  List<Listed> list(String prefix) {
    List<Listed> out = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Response page = listPage(prefix, null, token);
      for (S3Object o : page.contents()) {
        out.add(new Listed(o.key(), o.size() == null ? 0 : o.size(),
            o.lastModified() == null ? java.time.Instant.MAX : o.lastModified()));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return out;
  }

  /** The next level of "directories" under {@code prefix} (which ends with '/'): their names, without '/'. */
  List<String> listChildren(String prefix) {
    List<String> out = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Response page = listPage(prefix, "/", token);
      for (CommonPrefix p : page.commonPrefixes()) {
        String child = p.prefix().substring(prefix.length());
        if (child.endsWith("/")) {
          child = child.substring(0, child.length() - 1);
        }
        if (!child.isEmpty()) {
          out.add(child);
        }
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return out;
  }

  private ListObjectsV2Response listPage(String prefix, String delimiter, String token) {
    return retrying("LIST " + prefix, () -> {
      ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
      if (delimiter != null) {
        req.delimiter(delimiter);
      }
      if (token != null) {
        req.continuationToken(token);
      }
      return s3.listObjectsV2(req.build());
    });
  }

  @FunctionalInterface
  private interface Call<T> {
    T run();
  }

  /** A body shorter than its Content-Length: the connection broke or a proxy cut it. */
  private static final class Truncated extends RuntimeException {
    private static final long serialVersionUID = 1;

    Truncated(String key, long got, long announced) {
      super("body of " + key + " was cut short: " + got + " of " + announced + " bytes");
    }
  }

  private <T> T retrying(String what, Call<T> call) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return call.run();
      } catch (StoreException e) {
        throw e;
      } catch (S3Exception e) {
        if (!retryable(e)) {
          throw new StoreException(what + " in " + location + " failed: HTTP " + e.statusCode()
              + describe(e), e);
        }
        last = e;
      } catch (SdkClientException | Truncated | UncheckedIOException e) {
        if (e.getCause() instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
          throw new StoreException(what + " in " + location + " was interrupted", e);
        }
        last = e;
      } catch (SdkException e) {
        last = e;
      }
      if (attempt < maxAttempts) {
        LOG.log(System.Logger.Level.DEBUG, what + " failed (attempt " + attempt + " of " + maxAttempts + "), retrying: "
            + last.getMessage());
        pause(attempt);
      }
    }
    throw new StoreException(what + " in " + location + " failed after " + maxAttempts + " attempts: " + reason(last),
        last);
  }

  private void pause(int attempt) {
    long cap = backoffNanos << Math.min(attempt - 1, 5);
    long wait = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
    long deadline = System.nanoTime() + wait;
    for (long left = wait; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(this, left);
      if (Thread.currentThread().isInterrupted()) {
        throw new StoreException("interrupted while waiting to retry a request to " + location);
      }
    }
  }

  private static boolean retryable(S3Exception e) {
    int status = e.statusCode();
    String code = errorCode(e);
    return status >= 500 && status != 501 || status == 429 || status == 408 || "SlowDown".equals(code)
        || "RequestTimeout".equals(code) || "ConditionalRequestConflict".equals(code) || status == 409
        && "OperationAborted".equals(code);
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static String describe(S3Exception e) {
    if (e.awsErrorDetails() == null) {
      return "";
    }
    String code = e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails().errorMessage();
    return (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
  }

  private static String etagOf(String etag, String what) {
    if (etag == null || etag.isEmpty()) {
      throw SdkClientException.create("no ETag in the answer to " + what);
    }
    return etag;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Reads {@code in} whole while hashing it. */
  static String sha256(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      sha.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public void close() {
    s3.close();
  }
}
