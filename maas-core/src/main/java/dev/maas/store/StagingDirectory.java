package dev.maas.store;

import dev.maas.internal.Sha256;
import dev.maas.spi.ArtifactWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hidden directory {@code <model>/.staging-<id>} that a version's files are written into, and the
 * locked file {@code .staging-<id>.lock} that tells other processes it is in use. Its writer uses
 * it from one thread; {@link #removeIfAbandoned} runs under the model lock.
 */
final class StagingDirectory implements AbstractModelStore.Staging {
  private static final System.Logger LOG = System.getLogger(StagingDirectory.class.getName());
  private static final String PREFIX = ".staging-";
  private static final String LOCK_SUFFIX = ".lock";

  /**
   * Staging lock files this process holds or is about to create. Closing any channel on a locked
   * file drops the whole process's POSIX lock on it, so the debris check must never open these.
   */
  private static final Set<Path> OWN_LOCKS = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final Path lockPath;
  private final FileChannel lockChannel;
  private final Set<String> created = new HashSet<>();
  private boolean committed;
  private boolean discarded;

  StagingDirectory(Path modelDir) throws IOException {
    Files.createDirectories(modelDir);
    while (true) {
      String id = UUID.randomUUID().toString();
      Path lock = modelDir.resolve(PREFIX + id + LOCK_SUFFIX);
      OWN_LOCKS.add(lock);
      FileChannel channel;
      try {
        channel = FileChannel.open(lock, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (IOException | RuntimeException e) {
        OWN_LOCKS.remove(lock);
        throw e;
      }
      try {
        channel.lock();
        // A cleaner may have taken the lock file for debris between our create and our lock.
        if (Files.exists(lock)) {
          this.lockPath = lock;
          this.lockChannel = channel;
          this.dir = modelDir.resolve(PREFIX + id);
          Files.createDirectory(dir);
          return;
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        Files.deleteIfExists(lock);
        OWN_LOCKS.remove(lock);
        throw e;
      }
      channel.close();
      OWN_LOCKS.remove(lock);
    }
  }

  /** The directory the files are written into. */
  Path dir() {
    return dir;
  }

  /** Records that the directory was renamed into place, so {@link #discard()} leaves it. */
  void committed() {
    committed = true;
  }

  @Override
  public ArtifactWriter writer() {
    return fileName -> {
      AbstractModelStore.checkFileName(fileName);
      if (!created.add(fileName)) {
        throw AbstractModelStore.duplicateFile(fileName);
      }
      return new BufferedOutputStream(DurableFiles.create(dir.resolve(fileName)), 1 << 16);
    };
  }

  @Override
  public Map<String, String> digests() throws IOException {
    Map<String, String> digests = new TreeMap<>();
    for (String file : created) {
      try (InputStream in = Files.newInputStream(dir.resolve(file))) {
        digests.put(file, Sha256.of(in));
      }
    }
    return digests;
  }

  @Override
  public void discard() {
    if (discarded) {
      return;
    }
    discarded = true;
    try {
      if (!committed) {
        DurableFiles.deleteRecursively(dir);
      }
      lockChannel.close();
      Files.deleteIfExists(lockPath);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove staging area " + dir + "; it is ignored", e);
    } finally {
      OWN_LOCKS.remove(lockPath);
    }
  }

  /**
   * If {@code entry} of {@code modelDir} is a staging lock file whose lock is free (its writer
   * died), removes it and its staging directory. Call under the model lock.
   */
  static void removeIfAbandoned(Path modelDir, Path entry) throws IOException {
    String file = entry.getFileName().toString();
    if (!file.startsWith(PREFIX) || !file.endsWith(LOCK_SUFFIX) || OWN_LOCKS.contains(entry)) {
      return;
    }
    Path dir = modelDir.resolve(file.substring(0, file.length() - LOCK_SUFFIX.length()));
    try (FileChannel channel = FileChannel.open(entry, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        DurableFiles.deleteRecursively(dir);
        Files.deleteIfExists(entry);
      }
    } catch (NoSuchFileException e) {
      // its writer finished meanwhile
    }
  }
}
