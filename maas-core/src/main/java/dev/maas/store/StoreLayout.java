package dev.maas.store;

import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.ModelReference;
import dev.maas.ModelVersion;
import dev.maas.StoreCheck;
import dev.maas.StoreException;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a file-system store keeps what, and reading it: {@code <root>/<model>/<version>/} holds a
 * version's files and its record {@code maas-version.json}, {@code <root>/<model>/aliases.json} the
 * model's alias table. Reads only; immutable and thread-safe.
 */
final class StoreLayout {
  static final String ALIASES_FILE = "aliases.json";
  private static final Pattern VERSION_DIR = Pattern.compile("[1-9][0-9]{0,8}");

  private final Path root;

  /** The layout under {@code root}, a real absolute path. */
  StoreLayout(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** Whether {@code name} is the name of a version directory. */
  static boolean isVersionDirName(String name) {
    return VERSION_DIR.matcher(name).matches();
  }

  /** The directory of model {@code name}, refusing names that would lead out of the store. */
  Path modelDir(String name) {
    Path dir = root.resolve(ModelReference.requireValidName(name, "model name")).normalize();
    if (!dir.getParent().equals(root)) {
      throw new InvalidInputException("model name '" + name + "' does not name a directory inside the store");
    }
    return dir;
  }

  Path versionDir(String name, int version) {
    return modelDir(name).resolve(Integer.toString(version));
  }

  /** The names of the models that have at least one version, sorted. */
  List<String> models() {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (isValidName(name) && !listVersionNumbers(dir).isEmpty()) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list store " + root + ": " + e, e, at(root));
    }
    names.sort(null);
    return List.copyOf(names);
  }

  private static boolean isValidName(String name) {
    try {
      ModelReference.requireValidName(name, "model name");
      return true;
    } catch (InvalidInputException e) {
      return false;
    }
  }

  /** The version numbers of {@code name}, ascending; empty if the model is unknown. */
  List<Integer> versionNumbers(String name) {
    try {
      return listVersionNumbers(modelDir(name));
    } catch (IOException e) {
      throw new StoreException("cannot list versions of '" + name + "': " + e, e, at(root));
    }
  }

  static List<Integer> listVersionNumbers(Path modelDir) throws IOException {
    List<Integer> numbers = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modelDir)) {
      for (Path dir : dirs) {
        String file = dir.getFileName().toString();
        if (isVersionDirName(file) && Files.isDirectory(dir)) {
          numbers.add(Integer.parseInt(file));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    numbers.sort(null);
    return numbers;
  }

  /** The record of version {@code version} of {@code name}; empty if there is no such version. */
  Optional<ModelVersion> readVersion(String name, int version) {
    Path file = versionDir(name, version).resolve(AbstractModelStore.METADATA_FILE);
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      if (Files.isDirectory(file.getParent())) {
        throw new IntegrityException(file + " is missing", null, at(root));
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e, e, at(root));
    }
    ModelVersion v;
    try {
      v = MetadataJson.readVersion(json, file.toString());
    } catch (IntegrityException e) {
      throw new IntegrityException(e.getMessage(), e.getCause(), at(file));
    }
    if (!v.name().equals(name) || v.version() != version) {
      throw new IntegrityException(file + " describes " + v.reference() + ", not " + name + ":" + version, null, at(root));
    }
    return Optional.of(v);
  }

  /** The alias table of {@code name}; empty if none. */
  Map<String, dev.maas.AliasTarget> readAliases(String name) {
    Path file = modelDir(name).resolve(ALIASES_FILE);
    try {
      return MetadataJson.readAliases(Files.readAllBytes(file), file.toString());
    } catch (IntegrityException e) {
      throw new IntegrityException(e.getMessage(), e.getCause(), at(file));
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e, e, at(root));
    }
  }

  /** Every version record and alias table that cannot be read; see {@link dev.maas.ModelStore#check()}. */
  StoreCheck check() {
    List<StoreCheck.Damage> found = new ArrayList<>();
    for (String name : models()) {
      for (int number : versionNumbers(name)) {
        try {
          readVersion(name, number);
        } catch (StoreException e) {
          found.add(new StoreCheck.Damage(name, OptionalInt.of(number), e.getMessage()));
        }
      }
      try {
        readAliases(name);
      } catch (StoreException e) {
        found.add(new StoreCheck.Damage(name, OptionalInt.empty(), e.getMessage()));
      }
    }
    return new StoreCheck(found);
  }

  /** Reads the files of {@code version} from its directory. */
  ArtifactReader reader(ModelVersion version) {
    Path dir = versionDir(version.name(), version.version());
    if (!Files.isDirectory(dir)) {
      throw AbstractModelStore.noVersion(version.name(), version.version());
    }
    return new ArtifactReader() {
      @Override
      public String location() {
        return dir.toString();
      }

      @Override
      public Set<String> fileNames() {
        return version.files().keySet();
      }

      @Override
      public InputStream open(String fileName) throws IOException {
        if (!ArtifactWriter.isValidFileName(fileName)) {
          throw new NoSuchFileException(fileName, null, "not a valid artifact file name");
        }
        return Files.newInputStream(dir.resolve(fileName));
      }

      @Override
      public Optional<Path> directory() {
        return Optional.of(dir);
      }
    };
  }

  /** Context naming {@code path}, so that public messages show no path of this machine. */
  static MaasException.Context at(Path path) {
    return MaasException.Context.ofFile(path);
  }
}
