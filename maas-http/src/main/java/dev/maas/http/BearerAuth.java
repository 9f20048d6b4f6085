package dev.maas.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * Bearer-token authentication: a request passes when its {@code Authorization: Bearer T} names
 * one of the configured tokens. Tokens are compared as SHA-256 digests with {@link
 * MessageDigest#isEqual} against every configured token, so the time taken says nothing about
 * which bytes matched. Immutable and thread-safe.
 */
final class BearerAuth {
  private final List<byte[]> digests;

  BearerAuth(Collection<String> tokens) {
    this.digests = tokens.stream().map(BearerAuth::digest).toList();
  }

  boolean enabled() {
    return !digests.isEmpty();
  }

  /** Whether {@code authorization} (the header's value, or null) carries a configured token. */
  boolean permits(String authorization) {
    if (digests.isEmpty()) {
      return true;
    }
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = digest(authorization.substring(7).trim());
    boolean match = false;
    for (byte[] d : digests) {
      match |= MessageDigest.isEqual(d, given);
    }
    return match;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
