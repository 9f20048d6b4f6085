package dev.maas.spark;

import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.ModelBundle;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Where executors get one stored model version from: either a broadcast of the version's {@link
 * ModelBundle} (its record and every file), checked again and opened from memory on each executor
 * ({@link #broadcast}); or a store directory that every executor sees at the same path, an NFS or
 * object-store mount say ({@link #sharedStore}). Either way the reference is resolved once, on the
 * driver, to a fixed version, so that an alias moved during a job never mixes two versions in one
 * result, and the version's identity ({@link #sha256()}, the {@linkplain ModelBundle#digest()
 * digest} of its record, which lists every file's SHA-256) keys the per-executor model cache.
 *
 * <p>Instances are immutable, serializable and thread-safe. A broadcast source lives as long as
 * the SparkContext that made it.
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 2L;

  private final String name;
  private final int version;
  private final String sha256;
  private final Broadcast<byte[]> bundle;
  private final String storeRoot;

  private ModelSource(String name, int version, String sha256, Broadcast<byte[]> bundle, String storeRoot) {
    this.name = name;
    this.version = version;
    this.sha256 = sha256;
    this.bundle = bundle;
    this.storeRoot = storeRoot;
  }

  /**
   * Ships the version {@code reference} resolves to in {@code store} (any store, read on the
   * driver) to the executors as a broadcast: no file system shared with the cluster is needed. The
   * files are read and checked against the store's recorded SHA-256 now, and again on each executor.
   *
   * @throws InvalidInputException if {@code reference} cannot be parsed
   * @throws ModelNotFoundException if nothing matches
   * @throws IntegrityException if a file of the version is missing or was altered
   */
  public static ModelSource broadcast(SparkSession spark, ModelStore store, String reference) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(reference, "reference");
    ModelBundle read = store.readBundle(reference);
    return new ModelSource(read.version().name(), read.version().version(), read.digest(), ship(spark, read.toBytes()),
        null);
  }

  /**
   * Opens the version {@code reference} resolves to from the store at {@code storeRoot} on every
   * executor; the directory must be readable at that same path on the driver and on every executor.
   *
   * @throws InvalidInputException if {@code reference} cannot be parsed or {@code storeRoot} is not
   *     a directory
   * @throws ModelNotFoundException if nothing matches
   * @throws IntegrityException if a file of the version was altered
   */
  public static ModelSource sharedStore(Path storeRoot, String reference) {
    Objects.requireNonNull(storeRoot, "storeRoot");
    Objects.requireNonNull(reference, "reference");
    if (!Files.isDirectory(storeRoot)) {
      throw new InvalidInputException("no model store at " + storeRoot + ": not a directory");
    }
    Path root = storeRoot.toAbsolutePath().normalize();
    try (ModelStore store = ModelStore.open(root)) {
      ModelBundle read = store.readBundle(reference);
      return new ModelSource(read.version().name(), read.version().version(), read.digest(), null, root.toString());
    }
  }

  private static Broadcast<byte[]> ship(SparkSession spark, byte[] bytes) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes);
  }

  /** A broadcast source whose shipped bundle bytes are {@code shipped} (tests: a corrupted broadcast). */
  ModelSource withShippedBytes(SparkSession spark, byte[] shipped) {
    return new ModelSource(name, version, sha256, ship(spark, shipped), null);
  }

  /** The bundle bytes this source ships, read again from its broadcast (tests). */
  byte[] shippedBytes() {
    return bundle.value().clone();
  }

  /** The model name. */
  public String name() {
    return name;
  }

  /** The version number the reference resolved to. */
  public int version() {
    return version;
  }

  /**
   * The {@linkplain ModelBundle#digest() digest} of the version's record, which lists every file's
   * SHA-256: the identity of its content.
   */
  public String sha256() {
    return sha256;
  }

  /** The key of the per-JVM model cache. */
  String cacheKey() {
    return name + ":" + version + "@" + sha256;
  }

  /** {@code name:version}, how the source is shipped, and its SHA-256. */
  @Override
  public String toString() {
    return name + ":" + version + (bundle != null ? " (broadcast" : " (shared store " + storeRoot) + ", sha256 "
        + sha256 + ")";
  }

  /**
   * Opens the model in this JVM from memory: the broadcast bundle, checked again, or the bundle
   * read from the shared store, which must still be the version the driver resolved. The caller
   * owns the model.
   */
  Model openHere() {
    ModelBundle here;
    String where;
    if (bundle != null) {
      here = ModelBundle.fromBytes(bundle.value());
      where = "the broadcast";
    } else {
      try (ModelStore store = ModelStore.open(Path.of(storeRoot))) {
        here = store.readBundle(ModelReference.ofVersion(name, version));
      }
      where = "the shared store at " + storeRoot;
    }
    if (!here.digest().equals(sha256)) {
      throw new IntegrityException("model " + name + ":" + version + " in " + where
          + " is not the version the driver resolved: its record has SHA-256 " + here.digest() + ", expected " + sha256);
    }
    return here.open();
  }
}
