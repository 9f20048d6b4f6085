package dev.maas.store.s3;

import dev.maas.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Artifact files on local disk, each under the name of its SHA-256 ({@code blobs/<sha256>}), so
 * versions that share a file share its copy and nothing is fetched twice. A file is checked
 * against its name before each use, and fetched again if it does not match. When the files
 * exceed the size bound, the least recently used go. Formats that read files by path get a
 * directory of links named as the artifact names them ({@code dirs/<key>/}). Several processes
 * may share one cache directory: every file appears by an atomic rename. Thread-safe.
 */
final class ContentCache {
  private static final System.Logger LOG = System.getLogger(ContentCache.class.getName());
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");

  private final Path blobs;
  private final Path dirs;
  private final Path temp;
  private final long maxBytes;

  /** Fetches a file into {@code target}, returning the SHA-256 of what it wrote, or empty if it is gone. */
  @FunctionalInterface
  interface Fetcher {
    Optional<String> fetch(Path target);
  }

  ContentCache(Path root, long maxBytes) {
    this.blobs = root.resolve("blobs");
    this.dirs = root.resolve("dirs");
    this.temp = root.resolve("tmp");
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(blobs);
      Files.createDirectories(dirs);
      Files.createDirectories(temp);
    } catch (IOException e) {
      throw new StoreException("cannot create the S3 store's cache in " + root + ": " + e, e,
          dev.maas.MaasException.Context.ofFile(root));
    }
  }

  /**
   * The cached file with SHA-256 {@code sha256}, fetched with {@code fetcher} if it is not cached
   * or its copy no longer matches.
   *
   * @return the file, or empty if the fetcher found nothing
   * @throws StoreException if what was fetched does not match {@code sha256} (the stored object was altered)
   */
  Optional<Path> get(String sha256, String what, Fetcher fetcher) throws IOException {
    if (!SHA.matcher(sha256).matches()) {
      throw new StoreException(what + ": recorded SHA-256 '" + sha256 + "' is malformed");
    }
    Path file = blobs.resolve(sha256);
    if (Files.isRegularFile(file)) {
      String actual;
      try (InputStream in = Files.newInputStream(file)) {
        actual = ObjectClient.sha256(in);
      } catch (NoSuchFileException e) {
        actual = "";
      }
      if (actual.equals(sha256)) {
        touch(file);
        return Optional.of(file);
      }
      LOG.log(System.Logger.Level.WARNING, "cached copy of " + what + " was altered; fetching it again");
      Files.deleteIfExists(file);
    }
    Path part = temp.resolve(UUID.randomUUID() + ".part");
    try {
      Optional<String> got = fetcher.fetch(part);
      if (got.isEmpty()) {
        return Optional.empty();
      }
      if (!got.get().equals(sha256)) {
        throw new dev.maas.IntegrityException(what + " was altered in the object store: SHA-256 " + got.get()
            + ", recorded " + sha256);
      }
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(part);
    }
    evict(file);
    return Optional.of(file);
  }

  /**
   * A directory holding {@code files} (artifact name to cached file) under their artifact names, as
   * hard links where the file system allows, copies otherwise.
   */
  Path directory(Map<String, Path> files) throws IOException {
    StringBuilder id = new StringBuilder();
    new TreeMap<>(files).forEach((name, file) -> id.append(name).append('=').append(file.getFileName()).append('\n'));
    var sha = ObjectClient.sha256();
    String key = HexFormat.of().formatHex(sha.digest(id.toString().getBytes(StandardCharsets.UTF_8)));
    Path dir = dirs.resolve(key);
    if (complete(dir, files)) {
      return dir;
    }
    Path building = temp.resolve(UUID.randomUUID() + ".dir");
    Files.createDirectory(building);
    try {
      for (Map.Entry<String, Path> f : files.entrySet()) {
        Path link = building.resolve(f.getKey());
        try {
          Files.createLink(link, f.getValue());
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f.getValue(), link);
        }
      }
      if (Files.exists(dir)) {
        deleteRecursively(dir);
      }
      try {
        Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        // another thread or process built the same directory meanwhile
      }
    } finally {
      deleteRecursively(building);
    }
    return dir;
  }

  private static boolean complete(Path dir, Map<String, Path> files) {
    for (Map.Entry<String, Path> f : files.entrySet()) {
      try {
        Path link = dir.resolve(f.getKey());
        if (!Files.isRegularFile(link) || Files.size(link) != Files.size(f.getValue())) {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot mark " + file + " as used", e);
    }
  }

  /** Removes least recently used files, never {@code keep}, until the cache is within its bound. */
  private void evict(Path keep) throws IOException {
    record Entry(Path file, long size, FileTime used) {}
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(blobs)) {
      for (Path file : stream) {
        try {
          long size = Files.size(file);
          entries.add(new Entry(file, size, Files.getLastModifiedTime(file)));
          total += size;
        } catch (NoSuchFileException e) {
          // evicted by another process meanwhile
        }
      }
    }
    if (total <= maxBytes) {
      return;
    }
    entries.sort(Comparator.comparing(Entry::used));
    boolean removed = false;
    for (Entry e : entries) {
      if (total <= maxBytes) {
        break;
      }
      if (!e.file().equals(keep)) {
        Files.deleteIfExists(e.file());
        total -= e.size();
        removed = true;
      }
    }
    if (removed) {
      // Directories hold links to files that may have gone; they are rebuilt on the next use.
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dirs)) {
        for (Path dir : stream) {
          deleteRecursively(dir);
        }
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
