package dev.maas.cli;

import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.TensorSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code maas models}: look at and manage what a store holds. */
@Command(
    name = "models",
    description = "List, inspect, alias and delete stored models.",
    mixinStandardHelpOptions = true,
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

  @Command(name = "list", description = "List every model with its versions and aliases.", mixinStandardHelpOptions = true)
  static final class ListModels implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ModelStore s = store.open()) {
        List<String> models = s.models();
        if (models.isEmpty()) {
          out.println("no models in " + store.directory);
          return 0;
        }
        out.printf("%-24s %8s %8s  %s%n", "MODEL", "VERSIONS", "LATEST", "ALIASES");
        for (String name : models) {
          List<ModelVersion> versions = s.versions(name);
          out.printf("%-24s %8d %8d  %s%n", name, versions.size(), versions.get(versions.size() - 1).version(),
              aliases(s.aliases(name)));
        }
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show what the store records about a version.", mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
    String reference;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ModelStore s = store.open()) {
        ModelVersion v = s.get(reference);
        Map<String, Integer> aliases = s.aliases(v.name());
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
        row(out, "lineage", v.lineage().dataSource() + " " + v.lineage().dataFingerprint()
            + (v.lineage().rowCount() >= 0 ? ", " + v.lineage().rowCount() + " rows" : "")
            + ", maas " + v.lineage().libraryVersion());
        row(out, "aliases", aliases.entrySet().stream().filter(e -> e.getValue() == v.version())
            .map(Map.Entry::getKey).collect(Collectors.joining(", ")));
      }
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

  @Command(name = "alias", description = "Point an alias of a model at a version (creating or moving it).",
      mixinStandardHelpOptions = true)
  static final class SetAlias implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the model name")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "the alias, for example production")
    String alias;

    @Parameters(index = "2", paramLabel = "VERSION", description = "the version number")
    int version;

    @Override
    public Integer call() {
      try (ModelStore s = store.open()) {
        s.setAlias(name, alias, version);
      }
      spec.commandLine().getOut().println(name + "@" + alias + " -> " + name + ":" + version);
      return 0;
    }
  }

  @Command(name = "unalias", description = "Remove an alias of a model.", mixinStandardHelpOptions = true)
  static final class RemoveAlias implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the model name")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "the alias to remove")
    String alias;

    @Override
    public Integer call() {
      boolean removed;
      try (ModelStore s = store.open()) {
        removed = s.removeAlias(name, alias);
      }
      if (!removed) {
        spec.commandLine().getErr().println("maas: model '" + name + "' has no alias '" + alias + "'");
        return 1;
      }
      spec.commandLine().getOut().println("removed " + name + "@" + alias);
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete one version of a model.", mixinStandardHelpOptions = true)
  static final class Delete implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME:VERSION", description = "the version to delete")
    String reference;

    @Option(names = "--force", description = "Also remove the aliases that point at the version.")
    boolean force;

    @Override
    public Integer call() {
      dev.maas.ModelReference ref = dev.maas.ModelReference.parse(reference);
      if (ref.version().isEmpty()) {
        throw new IllegalArgumentException("delete needs NAME:VERSION, got '" + reference + "'");
      }
      try (ModelStore s = store.open()) {
        if (force) {
          s.forceDelete(ref.name(), ref.version().getAsInt());
        } else {
          s.delete(ref.name(), ref.version().getAsInt());
        }
      }
      spec.commandLine().getOut().println("deleted " + ref);
      return 0;
    }
  }

  static String aliases(Map<String, Integer> aliases) {
    return aliases.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }
}
