package dev.maas;

import java.util.Objects;
import java.util.Optional;

/**
 * A change to a model store: a version published or deleted, an alias set, moved or removed.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param type what happened
 * @param model the model name
 * @param version the version published or deleted, or the version the alias now points at (for
 *     {@link Type#ALIAS_REMOVED}, the one it pointed at; for a split alias, its {@linkplain
 *     AliasTarget#primary() primary} version)
 * @param alias the alias, for alias events
 */
public record StoreEvent(Type type, String model, int version, Optional<String> alias) {
  /** The kinds of change. */
  public enum Type {
    VERSION_PUBLISHED,
    VERSION_DELETED,
    ALIAS_SET,
    ALIAS_REMOVED
  }

  /** Validates the components. */
  public StoreEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(alias, "alias");
    boolean aliasEvent = type == Type.ALIAS_SET || type == Type.ALIAS_REMOVED;
    if (aliasEvent != alias.isPresent()) {
      throw new InvalidInputException(type + " events " + (aliasEvent ? "need" : "have no") + " alias");
    }
  }
}
