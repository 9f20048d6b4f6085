package dev.maas;

import dev.maas.internal.Sha256;
import dev.maas.spi.ModelFormat;
import dev.maas.store.Stores;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One stored model version held whole in memory: its record and the bytes of every file it lists,
 * each checked against the SHA-256 the record holds. A bundle is how a model travels without a
 * store: read it with {@link ModelStore#readBundle}, send its {@link #toBytes()} anywhere (a Spark
 * broadcast, a message, a cache), rebuild it with {@link #fromBytes(byte[])}, which checks every
 * file again, and {@link #open()} the model from memory.
 *
 * <p>Instances are immutable and safe to share between threads; no method hands out its arrays.
 */
public final class ModelBundle {
  private static final byte[] MAGIC = "MAASBNDL".getBytes(StandardCharsets.US_ASCII);
  private static final int LAYOUT = 1;

  private final ModelVersion version;
  private final TreeMap<String, byte[]> files;
  private final byte[] record;
  private final String digest;

  /**
   * A bundle of {@code version} with the content {@code files} (file name to bytes, copied).
   *
   * @throws IntegrityException if the file names are not exactly those of {@link
   *     ModelVersion#files()}, or a file's SHA-256 is not the recorded one
   */
  public ModelBundle(ModelVersion version, Map<String, byte[]> files) {
    this.version = Objects.requireNonNull(version, "version");
    Objects.requireNonNull(files, "files");
    this.files = new TreeMap<>();
    files.forEach((name, bytes) -> this.files.put(Objects.requireNonNull(name, "file name"),
        Objects.requireNonNull(bytes, "bytes").clone()));
    if (!this.files.keySet().equals(version.files().keySet())) {
      throw new IntegrityException(version.reference() + ": the bundle holds files " + this.files.keySet()
          + ", but the version records " + version.files().keySet(), null,
          MaasException.Context.ofModel(version.reference()));
    }
    for (Map.Entry<String, byte[]> file : this.files.entrySet()) {
      if (!dev.maas.spi.ArtifactWriter.isValidFileName(file.getKey())) {
        throw new IntegrityException(version.reference() + ": the bundle names the file '" + file.getKey()
            + "', which is not a valid artifact file name; refusing it", null,
            MaasException.Context.ofModel(version.reference()));
      }
      String actual = Sha256.of(file.getValue());
      String recorded = version.files().get(file.getKey());
      if (!actual.equals(recorded)) {
        throw new IntegrityException(version.reference() + ": file '" + file.getKey() + "' of the bundle has SHA-256 "
            + actual + ", but the version records " + recorded + "; refusing it", null,
            MaasException.Context.ofModel(version.reference()));
      }
    }
    this.record = Stores.versionRecord(version);
    this.digest = Sha256.of(record);
  }

  /** The version's record. */
  public ModelVersion version() {
    return version;
  }

  /** The names of the version's files, sorted. */
  public Set<String> fileNames() {
    return Collections.unmodifiableSet(files.keySet());
  }

  /**
   * A copy of the content of file {@code fileName}.
   *
   * @throws InvalidInputException if the bundle has no such file
   */
  public byte[] file(String fileName) {
    Objects.requireNonNull(fileName, "fileName");
    byte[] bytes = files.get(fileName);
    if (bytes == null) {
      throw new InvalidInputException(version.reference() + " has no file '" + fileName + "'; it has "
          + files.keySet());
    }
    return bytes.clone();
  }

  /**
   * The SHA-256 (lower-case hex) of the version's record, which lists every file's SHA-256: two
   * bundles with the same digest hold the same version with the same content.
   */
  public String digest() {
    return digest;
  }

  /** The total size of the files, in bytes. */
  public long size() {
    long total = 0;
    for (byte[] bytes : files.values()) {
      total += bytes.length;
    }
    return total;
  }

  /**
   * Opens the model from memory with the formats {@link java.util.ServiceLoader} finds. The caller
   * owns the model and closes it.
   *
   * @throws ModelLoadException if the format is not on the class path or the artifact cannot be opened
   */
  public StoredModel open() {
    return Stores.openBundle(version, Collections.unmodifiableMap(files), Stores.discoveredFormats());
  }

  /** Opens the model from memory with exactly {@code formats}; see {@link #open()}. */
  public StoredModel open(List<ModelFormat> formats) {
    Objects.requireNonNull(formats, "formats");
    return Stores.openBundle(version, Collections.unmodifiableMap(files), List.copyOf(formats));
  }

  /** The bundle as bytes, which {@link #fromBytes(byte[])} reads back. */
  public byte[] toBytes() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, size() + 4096));
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.write(MAGIC);
      out.writeInt(LAYOUT);
      out.writeInt(record.length);
      out.write(record);
      out.writeInt(files.size());
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        byte[] name = file.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeInt(name.length);
        out.write(name);
        out.writeInt(file.getValue().length);
        out.write(file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  /**
   * The bundle {@link #toBytes()} wrote, with every file checked again against its recorded SHA-256.
   *
   * @throws IntegrityException if {@code bytes} are not a bundle, are cut short, or a file was altered
   */
  public static ModelBundle fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IntegrityException("not a model bundle: it does not start with " + new String(MAGIC,
            StandardCharsets.US_ASCII));
      }
      int layout = in.getInt();
      if (layout != LAYOUT) {
        throw new IntegrityException("model bundle layout " + layout + " is not known; this library reads " + LAYOUT);
      }
      ModelVersion version = Stores.parseVersionRecord(chunk(in), "model bundle");
      int count = in.getInt();
      if (count < 0 || count > in.remaining()) {
        throw new IntegrityException("model bundle is damaged: it says it holds " + count + " files");
      }
      Map<String, byte[]> files = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        String name = new String(chunk(in), StandardCharsets.UTF_8);
        if (files.put(name, chunk(in)) != null) {
          throw new IntegrityException("model bundle is damaged: it holds file '" + name + "' twice");
        }
      }
      if (in.hasRemaining()) {
        throw new IntegrityException("model bundle is damaged: " + in.remaining() + " bytes follow its last file");
      }
      return new ModelBundle(version, files);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IntegrityException("model bundle is damaged: it ends early (" + bytes.length + " bytes)", e);
    }
  }

  private static byte[] chunk(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new IntegrityException("model bundle is damaged: a part of " + length + " bytes does not fit in the "
          + in.remaining() + " that remain");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }

  /** Bundles are equal when they hold the same version with the same content ({@link #digest()}). */
  @Override
  public boolean equals(Object o) {
    return o instanceof ModelBundle other && digest.equals(other.digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  /** {@code name:version}, its file count, size and digest. */
  @Override
  public String toString() {
    return version.reference() + " (" + files.size() + " files, " + size() + " bytes, sha256 " + digest + ")";
  }
}
