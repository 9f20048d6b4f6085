package dev.maas.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Words for usage errors: which argument is an option the command does not have, and which of its
 * options, models or other names a misspelt one most likely means. Stateless.
 */
final class UsageErrors {
  private UsageErrors() {}

  /**
   * The message for the first argument of {@code args} that looks like a long option but is none
   * of {@code command}'s (nor of the commands above it), or null when there is none.
   */
  static String unknownOption(CommandSpec command, String[] args) {
    List<String> known = new ArrayList<>();
    for (CommandSpec c = command; c != null; c = c.parent()) {
      for (OptionSpec o : c.options()) {
        known.addAll(List.of(o.names()));
      }
    }
    for (String arg : args) {
      if (arg.equals("--")) {
        return null;
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        continue;
      }
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (!known.contains(name)) {
        List<String> near = closest(name, known.stream().filter(k -> k.startsWith("--")).toList(), 1);
        return "unknown option '" + name + "' for '" + command.qualifiedName() + "'"
            + (near.isEmpty() ? "" : "; did you mean " + near.get(0) + "?");
      }
    }
    return null;
  }

  /**
   * The at most {@code limit} names of {@code candidates} closest to {@code word} (case-insensitive
   * edit distance, ties in the candidates' order), among those close enough to be a misspelling: a
   * distance of at most a third of the longer word, at least 2, or one name containing the other.
   */
  static List<String> closest(String word, List<String> candidates, int limit) {
    String w = word.toLowerCase(Locale.ROOT);
    record Scored(String name, int distance) {}
    List<Scored> scored = new ArrayList<>();
    for (String c : candidates) {
      String lower = c.toLowerCase(Locale.ROOT);
      int d = distance(w, lower);
      boolean near = d <= Math.max(2, Math.max(w.length(), lower.length()) / 3)
          || (w.length() >= 3 && (lower.contains(w) || w.contains(lower)));
      if (near) {
        scored.add(new Scored(c, d));
      }
    }
    return scored.stream().sorted(Comparator.comparingInt(Scored::distance)).limit(limit).map(Scored::name).toList();
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
