package dev.maas.store;

import dev.maas.IntegrityException;
import dev.maas.MaasException;
import dev.maas.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The per-model lock that serialises version numbering, alias changes and deletion across threads
 * and processes ({@code <model>/.lock}), and the version numbers it guards ({@code
 * <model>/.last-version}, so that a deleted number is never given out again). Stateless apart from
 * the process-wide lock table; safe from any thread.
 */
final class ModelLocks {
  private static final String LOCK_FILE = ".lock";
  private static final String LAST_VERSION_FILE = ".last-version";

  /** Prefix of a version directory renamed away for deletion; debris if found under the model lock. */
  static final String DELETED_PREFIX = ".deleted-";

  /**
   * File locks belong to the whole JVM, so threads of one process are serialised by an in-process
   * lock per lock file before taking the file lock; the map is shared by every store instance.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

  private ModelLocks() {}

  /** Work done while holding a model's lock. */
  @FunctionalInterface
  interface LockedAction<T> {
    T run(Path modelDir) throws IOException;
  }

  /**
   * Runs {@code action} holding the lock of {@code modelDir} (created if missing), after removing
   * what interrupted operations left there.
   */
  static <T> T withModelLock(Path modelDir, LockedAction<T> action) throws IOException {
    Files.createDirectories(modelDir);
    Path lockPath = modelDir.resolve(LOCK_FILE);
    ReentrantLock processLock = PROCESS_LOCKS.computeIfAbsent(lockPath, p -> new ReentrantLock());
    processLock.lock();
    try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.lock();
      try {
        removeDebris(modelDir);
        return action.run(modelDir);
      } finally {
        lock.release();
      }
    } finally {
      processLock.unlock();
    }
  }

  /**
   * Removes what interrupted operations left behind. Runs under the model lock, so temporary files
   * and deleted directories are no one's; a staging directory is debris only when its lock file is
   * free (its writer died).
   */
  private static void removeDebris(Path modelDir) throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(modelDir)) {
      entries = list.toList();
    }
    for (Path entry : entries) {
      String file = entry.getFileName().toString();
      if (file.startsWith(DELETED_PREFIX) || file.startsWith(DurableFiles.TEMP_PREFIX)) {
        DurableFiles.deleteRecursively(entry);
      } else {
        StagingDirectory.removeIfAbandoned(modelDir, entry);
      }
    }
  }

  /** The number the next version of the model in {@code modelDir} gets. Call under its lock. */
  static int nextNumber(Path modelDir) throws IOException {
    int max = Math.max(readLastNumber(modelDir),
        StoreLayout.listVersionNumbers(modelDir).stream().mapToInt(i -> i).max().orElse(0));
    if (max == Integer.MAX_VALUE) {
      throw new StoreException("model directory " + modelDir + " has run out of version numbers", null,
          MaasException.Context.ofFile(modelDir.getParent()));
    }
    return max + 1;
  }

  /** Records {@code number} as the highest number given out. Call under the model's lock. */
  static void writeLastNumber(Path modelDir, int number) throws IOException {
    DurableFiles.writeAtomically(modelDir, LAST_VERSION_FILE,
        Integer.toString(number).getBytes(StandardCharsets.US_ASCII));
  }

  private static int readLastNumber(Path modelDir) throws IOException {
    Path file = modelDir.resolve(LAST_VERSION_FILE);
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (!StoreLayout.isVersionDirName(text)) {
        throw new IntegrityException(file + " is malformed: '" + text + "'", null, MaasException.Context.ofFile(modelDir));
      }
      return Integer.parseInt(text);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
