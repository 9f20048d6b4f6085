package dev.maas.http;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes the server's token file ({@link InferenceServer.Builder#bearerTokensFile}): each token is
 * stored only as its SHA-256 with a label and its scopes, so the file gives away no token. A
 * running server picks up the change without a restart.
 *
 * <p>Stateless and thread-safe; two processes adding tokens at the same moment may lose one line,
 * so token administration is one operator at a time.
 */
public final class TokenFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenFile() {}

  /**
   * Creates a new random token (256 bits), appends its hashed line to {@code file} (created,
   * readable by its owner only, if missing) and returns the token, which is shown nowhere else.
   *
   * @param label a name for the token in the file (letters, digits, '.', '_', '-')
   * @param modelPatterns the models the token may use (names or globs with {@code *} and {@code ?})
   * @param permissions what else it may do
   * @throws InvalidInputException if the label, a pattern or the existing file is not valid
   * @throws MaasException if the file cannot be written
   */
  public static String addToken(Path file, String label, Collection<String> modelPatterns,
      Set<TokenPermission> permissions) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(permissions, "permissions");
    if (!label.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new InvalidInputException("token label '" + label + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    List<String> patterns = List.copyOf(modelPatterns);
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = "maas_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    StringBuilder line = new StringBuilder(label).append(' ').append("sha256:")
        .append(HexFormat.of().formatHex(TokenTable.sha256(token)));
    if (!patterns.isEmpty()) {
      line.append(" models=").append(String.join(",", patterns));
    }
    for (TokenPermission p : permissions.stream().sorted().collect(Collectors.toList())) {
      line.append(' ').append(p.word());
    }
    try {
      String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
          : "# MaaS access tokens: LABEL sha256:DIGEST [models=GLOB,...] [repository] [metrics] [explain]\n";
      if (!existing.isEmpty() && !existing.endsWith("\n")) {
        existing += "\n";
      }
      String updated = existing + line + "\n";
      try {
        TokenTable.parse(updated);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("token file " + file + " " + e.getMessage());
      }
      Path dir = file.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, ".tokens", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // a file system without POSIX permissions: the directory's own rules apply
        }
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new MaasException("cannot write the token file " + file + ": " + e.getMessage(), e);
    }
    return token;
  }
}
