package dev.maas;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What {@link ModelStore#check()} found: every part of the store that cannot be read, by model and
 * then version (a model's alias table after its versions); empty when the store is healthy.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param damage the damaged parts, in that order
 */
public record StoreCheck(List<Damage> damage) {
  /** Copies the list. */
  public StoreCheck {
    damage = List.copyOf(damage);
  }

  /** Whether nothing is damaged. */
  public boolean healthy() {
    return damage.isEmpty();
  }

  /**
   * A part of the store that cannot be read: a version whose record ({@code maas-version.json}) is
   * missing or malformed, or a model's damaged alias table.
   *
   * <p>Instances are immutable and safe to share between threads.
   *
   * @param model the model the damaged part belongs to
   * @param version the damaged version, or empty when the model's alias table is damaged
   * @param reason what is wrong, naming the file
   */
  public record Damage(String model, OptionalInt version, String reason) {
    /** Validates the components. */
    public Damage {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
