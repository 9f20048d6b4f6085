package dev.maas.store;

import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.ModelVersion;
import dev.maas.StoreException;
import dev.maas.spi.ModelFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/** The model formats one store knows, by name. Immutable and thread-safe. */
final class Formats {
  private static final Pattern FORMAT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  private final Map<String, ModelFormat> byName;

  Formats(List<ModelFormat> formats) {
    Map<String, ModelFormat> map = new LinkedHashMap<>();
    for (ModelFormat format : formats) {
      String name = Objects.requireNonNull(format, "format").name();
      if (name == null || !FORMAT_NAME.matcher(name).matches()) {
        throw new InvalidInputException("format " + format.getClass().getName() + " has invalid name '" + name + "'");
      }
      if (map.putIfAbsent(name, format) != null && map.get(name).getClass() != format.getClass()) {
        throw new InvalidInputException("two formats are named '" + name + "': "
            + map.get(name).getClass().getName() + " and " + format.getClass().getName());
      }
    }
    this.byName = Map.copyOf(map);
  }

  /** The formats {@link ServiceLoader} finds through the thread's context class loader. */
  static Formats discover() {
    List<ModelFormat> found = new ArrayList<>();
    ServiceLoader.load(ModelFormat.class).forEach(found::add);
    found.sort(Comparator.comparing(ModelFormat::name));
    return new Formats(found);
  }

  Optional<ModelFormat> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }

  /** The format that writes {@code model}: the one {@code requested} names, else the first that can. */
  ModelFormat forWriting(Model model, Optional<String> requested) {
    if (requested.isPresent()) {
      ModelFormat format = byName(requested.get()).orElseThrow(() -> new StoreException(
          "unknown format '" + requested.get() + "'; this store knows " + names()));
      if (!format.canWrite(model)) {
        throw new StoreException("format '" + format.name() + "' cannot write a " + model.getClass().getName());
      }
      return format;
    }
    return names().stream()
        .map(byName::get)
        .filter(f -> f.canWrite(model))
        .findFirst()
        .orElseThrow(() -> new StoreException("no model format can write a " + model.getClass().getName()
            + "; this store knows " + names()));
  }

  /** Opens a loose artifact file with the first format that recognizes it. */
  Model open(java.nio.file.Path file) {
    Objects.requireNonNull(file, "file");
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new ModelLoadException("cannot open model file " + file + ": no such file", null,
          MaasException.Context.ofFile(file));
    }
    ModelFormat format = names().stream().map(byName::get).filter(f -> f.recognizes(file)).findFirst()
        .orElseThrow(() -> new ModelLoadException("no model format recognizes " + file + "; formats on the class path: "
            + names(), null, MaasException.Context.ofFile(file)));
    try {
      return format.open(file);
    } catch (ModelLoadException e) {
      throw e.context().file().isPresent() ? e
          : new ModelLoadException(e.getMessage(), e, MaasException.Context.ofFile(file));
    } catch (java.io.IOException | RuntimeException e) {
      throw new ModelLoadException("cannot open " + file + " as format '" + format.name() + "': " + e, e,
          MaasException.Context.ofFile(file));
    }
  }

  /** The format recorded for {@code version}, or a {@link ModelLoadException} naming what is known. */
  ModelFormat forReading(ModelVersion version) {
    return byName(version.format()).orElseThrow(() -> new ModelLoadException(
        version.reference() + " was written in format '" + version.format() + "', which is not on the class path; known: "
            + names()));
  }
}
