package dev.maas.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parsed token file: one token a line, {@code LABEL sha256:HEX [models=GLOB,...] [repository]
 * [metrics] [explain] [all]}, where HEX is the SHA-256 of the token, a glob's {@code *} matches any
 * run of characters and {@code ?} one, and {@code all} stands for {@code models=*} and every
 * permission. Blank lines and lines starting with {@code #} are skipped. A line of one word is a
 * token in plain text with every right (the older format). Immutable and thread-safe.
 */
final class TokenTable {
  /** One token: what it is called in logs, the digest it is recognised by, and its scopes. */
  record Entry(String label, byte[] digest, List<Pattern> models, Set<TokenPermission> permissions, boolean plain) {
    boolean allowsModel(String name) {
      for (Pattern p : models) {
        if (p.matcher(name).matches()) {
          return true;
        }
      }
      return false;
    }
  }

  private final List<Entry> entries;

  private TokenTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  static TokenTable ofPlainTokens(List<String> tokens) {
    List<Entry> entries = new ArrayList<>();
    for (String t : tokens) {
      entries.add(full("token", sha256(t)));
    }
    return new TokenTable(entries);
  }

  private static Entry full(String label, byte[] digest) {
    return new Entry(label, digest, List.of(glob("*")), EnumSet.allOf(TokenPermission.class), false);
  }

  /**
   * Parses a token file's text.
   *
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  static TokenTable parse(String text) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      if (words.length == 1) {
        entries.add(new Entry("line " + (i + 1), sha256(words[0]), List.of(glob("*")),
            EnumSet.allOf(TokenPermission.class), true));
        continue;
      }
      String where = "line " + (i + 1);
      if (!words[1].startsWith("sha256:") || !words[1].substring(7).matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(where + ": the second word must be sha256: and 64 lower-case hex digits"
            + " (the SHA-256 of the token; maas token add writes it)");
      }
      byte[] digest = HexFormat.of().parseHex(words[1].substring(7));
      List<Pattern> models = new ArrayList<>();
      Set<TokenPermission> permissions = EnumSet.noneOf(TokenPermission.class);
      for (int w = 2; w < words.length; w++) {
        String word = words[w];
        if (word.equals("all")) {
          models.add(glob("*"));
          permissions.addAll(EnumSet.allOf(TokenPermission.class));
        } else if (word.startsWith("models=")) {
          for (String g : word.substring(7).split(",", -1)) {
            if (!g.matches("[A-Za-z0-9._*?-]+")) {
              throw new IllegalArgumentException(where + ": model pattern '" + g + "' may hold letters, digits,"
                  + " '.', '_', '-' and the wildcards * and ?");
            }
            models.add(glob(g));
          }
        } else {
          Optional<TokenPermission> p = EnumSet.allOf(TokenPermission.class).stream()
              .filter(x -> x.word().equals(word)).findFirst();
          if (p.isEmpty()) {
            throw new IllegalArgumentException(where + ": unknown scope '" + word
                + "' (known: models=GLOB,..., repository, metrics, explain, all)");
          }
          permissions.add(p.get());
        }
      }
      for (Entry e : entries) {
        if (MessageDigest.isEqual(e.digest(), digest)) {
          throw new IllegalArgumentException(where + ": the same token is listed twice (also as " + e.label() + ")");
        }
      }
      entries.add(new Entry(words[0], digest, List.copyOf(models), permissions, false));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("holds no token");
    }
    return new TokenTable(entries);
  }

  static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString());
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  long plainCount() {
    return entries.stream().filter(Entry::plain).count();
  }

  int size() {
    return entries.size();
  }

  /**
   * The entry whose digest is the SHA-256 of {@code token}. Every entry is compared, in constant
   * time each, so the time taken says nothing about which bytes matched.
   */
  Optional<Entry> find(String token) {
    byte[] given = sha256(token);
    Entry found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest(), given) && found == null) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
