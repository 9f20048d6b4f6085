package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Pins what every MaaS module exports, read from the compiled module descriptors: the API surface
 * changes only when this list is changed with it.
 */
class ExportedPackagesTest {
  @Test
  void everyModule_exportsExactlyItsApiPackages() throws IOException {
    Map<String, Set<String>> exports = new TreeMap<>();
    Enumeration<URL> descriptors = getClass().getClassLoader().getResources("module-info.class");
    while (descriptors.hasMoreElements()) {
      try (InputStream in = descriptors.nextElement().openStream()) {
        ModuleDescriptor module = ModuleDescriptor.read(in);
        if (module.name().startsWith("dev.maas.")) {
          Set<String> packages = new TreeSet<>();
          for (ModuleDescriptor.Exports e : module.exports()) {
            packages.add(e.source() + (e.isQualified() ? " to " + new TreeSet<>(e.targets()) : ""));
          }
          exports.put(module.name(), packages);
        }
      }
    }

    assertThat(exports).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "dev.maas.core", Set.of("dev.maas", "dev.maas.explain", "dev.maas.spi", "dev.maas.monitor", "dev.maas.signing",
            "dev.maas.encryption",
            "dev.maas.internal to [dev.maas.cli, dev.maas.http, dev.maas.linear]"),
        "dev.maas.linear", Set.of("dev.maas.linear"),
        "dev.maas.onnx", Set.of("dev.maas.onnx"),
        "dev.maas.http", Set.of("dev.maas.http"),
        "dev.maas.bench", Set.of("dev.maas.bench"),
        "dev.maas.store.s3", Set.of("dev.maas.store.s3"),
        "dev.maas.cli", Set.of())));
  }
}
