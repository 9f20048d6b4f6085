package dev.maas.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes that survive a crash: files forced to disk before they become visible, replacements by
 * atomic rename, directories synced after renames. Stateless; safe from any thread.
 */
final class DurableFiles {
  private static final System.Logger LOG = System.getLogger(DurableFiles.class.getName());

  /** Prefix of a file being written for {@link #writeAtomically}; debris if found under the model lock. */
  static final String TEMP_PREFIX = ".tmp-";

  private DurableFiles() {}

  /** Creates {@code file}, which must not exist, and returns a stream that forces its content to disk when closed. */
  static OutputStream create(Path file) throws IOException {
    return new SyncingOutputStream(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  /** Creates {@code file} holding {@code content}, forced to disk. */
  static void writeDurably(Path file, byte[] content) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /** Replaces {@code dir/name} with {@code content} so that readers see the old or the new file whole. */
  static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
    Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      writeDurably(temp, content);
      Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(dir);
  }

  /** Forces {@code dir}'s entries to disk, where the platform can. */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open or sync directories; renames there are durable anyway.
      LOG.log(System.Logger.Level.DEBUG, "cannot sync directory " + dir, e);
    }
  }

  /** Deletes {@code path} and everything under it; nothing if it does not exist. */
  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Forces the file's content to disk when closed. */
  private static final class SyncingOutputStream extends OutputStream {
    private final FileChannel channel;
    private final OutputStream out;

    SyncingOutputStream(FileChannel channel) {
      this.channel = channel;
      this.out = Channels.newOutputStream(channel);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (channel.isOpen()) {
        try {
          channel.force(true);
        } finally {
          channel.close();
        }
      }
    }
  }
}
