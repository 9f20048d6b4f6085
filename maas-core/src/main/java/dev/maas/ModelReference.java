package dev.maas;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A reference to a stored model version, written {@code name} (the latest version), {@code
 * name:3} (version 3) or {@code name@production} (the version alias {@code production} points at).
 * This is the one place such references are parsed and names are validated.
 *
 * <p>Names of models and aliases are 1 to 128 characters: ASCII letters, digits, {@code .}, {@code
 * _} and {@code -}, starting with a letter or digit, not ending with {@code .}, and not a Windows
 * device name ({@code CON}, {@code NUL}, {@code COM1}, ...), so that every valid name is one safe
 * directory name on every common file system and no reference can reach outside a store.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param name the model name
 * @param version the version number, if the reference names one
 * @param alias the alias, if the reference names one
 */
public record ModelReference(String name, OptionalInt version, Optional<String> alias) {
  private static final int MAX_NAME_LENGTH = 128;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Set<String> DEVICE_NAMES = Set.of(
      "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
      "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
      "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

  /** Validates the components. */
  public ModelReference {
    requireValidName(name, "model name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(alias, "alias");
    if (version.isPresent() && alias.isPresent()) {
      throw new InvalidInputException("a reference names a version or an alias, not both");
    }
    if (version.isPresent() && version.getAsInt() < 1) {
      throw new InvalidInputException("version must be 1 or more, got " + version.getAsInt());
    }
    alias.ifPresent(a -> requireValidName(a, "alias"));
  }

  /** The latest version of model {@code name}. */
  public static ModelReference latest(String name) {
    return new ModelReference(name, OptionalInt.empty(), Optional.empty());
  }

  /** Version {@code version} of model {@code name}. */
  public static ModelReference ofVersion(String name, int version) {
    return new ModelReference(name, OptionalInt.of(version), Optional.empty());
  }

  /** The version that alias {@code alias} of model {@code name} points at. */
  public static ModelReference ofAlias(String name, String alias) {
    return new ModelReference(name, OptionalInt.empty(), Optional.of(alias));
  }

  /**
   * Parses {@code name}, {@code name:VERSION} or {@code name@ALIAS}.
   *
   * @throws InvalidInputException if the text is not such a reference or a name is invalid
   */
  public static ModelReference parse(String reference) {
    Objects.requireNonNull(reference, "reference");
    int colon = reference.indexOf(':');
    int at = reference.indexOf('@');
    if (colon >= 0 && at >= 0) {
      throw new InvalidInputException("invalid reference '" + printable(reference) + "': use name:VERSION or name@ALIAS");
    }
    if (colon >= 0) {
      String number = reference.substring(colon + 1);
      if (!number.matches("[0-9]{1,9}")) {
        throw new InvalidInputException(
            "invalid reference '" + printable(reference) + "': version must be a positive integer");
      }
      return ofVersion(reference.substring(0, colon), Integer.parseInt(number));
    }
    if (at >= 0) {
      return ofAlias(reference.substring(0, at), reference.substring(at + 1));
    }
    return latest(reference);
  }

  /**
   * Returns {@code value} if it is a valid model or alias name (see the class description).
   *
   * @param what what the name names, for the message ("model name", "alias")
   * @throws InvalidInputException naming the rule the value breaks
   */
  public static String requireValidName(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(what + " must not be empty");
    }
    if (value.length() > MAX_NAME_LENGTH) {
      throw new InvalidInputException(what + " is " + value.length() + " characters long; at most "
          + MAX_NAME_LENGTH + " are allowed");
    }
    if (!NAME.matcher(value).matches()) {
      throw new InvalidInputException(what + " '" + printable(value)
          + "' is invalid: use letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    if (value.endsWith(".")) {
      throw new InvalidInputException(what + " '" + value + "' must not end with '.'");
    }
    int dot = value.indexOf('.');
    String stem = (dot < 0 ? value : value.substring(0, dot)).toUpperCase(Locale.ROOT);
    if (DEVICE_NAMES.contains(stem)) {
      throw new InvalidInputException(what + " '" + value + "' is a reserved device name on Windows");
    }
    return value;
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == 0x7F) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.length() > 80 ? sb.substring(0, 80) + "..." : sb.toString();
  }

  /** The reference as it is written: {@code name}, {@code name:3} or {@code name@alias}. */
  @Override
  public String toString() {
    if (version.isPresent()) {
      return name + ":" + version.getAsInt();
    }
    return alias.map(a -> name + "@" + a).orElse(name);
  }
}
