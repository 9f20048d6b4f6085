package dev.maas.spark;

import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.StoreException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Where executors get one stored model version from: either a broadcast of the version's files,
 * each with its SHA-256, checked and written to the executor's local disk before the model is
 * opened ({@link #broadcast}); or a store directory that every executor sees at the same path, an
 * NFS or object-store mount say ({@link #sharedStore}). Either way the reference is resolved once,
 * on the driver, to a fixed version, so that an alias moved during a job never mixes two versions
 * in one result, and the version's identity ({@link #sha256()}, the SHA-256 of its {@code
 * maas-version.json}, which records every file's SHA-256) keys the per-executor model cache.
 *
 * <p>Instances are immutable, serializable and thread-safe. A broadcast source lives as long as
 * the SparkContext that made it.
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String METADATA_FILE = "maas-version.json";

  private final String name;
  private final int version;
  private final String sha256;
  private final TreeMap<String, String> digests;
  private final Broadcast<VersionFiles> files;
  private final String storeRoot;

  private ModelSource(String name, int version, Map<String, String> digests, Broadcast<VersionFiles> files,
      String storeRoot) {
    this.name = name;
    this.version = version;
    this.digests = new TreeMap<>(digests);
    this.sha256 = this.digests.get(METADATA_FILE);
    this.files = files;
    this.storeRoot = storeRoot;
  }

  /**
   * Ships the version {@code reference} resolves to in {@code store} (the driver's file-system
   * store, {@link ModelStore#open(Path)}) to the executors as a broadcast: no file system shared
   * with the cluster is needed. The files are read and checked against the store's recorded
   * SHA-256 now.
   *
   * @throws InvalidInputException if {@code reference} cannot be parsed, or {@code store} is not a
   *     file-system store
   * @throws ModelNotFoundException if nothing matches
   * @throws IntegrityException if a file of the version was altered
   * @throws StoreException if the version's files cannot be read
   */
  public static ModelSource broadcast(SparkSession spark, ModelStore store, String reference) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(reference, "reference");
    Path root = store.directory().orElseThrow(() -> new InvalidInputException(
        "ModelSource.broadcast reads a version's files from a file-system store, not a "
        + store.getClass().getSimpleName()));
    ModelVersion v = store.get(reference);
    VersionFiles files = readVersion(root, v);
    Broadcast<VersionFiles> shipped = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(files);
    return new ModelSource(v.name(), v.version(), files.digests(), shipped, null);
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
    try (ModelStore store = ModelStore.open(storeRoot)) {
      Path root = store.directory().orElseThrow();
      ModelVersion v = store.get(reference);
      VersionFiles files = readVersion(root, v);
      return new ModelSource(v.name(), v.version(), files.digests(), null, root.toString());
    }
  }

  /** A broadcast source whose shipped files are {@code files} (tests: a corrupted broadcast). */
  ModelSource withShippedFiles(SparkSession spark, VersionFiles shipped) {
    return new ModelSource(name, version, digests,
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(shipped), null);
  }

  /** The files this source would ship, read again from its broadcast (tests). */
  VersionFiles shippedFiles() {
    return files.value();
  }

  private static VersionFiles readVersion(Path root, ModelVersion v) {
    Path dir = root.resolve(v.name()).resolve(Integer.toString(v.version()));
    List<String> names = new ArrayList<>(v.files().keySet());
    names.add(METADATA_FILE);
    VersionFiles files;
    try {
      files = VersionFiles.read(dir, names);
    } catch (IOException e) {
      throw new StoreException("cannot read the files of " + v.reference() + ": " + e, e);
    }
    Map<String, String> actual = files.digests();
    for (Map.Entry<String, String> e : v.files().entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        throw new IntegrityException("file '" + e.getKey() + "' of " + v.reference() + " has SHA-256 "
            + actual.get(e.getKey()) + ", but the store recorded " + e.getValue());
      }
    }
    return files;
  }

  /** The model name. */
  public String name() {
    return name;
  }

  /** The version number the reference resolved to. */
  public int version() {
    return version;
  }

  /** The SHA-256 of the version's {@code maas-version.json}: the identity of its content. */
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
    return name + ":" + version + (files != null ? " (broadcast" : " (shared store " + storeRoot) + ", sha256 "
        + sha256 + ")";
  }

  /**
   * Opens the model in this JVM: from the shared store, or by checking the broadcast files and
   * writing them to a local directory that is removed once the model is open. The caller owns the
   * model.
   */
  Model openHere() {
    ModelReference ref = ModelReference.ofVersion(name, version);
    if (files == null) {
      try (ModelStore store = ModelStore.open(Path.of(storeRoot))) {
        checkMetadata(store.directory().orElseThrow());
        return store.open(ref);
      }
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory(localDirectory(), "maas-model-");
      files.value().verifyAndWrite(digests, "model " + name + ":" + version,
          dir.resolve(name).resolve(Integer.toString(version)));
      try (ModelStore store = ModelStore.open(dir)) {
        return store.open(ref);
      }
    } catch (IOException e) {
      throw new StoreException("cannot write model " + name + ":" + version + " to local disk: " + e, e);
    } finally {
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  private void checkMetadata(Path root) {
    Path file = root.resolve(name).resolve(Integer.toString(version)).resolve(METADATA_FILE);
    try {
      String actual = VersionFiles.sha256(Files.readAllBytes(file));
      if (!actual.equals(sha256)) {
        throw new IntegrityException("model " + name + ":" + version + " in the shared store at " + root
            + " is not the version the driver resolved: its " + METADATA_FILE + " has SHA-256 " + actual
            + ", expected " + sha256);
      }
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + " on this executor: " + e, e);
    }
  }

  private static Path localDirectory() {
    if (SparkEnv.get() != null) {
      Path root = Path.of(SparkFiles.getRootDirectory());
      if (Files.isDirectory(root)) {
        return root;
      }
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.getLogger(ModelSource.class.getName()).log(System.Logger.Level.WARNING,
          "cannot remove the local copy of a model at " + dir + ": " + e);
    }
  }
}
