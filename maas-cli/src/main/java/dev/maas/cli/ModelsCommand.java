package dev.maas.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.maas.AliasTarget;
import dev.maas.InvalidInputException;
import dev.maas.Lineage;
import dev.maas.ModelNotFoundException;
import dev.maas.ModelReference;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.StoreCheck;
import dev.maas.StoreException;
import dev.maas.TensorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code maas models}: look at and manage what a store holds. */
@Command(
    name = "models",
    description = "List, inspect, alias and delete stored models.",
    mixinStandardHelpOptions = true,
    footerHeading = "%nExamples:%n",
    footer = {"  maas models list --store maas-store", "  maas models show demo@production --store maas-store --json"},
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.SetAlias.class,
      ModelsCommand.RemoveAlias.class,
      ModelsCommand.Delete.class,
    })
final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List every model with its versions and aliases; damaged versions and alias tables are listed "
          + "with the reason, and the rest of the store stays usable.",
      footerHeading = "%nExample:%n", footer = "  maas models list --store maas-store --json")
  static final class ListModels implements java.util.concurrent.Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    /** What the listing found for one model. */
    private record Row(String name, List<Integer> versions, Map<String, AliasTarget> aliases, String aliasDamage) {}

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<Row> rows = new ArrayList<>();
      List<StoreCheck.Damage> damage;
      try (ModelStore s = store.open()) {
        for (String name : s.models()) {
          List<Integer> versions = s.versions(name).stream().map(ModelVersion::version).toList();
          Map<String, AliasTarget> aliases = Map.of();
          String aliasDamage = null;
          try {
            aliases = s.aliasTargets(name);
          } catch (StoreException e) {
            aliasDamage = e.getMessage();
          }
          rows.add(new Row(name, versions, aliases, aliasDamage));
        }
        damage = s.check().damage();
      }
      if (json) {
        out.println(JsonOutput.write(j -> {
          j.writeStartObject();
          j.writeStringField("store", store.toString());
          j.writeArrayFieldStart("models");
          for (Row row : rows) {
            j.writeStartObject();
            j.writeStringField("name", row.name());
            j.writeArrayFieldStart("versions");
            for (int v : row.versions()) {
              j.writeNumber(v);
            }
            j.writeEndArray();
            if (!row.versions().isEmpty()) {
              j.writeNumberField("latest", row.versions().get(row.versions().size() - 1));
            }
            j.writeObjectFieldStart("aliases");
            for (Map.Entry<String, AliasTarget> e : row.aliases().entrySet()) {
              j.writeNumberField(e.getKey(), e.getValue().primary());
            }
            j.writeEndObject();
            if (row.aliases().values().stream().anyMatch(t -> !t.isPlain())) {
              j.writeObjectFieldStart("splits"); // aliases keeps each alias's primary version, as before splits
              for (Map.Entry<String, AliasTarget> e : row.aliases().entrySet()) {
                if (!e.getValue().isPlain()) {
                  j.writeObjectFieldStart(e.getKey());
                  writeSplit(j, e.getValue());
                  j.writeEndObject();
                }
              }
              j.writeEndObject();
            }
            j.writeEndObject();
          }
          j.writeEndArray();
          j.writeArrayFieldStart("damaged");
          for (StoreCheck.Damage d : damage) {
            j.writeStartObject();
            j.writeStringField("model", d.model());
            if (d.version().isPresent()) {
              j.writeNumberField("version", d.version().getAsInt());
            }
            j.writeStringField("reason", d.reason());
            j.writeEndObject();
          }
          j.writeEndArray();
          j.writeEndObject();
        }));
        return 0;
      }
      if (rows.isEmpty()) {
        out.println("no models in " + store);
        return 0;
      }
      out.printf("%-24s %8s %8s  %s%n", "MODEL", "VERSIONS", "LATEST", "ALIASES");
      for (Row row : rows) {
        String latest = row.versions().isEmpty() ? "-" : row.versions().get(row.versions().size() - 1).toString();
        String aliases = row.aliasDamage() != null ? "(damaged)" : aliases(row.aliases());
        out.printf("%-24s %8d %8s  %s%n", row.name(), row.versions().size(), latest, aliases);
      }
      if (!damage.isEmpty()) {
        out.println();
        out.println("DAMAGED (the rest of the store works; restore these files or delete the versions)");
        for (StoreCheck.Damage d : damage) {
          String what = d.version().isPresent() ? d.model() + ":" + d.version().getAsInt() : d.model() + " aliases";
          out.printf("  %-22s %s%n", what, Failures.oneLine(d.reason()));
        }
      }
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show what the store records about a version.",
      footerHeading = "%nExamples:%n",
      footer = {"  maas models show demo --store maas-store", "  maas models show demo:2 --store maas-store --json"})
  static final class Show implements java.util.concurrent.Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
    String reference;

    @Option(names = "--json", description = "Print the record as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ModelVersion v;
      Map<String, AliasTarget> aliases;
      String aliasDamage = null;
      try (ModelStore s = store.open()) {
        v = References.resolve(s, reference);
        Map<String, AliasTarget> found = Map.of();
        try {
          found = s.aliasTargets(v.name());
        } catch (StoreException e) {
          aliasDamage = e.getMessage();
        }
        aliases = found;
      }
      List<String> pointing = aliases.entrySet().stream().filter(e -> e.getValue().references(v.version()))
          .map(Map.Entry::getKey).toList();
      List<String> described = aliases.entrySet().stream().filter(e -> e.getValue().references(v.version()))
          .map(e -> e.getKey() + role(e.getValue(), v.version())).toList();
      if (json) {
        out.println(JsonOutput.write(j -> writeVersion(j, v, pointing)));
        return 0;
      }
      out.println(v.reference());
      row(out, "format", v.format());
      row(out, "created", v.createdAt().toString());
      row(out, "description", v.description());
      row(out, "inputs", specs(v.signature().inputs()));
      row(out, "outputs", specs(v.signature().outputs()));
      row(out, "files", v.files().entrySet().stream().map(e -> e.getKey() + " sha256:" + e.getValue())
          .collect(Collectors.joining(", ")));
      row(out, "metrics", join(v.metrics()));
      row(out, "parameters", join(v.parameters()));
      row(out, "tags", join(v.tags()));
      row(out, "lineage", lineage(v.lineage()));
      row(out, "aliases", aliasDamage != null ? "(damaged: " + aliasDamage + ")" : String.join(", ", described));
      return 0;
    }

    private static void row(PrintWriter out, String key, String value) {
      out.printf("  %-12s %s%n", key, value.strip());
    }

    private static String specs(List<TensorSpec> specs) {
      return specs.stream().map(t -> t.name() + " " + t.describe()).collect(Collectors.joining(", "));
    }

    private static String join(Map<String, ?> map) {
      return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
  }

  /** The lineage in words, leaving out what was not recorded (an imported model has no training data). */
  static String lineage(Lineage lineage) {
    List<String> parts = new ArrayList<>();
    String data = (lineage.dataSource() + " " + lineage.dataFingerprint()).strip();
    if (!data.isEmpty()) {
      parts.add(data);
    }
    if (lineage.rowCount() >= 0) {
      parts.add(lineage.rowCount() + " rows");
    }
    if (!lineage.libraryVersion().isBlank()) {
      parts.add("maas " + lineage.libraryVersion());
    }
    return String.join(", ", parts);
  }

  static void writeVersion(JsonGenerator j, ModelVersion v, List<String> aliases) throws IOException {
    j.writeStartObject();
    j.writeStringField("reference", v.reference().toString());
    j.writeStringField("name", v.name());
    j.writeNumberField("version", v.version());
    j.writeStringField("format", v.format());
    j.writeStringField("created", v.createdAt().toString());
    j.writeStringField("description", v.description());
    j.writeFieldName("inputs");
    specs(j, v.signature().inputs());
    j.writeFieldName("outputs");
    specs(j, v.signature().outputs());
    j.writeObjectFieldStart("files");
    for (Map.Entry<String, String> e : v.files().entrySet()) {
      j.writeStringField(e.getKey(), e.getValue());
    }
    j.writeEndObject();
    j.writeObjectFieldStart("metrics");
    for (Map.Entry<String, Double> e : v.metrics().entrySet()) {
      j.writeFieldName(e.getKey());
      JsonOutput.number(j, e.getValue());
    }
    j.writeEndObject();
    strings(j, "parameters", v.parameters());
    strings(j, "tags", v.tags());
    j.writeObjectFieldStart("lineage");
    j.writeStringField("data_source", v.lineage().dataSource());
    j.writeStringField("data_fingerprint", v.lineage().dataFingerprint());
    if (v.lineage().rowCount() >= 0) {
      j.writeNumberField("row_count", v.lineage().rowCount());
    }
    j.writeStringField("library_version", v.lineage().libraryVersion());
    j.writeEndObject();
    j.writeArrayFieldStart("aliases");
    for (String alias : aliases) {
      j.writeString(alias);
    }
    j.writeEndArray();
    j.writeEndObject();
  }

  private static void specs(JsonGenerator j, List<TensorSpec> specs) throws IOException {
    dev.maas.internal.Json.writeSpecs(j, specs);
  }

  private static void strings(JsonGenerator j, String field, Map<String, String> map) throws IOException {
    j.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : map.entrySet()) {
      j.writeStringField(e.getKey(), e.getValue());
    }
    j.writeEndObject();
  }

  @Command(name = "alias", mixinStandardHelpOptions = true,
      description = {"Point an alias of a model at a version, or split its traffic between versions by weight,"
          + " optionally with a shadow version that gets a copy of the traffic (creating or moving it in one step).",
          "A server sends each request to one version of the split; a shadow's answers",
          "are only compared with the live ones, never returned (docs/multi-model.md)."},
      footerHeading = "%nExamples:%n", footer = {"  maas models alias demo production 2 --store maas-store",
          "  maas models alias demo production --split 3=90,4=10 --store maas-store",
          "  maas models alias demo production 3 --shadow 5 --store maas-store"})
  static final class SetAlias implements java.util.concurrent.Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the model name")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "the alias, for example production")
    String alias;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION",
        description = "the version number (or give --split)")
    Integer version;

    @Option(names = "--split", paramLabel = "V=W,...",
        description = "Split the traffic: version=weight pairs, weights positive whole numbers, for example 3=90,4=10.")
    String split;

    @Option(names = "--shadow", paramLabel = "VERSION",
        description = "A version that receives a copy of the alias's traffic off the request path; given alone, it is "
            + "added to the alias as it is.")
    Integer shadow;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      if (version != null && split != null) {
        throw new ParameterException(spec.commandLine(), "give VERSION or --split, not both");
      }
      if (version == null && split == null && shadow == null) {
        throw new ParameterException(spec.commandLine(), "give VERSION, --split V=W,... or --shadow VERSION");
      }
      AliasTarget live = version != null ? AliasTarget.of(requirePositive(version, "VERSION"))
          : split != null ? AliasTarget.split(parseSplit(split)) : null;
      AliasTarget previous;
      AliasTarget target;
      try (ModelStore s = store.open()) {
        // what is missing is named first (the closest names, what exists), before anything is read
        List<Integer> named = new ArrayList<>(live == null ? List.of() : live.versions());
        if (shadow != null) {
          named.add(requirePositive(shadow, "--shadow"));
        }
        for (int v : named) {
          ModelReference ref = ModelReference.parse(name + ":" + v);
          if (s.find(ref).isEmpty()) {
            throw new ModelNotFoundException(References.explain(s, ref));
          }
        }
        if (live == null) {
          ModelReference aliased = ModelReference.parse(name + "@" + alias);
          if (s.find(aliased).isEmpty()) {
            throw new ModelNotFoundException(References.explain(s, aliased)); // --shadow alone needs the alias
          }
        }
        previous = aliasTarget(s, name, alias);
        if (live == null) {
          live = previous.withoutShadow();
        }
        try {
          target = shadow == null ? live : live.withShadow(shadow);
        } catch (InvalidInputException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        s.setAlias(name, alias, target);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JsonOutput.write(j -> {
          j.writeStartObject();
          j.writeStringField("model", name);
          j.writeStringField("alias", alias);
          j.writeNumberField("version", target.primary());
          if (!target.isPlain()) {
            writeSplit(j, target);
          }
          if (previous != null) {
            j.writeNumberField("previous_version", previous.primary());
          }
          j.writeEndObject();
        }));
      } else {
        String now = target.isPlain() ? name + ":" + target.primary() : target.toString();
        String was = previous == null || previous.equals(target) ? ""
            : " (was " + (previous.isPlain() ? name + ":" + previous.primary() : previous.toString()) + ")";
        out.println(name + "@" + alias + " -> " + now + was);
      }
      return 0;
    }

    private int requirePositive(int value, String what) {
      if (value < 1) {
        throw new ParameterException(spec.commandLine(), what + " must be a version number (1 or more), got " + value);
      }
      return value;
    }

    /** Parses {@code 3=90,4=10}; every mistake is a usage error naming the pair. */
    private Map<Integer, Integer> parseSplit(String text) {
      Map<Integer, Integer> weights = new java.util.TreeMap<>();
      for (String pair : text.split(",", -1)) {
        String[] parts = pair.trim().split("=", -1);
        int v;
        int w;
        try {
          if (parts.length != 2) {
            throw new NumberFormatException();
          }
          v = Integer.parseInt(parts[0].trim());
          w = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
          throw new ParameterException(spec.commandLine(), "--split '" + text + "': '" + pair.trim()
              + "' is not VERSION=WEIGHT; write whole numbers such as 3=90,4=10");
        }
        if (v < 1) {
          throw new ParameterException(spec.commandLine(), "--split '" + text + "': version " + v
              + " must be 1 or more");
        }
        if (w < 1 || w > AliasTarget.MAX_WEIGHT) {
          throw new ParameterException(spec.commandLine(), "--split '" + text + "': weight of version " + v
              + " must be a whole number from 1 to " + AliasTarget.MAX_WEIGHT + ", got " + w);
        }
        if (weights.put(v, w) != null) {
          throw new ParameterException(spec.commandLine(), "--split '" + text + "' names version " + v + " twice");
        }
      }
      return weights;
    }

    private static AliasTarget aliasTarget(ModelStore s, String name, String alias) {
      try {
        return s.aliasTargets(name).get(alias);
      } catch (StoreException e) {
        return null; // a damaged table is replaced by the write, which reports any failure itself
      }
    }
  }

  /** Writes {@code "split": {"3": 90, ...}} and {@code "shadow": 5} when there is one. */
  static void writeSplit(JsonGenerator j, AliasTarget target) throws IOException {
    j.writeObjectFieldStart("split");
    for (Map.Entry<Integer, Integer> w : target.weights().entrySet()) {
      j.writeNumberField(Integer.toString(w.getKey()), w.getValue());
    }
    j.writeEndObject();
    if (target.shadow().isPresent()) {
      j.writeNumberField("shadow", target.shadow().getAsInt());
    }
  }

  @Command(name = "unalias", mixinStandardHelpOptions = true, description = "Remove an alias of a model.",
      footerHeading = "%nExample:%n", footer = "  maas models unalias demo staging --store maas-store")
  static final class RemoveAlias implements java.util.concurrent.Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the model name")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "the alias to remove")
    String alias;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      boolean removed;
      try (ModelStore s = store.open()) {
        ModelReference ref = ModelReference.parse(name + "@" + alias);
        if (!s.models().contains(name) || !s.aliases(name).containsKey(alias)) {
          throw new ModelNotFoundException(References.explain(s, ref)); // the closest names, the aliases there are
        }
        removed = s.removeAlias(name, alias);
      }
      if (!removed) { // removed by another process since
        throw new Failures.CommandFailedException("model '" + name + "' has no alias '" + alias
            + "'; 'maas models list --store " + store + "' shows its aliases");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(json ? JsonOutput.write(j -> {
        j.writeStartObject();
        j.writeStringField("model", name);
        j.writeStringField("removed_alias", alias);
        j.writeEndObject();
      }) : "removed " + name + "@" + alias);
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete one version of a model. A version an alias points at is kept unless --force is given, "
          + "which removes those aliases too.",
      footerHeading = "%nExamples:%n",
      footer = {"  maas models delete demo:1 --store maas-store", "  maas models delete demo:2 --force --store maas-store"})
  static final class Delete implements java.util.concurrent.Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME:VERSION", description = "the version to delete")
    String reference;

    @Option(names = "--force", description = "Also remove the aliases that point at the version.")
    boolean force;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      ModelReference ref = ModelReference.parse(reference);
      if (ref.version().isEmpty()) {
        throw new IllegalArgumentException("delete needs NAME:VERSION (for example " + ref.name() + ":1), got '"
            + reference + "'");
      }
      int version = ref.version().getAsInt();
      List<String> removedAliases;
      try (ModelStore s = store.open()) {
        if (s.find(ref).isEmpty() && (!s.models().contains(ref.name())
            || s.versions(ref.name()).stream().noneMatch(v -> v.version() == version))) {
          throw new ModelNotFoundException(References.explain(s, ref)); // what the store holds instead
        }
        Map<String, Integer> aliases = s.aliases(ref.name());
        removedAliases = aliases.entrySet().stream().filter(e -> e.getValue() == version).map(Map.Entry::getKey)
            .sorted().toList();
        if (!removedAliases.isEmpty() && !force) {
          throw new Failures.CommandFailedException("cannot delete " + ref + ": alias"
              + (removedAliases.size() > 1 ? "es " : " ") + String.join(", ", removedAliases)
              + (removedAliases.size() > 1 ? " point" : " points") + " at it; move "
              + (removedAliases.size() > 1 ? "them" : "it") + " with 'maas models alias', or add --force to delete "
              + "the version and remove " + (removedAliases.size() > 1 ? "them" : "it"));
        }
        try {
          if (force) {
            s.forceDelete(ref.name(), version);
          } else {
            s.delete(ref.name(), version);
          }
        } catch (ModelNotFoundException e) {
          throw new ModelNotFoundException(e.getMessage() + "; 'maas models list --store " + store
              + "' shows what there is");
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JsonOutput.write(j -> {
          j.writeStartObject();
          j.writeStringField("deleted", ref.toString());
          j.writeArrayFieldStart("removed_aliases");
          for (String a : removedAliases) {
            j.writeString(a);
          }
          j.writeEndArray();
          j.writeEndObject();
        }));
      } else {
        out.println("deleted " + ref + (removedAliases.isEmpty() ? "" : " and its aliases " + removedAliases));
      }
      return 0;
    }
  }

  /** {@code production=3 canary={3=90,4=10;shadow=5}}: a plain alias as its version, a split in braces. */
  static String aliases(Map<String, AliasTarget> aliases) {
    return aliases.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue().isPlain()
        ? Integer.toString(e.getValue().primary())
        : "{" + e.getValue().toString().replace(" shadow ", ";shadow=") + "}")).collect(Collectors.joining(" "));
  }

  /** How {@code version} takes part in {@code target}: nothing for a plain alias, its share, or shadow. */
  private static String role(AliasTarget target, int version) {
    if (target.isPlain()) {
      return "";
    }
    Integer weight = target.weights().get(version);
    return weight == null ? " (shadow)" : " (" + weight + " of " + target.totalWeight() + ")";
  }
}
