package dev.maas.cli;

import dev.maas.ModelNotFoundException;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Resolves a model reference typed on the command line, and when nothing matches says what exists
 * instead: the closest model names, or the model's aliases, or its versions. Stateless.
 */
final class References {
  /** The most names a message lists. */
  private static final int SHOWN = 10;

  private References() {}

  /**
   * The version {@code reference} names in {@code store}.
   *
   * @throws ModelNotFoundException naming what the store holds when nothing matches
   */
  static ModelVersion resolve(ModelStore store, String reference) {
    ModelReference ref = ModelReference.parse(reference);
    Optional<ModelVersion> found = store.find(ref);
    if (found.isPresent()) {
      return found.get();
    }
    throw new ModelNotFoundException(explain(store, ref));
  }

  /** Why nothing matches {@code ref}, with what exists instead. */
  static String explain(ModelStore store, ModelReference ref) {
    List<String> models = store.models();
    if (!models.contains(ref.name())) {
      if (models.isEmpty()) {
        return "no model '" + ref.name() + "': the store has no models yet";
      }
      List<String> near = UsageErrors.closest(ref.name(), models, 3);
      return "no model '" + ref.name() + "' in the store" + (near.isEmpty() ? ""
          : "; did you mean " + near.stream().map(n -> "'" + n + "'").collect(Collectors.joining(" or ")) + "?")
          + " (models: " + list(models) + ")";
    }
    List<Integer> versions = store.versions(ref.name()).stream().map(ModelVersion::version).toList();
    String versionList = versions.isEmpty() ? "none" : list(versions.stream().map(String::valueOf).toList());
    if (ref.alias().isPresent()) {
      Map<String, Integer> aliases = store.aliases(ref.name());
      String alias = ref.alias().get();
      if (!aliases.containsKey(alias)) {
        List<String> near = UsageErrors.closest(alias, List.copyOf(aliases.keySet()), 1);
        return "model '" + ref.name() + "' has no alias '" + alias + "'"
            + (near.isEmpty() ? "" : "; did you mean '" + ref.name() + "@" + near.get(0) + "'?")
            + " (aliases: " + (aliases.isEmpty() ? "none" : list(aliases.entrySet().stream()
                .map(e -> e.getKey() + " -> " + e.getValue()).toList())) + "; versions: " + versionList + ")";
      }
      return "model '" + ref.name() + "': alias '" + alias + "' points at version " + aliases.get(alias)
          + ", which is missing (versions: " + versionList + ")";
    }
    if (ref.version().isPresent()) {
      return "model '" + ref.name() + "' has no version " + ref.version().getAsInt() + " (versions: " + versionList
          + ")";
    }
    return "model '" + ref.name() + "' has no readable version (versions: " + versionList + ")";
  }

  /** {@code names} joined by ", ", at most {@value #SHOWN} of them. */
  static String list(List<String> names) {
    String shown = String.join(", ", names.subList(0, Math.min(SHOWN, names.size())));
    return names.size() > SHOWN ? shown + ", ... (" + names.size() + " in all)" : shown;
  }
}
