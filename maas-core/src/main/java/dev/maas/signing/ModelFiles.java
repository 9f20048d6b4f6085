package dev.maas.signing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a model directory as OMS's {@code files} serialization sees them: every regular
 * file below the directory, named by its path relative to it with {@code /} separators, except the
 * ignored paths (a path is ignored when it or one of its parent directories is listed). Symbolic
 * links are refused. Stateless and thread-safe.
 */
final class ModelFiles {
  private ModelFiles() {}

  /** File name to SHA-256 (lower-case hex), sorted by name. */
  static Map<String, String> digests(Path directory, Collection<String> ignorePaths) {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      throw new SignatureVerificationException(directory + " is not a directory");
    }
    List<String> ignored = ignorePaths.stream().map(ModelFiles::normalise).toList();
    Map<String, String> out = new TreeMap<>();
    try {
      Files.walkFileTree(directory, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return dir.equals(directory) || !isIgnored(name(directory, dir), ignored)
              ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String name = name(directory, file);
          if (isIgnored(name, ignored)) {
            return FileVisitResult.CONTINUE;
          }
          if (attrs.isSymbolicLink()) {
            throw new SignatureVerificationException("model file " + name + " is a symbolic link;"
                + " signed models may hold regular files only");
          }
          if (!attrs.isRegularFile()) {
            throw new SignatureVerificationException("model file " + name + " is not a regular file");
          }
          try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            out.put(name, sha256(in));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new SignatureVerificationException("cannot read the model directory " + directory + ": " + e, e);
    }
    return out;
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest digest = OmsBundle.sha256();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) > 0; ) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static boolean isIgnored(String name, List<String> ignored) {
    for (String i : ignored) {
      if (name.equals(i) || name.startsWith(i + "/")) {
        return true;
      }
    }
    return false;
  }

  private static String name(Path root, Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  static String normalise(String path) {
    String p = path.replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.endsWith("/") && p.length() > 1) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
