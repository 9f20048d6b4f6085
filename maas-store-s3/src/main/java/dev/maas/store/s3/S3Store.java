package dev.maas.store.s3;

import dev.maas.ModelStore;
import dev.maas.spi.ModelFormat;
import java.util.List;
import java.util.Objects;

/**
 * Opens {@link ModelStore}s on S3-compatible object storage. The store has the semantics of the
 * file-system store (immutable versions numbered without gaps, SHA-256 checked on every open,
 * lineage, damage reported per version by {@link ModelStore#check()}, validated names) and is safe
 * for many machines at once: a version number is taken by a create-only write, an alias moves by
 * compare-and-swap. {@link ModelStore#watch(java.time.Duration)} polls for what other machines
 * change. See {@code docs/store.md}.
 *
 * <p>The stores returned are thread-safe.
 */
public final class S3Store {
  private S3Store() {}

  /**
   * The store {@code options} describe, with the formats {@link java.util.ServiceLoader} finds.
   * Nothing is requested until the store is first used.
   */
  public static ModelStore open(S3StoreOptions options) {
    Objects.requireNonNull(options, "options");
    return ModelStore.open(new S3Backend(options));
  }

  /** The store {@code options} describe, with exactly {@code formats}; see {@link #open(S3StoreOptions)}. */
  public static ModelStore open(S3StoreOptions options, List<ModelFormat> formats) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(formats, "formats");
    return ModelStore.open(new S3Backend(options), formats);
  }
}
