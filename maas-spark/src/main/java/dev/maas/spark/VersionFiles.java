package dev.maas.spark;

import dev.maas.IntegrityException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes of every file of one stored model version (the artifact files and the store's
 * {@code maas-version.json}), as a broadcast carries them to executors.
 *
 * <p>Instances are immutable once built and safe to share between threads.
 */
final class VersionFiles implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TreeMap<String, byte[]> files;

  VersionFiles(Map<String, byte[]> files) {
    this.files = new TreeMap<>();
    files.forEach((name, bytes) -> this.files.put(checkedName(name), bytes.clone()));
  }

  /**
   * {@code name} if it is a safe file name of a version (as recorded in {@code maas-version.json}):
   * relative, made of plain segments, none empty, {@code .} or {@code ..}, no backslash or NUL. The
   * one check every reader and writer of version files uses.
   *
   * @throws IntegrityException for any other name
   */
  static String checkedName(String name) {
    boolean ok = name != null && !name.isEmpty() && !name.startsWith("/") && name.indexOf('\\') < 0
        && name.indexOf('\0') < 0 && !(name.length() > 1 && name.charAt(1) == ':');
    if (ok) {
      for (String segment : name.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      throw new IntegrityException("maas-version.json names the file '" + name + "', which is not a relative path "
          + "inside the version; refusing it");
    }
    return name;
  }

  /** Reads {@code names} from the version directory {@code dir}. */
  static VersionFiles read(Path dir, Iterable<String> names) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (String name : names) {
      out.put(name, Files.readAllBytes(dir.resolve(checkedName(name))));
    }
    return new VersionFiles(out);
  }

  /** File name to lower-case hex SHA-256 of its bytes. */
  Map<String, String> digests() {
    Map<String, String> out = new TreeMap<>();
    files.forEach((name, bytes) -> out.put(name, sha256(bytes)));
    return out;
  }

  /**
   * Checks every file against {@code expected} (file name to SHA-256), then writes them into
   * {@code dir}.
   *
   * @throws IntegrityException naming {@code what} and the first file that is missing, extra or
   *     altered
   */
  void verifyAndWrite(Map<String, String> expected, String what, Path dir) throws IOException {
    if (!files.keySet().equals(new TreeMap<>(expected).keySet())) {
      throw new IntegrityException(what + ": the broadcast holds files " + files.keySet() + ", expected "
          + new TreeMap<>(expected).keySet());
    }
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      String actual = sha256(e.getValue());
      if (!actual.equals(expected.get(e.getKey()))) {
        throw new IntegrityException(what + ": file '" + e.getKey() + "' of the broadcast has SHA-256 " + actual
            + ", expected " + expected.get(e.getKey()) + "; refusing to load it");
      }
    }
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path target = dir.resolve(checkedName(e.getKey()));
      Files.createDirectories(target.getParent());
      Files.write(target, e.getValue());
    }
  }

  /** A copy in which one byte of file {@code name} is flipped (to test the checksum). */
  VersionFiles withFlippedByte(String name, int index) {
    Map<String, byte[]> copy = new TreeMap<>(files);
    byte[] bytes = copy.get(name).clone();
    bytes[index] ^= 1;
    copy.put(name, bytes);
    return new VersionFiles(copy);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
