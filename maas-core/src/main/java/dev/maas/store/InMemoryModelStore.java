package dev.maas.store;

import dev.maas.AliasTarget;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.internal.Sha256;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * A {@link ModelStore} in this process's memory: the same rules as the file-system store, nothing
 * kept after the process ends. Thread-safe; every primitive holds the store's monitor.
 */
final class InMemoryModelStore extends AbstractModelStore {
  private final Map<String, Entry> models = new HashMap<>();

  private static final class Entry {
    final TreeMap<Integer, Stored> versions = new TreeMap<>();
    final TreeMap<String, AliasTarget> aliases = new TreeMap<>();
    int lastNumber;
  }

  private record Stored(ModelVersion version, Map<String, byte[]> files) {}

  InMemoryModelStore(Formats formats) {
    super(formats);
  }

  /** Artifact files held as byte arrays until committed. */
  private static final class MemoryStaging implements Staging {
    private final Map<String, ByteArrayOutputStream> files = new LinkedHashMap<>();

    @Override
    public ArtifactWriter writer() {
      return fileName -> {
        checkFileName(fileName);
        if (files.containsKey(fileName)) {
          throw duplicateFile(fileName);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.put(fileName, out);
        return out;
      };
    }

    @Override
    public Map<String, String> digests() {
      Map<String, String> digests = new TreeMap<>();
      files.forEach((file, bytes) -> digests.put(file, Sha256.of(bytes.toByteArray())));
      return digests;
    }

    Map<String, byte[]> contents() {
      Map<String, byte[]> out = new TreeMap<>();
      files.forEach((file, bytes) -> out.put(file, bytes.toByteArray()));
      return out;
    }

    @Override
    public void discard() {
      files.clear();
    }
  }

  @Override
  Staging stage(String name) {
    return new MemoryStaging();
  }

  @Override
  synchronized ModelVersion commit(String name, Staging staging, IntFunction<ModelVersion> record) {
    ensureOpen();
    Entry entry = models.computeIfAbsent(name, n -> new Entry());
    int number = Math.max(entry.lastNumber, entry.versions.isEmpty() ? 0 : entry.versions.lastKey()) + 1;
    ModelVersion version = record.apply(number);
    entry.versions.put(number, new Stored(version, Map.copyOf(((MemoryStaging) staging).contents())));
    entry.lastNumber = number;
    return version;
  }

  @Override
  public synchronized List<String> models() {
    ensureOpen();
    return models.entrySet().stream().filter(e -> !e.getValue().versions.isEmpty()).map(Map.Entry::getKey)
        .sorted().toList();
  }

  @Override
  synchronized List<Integer> versionNumbers(String name) {
    Entry entry = models.get(name);
    return entry == null ? List.of() : List.copyOf(entry.versions.keySet());
  }

  @Override
  synchronized Optional<ModelVersion> readVersion(String name, int version) {
    Entry entry = models.get(name);
    return Optional.ofNullable(entry == null ? null : entry.versions.get(version)).map(Stored::version);
  }

  @Override
  synchronized Map<String, AliasTarget> readAliases(String name) {
    Entry entry = models.get(name);
    return entry == null ? Map.of() : new TreeMap<>(entry.aliases);
  }

  @Override
  synchronized ArtifactReader reader(ModelVersion version) {
    Entry entry = models.get(version.name());
    Stored stored = entry == null ? null : entry.versions.get(version.version());
    if (stored == null) {
      throw noVersion(version.name(), version.version());
    }
    Map<String, byte[]> files = stored.files();
    return new MemoryReader("memory:" + version.reference(), files);
  }

  @Override
  synchronized void writeAlias(String name, String alias, AliasTarget target) {
    Entry entry = models.get(name);
    requireVersions(name, target, v -> entry != null && entry.versions.containsKey(v));
    entry.aliases.put(alias, target);
  }

  @Override
  synchronized Optional<AliasTarget> deleteAlias(String name, String alias) {
    Entry entry = models.get(name);
    return Optional.ofNullable(entry == null ? null : entry.aliases.remove(alias));
  }

  @Override
  synchronized Map<String, Integer> deleteVersion(String name, int version, boolean removeAliases) {
    Entry entry = models.get(name);
    if (entry == null || !entry.versions.containsKey(version)) {
      throw noVersion(name, version);
    }
    Map<String, Integer> pointing = naming(entry.aliases, version);
    if (!pointing.isEmpty() && !removeAliases) {
      throw aliasedVersion(name, version, entry.aliases);
    }
    pointing.keySet().forEach(entry.aliases::remove);
    entry.versions.remove(version);
    return pointing;
  }

  @Override
  public String toString() {
    return "InMemoryModelStore" + models();
  }
}
