package dev.maas.store.s3;

import dev.maas.spi.StoreBackend;
import dev.maas.spi.StoreProvider;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@code s3://bucket/prefix} locations for {@link dev.maas.ModelStore#open(URI, Map)}; found
 * by {@link java.util.ServiceLoader}. Settings: {@code endpoint}, {@code region}, {@code
 * cache-dir}; see {@link S3StoreOptions#fromUri}. Thread-safe.
 */
public final class S3StoreProvider implements StoreProvider {
  /** For {@link java.util.ServiceLoader}. */
  public S3StoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public StoreBackend open(URI location, Map<String, String> settings) {
    return new S3Backend(S3StoreOptions.fromUri(location, settings, System.getenv()));
  }
}
