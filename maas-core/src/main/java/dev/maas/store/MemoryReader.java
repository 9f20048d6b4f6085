package dev.maas.store;

import dev.maas.spi.ArtifactReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads artifact files held in memory, file name to bytes; the map is not copied and not changed. */
final class MemoryReader implements ArtifactReader {
  private final String location;
  private final Map<String, byte[]> files;

  MemoryReader(String location, Map<String, byte[]> files) {
    this.location = location;
    this.files = files;
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
    return Optional.empty();
  }
}
