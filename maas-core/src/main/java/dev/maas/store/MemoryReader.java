package dev.maas.store;

import dev.maas.spi.ArtifactReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads artifact files held in memory, file name to bytes; the map is not copied and not changed.
 * It may name the directory the bytes were read (and checked) from, for formats that report where a
 * model lives; its files are still only these bytes.
 */
final class MemoryReader implements ArtifactReader {
  private final String location;
  private final Map<String, byte[]> files;
  private final Optional<Path> directory;

  MemoryReader(String location, Map<String, byte[]> files) {
    this(location, files, Optional.empty());
  }

  MemoryReader(String location, Map<String, byte[]> files, Optional<Path> directory) {
    this.location = location;
    this.files = files;
    this.directory = directory;
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public Set<String> fileNames() {
    return files.keySet();
  }

  @Override
  public InputStream open(String fileName) throws NoSuchFileException {
    byte[] bytes = files.get(fileName);
    if (bytes == null) {
      throw new NoSuchFileException(location + "/" + fileName);
    }
    return new ByteArrayInputStream(bytes);
  }

  @Override
  public Optional<Path> directory() {
    return directory;
  }
}
