package dev.maas;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this MaaS build: the one place it is read. The build writes it into the library
 * (the {@code dev/maas/maas.properties} resource, filtered from the POM's version); the store records
 * it as a version's {@link Lineage#libraryVersion()}, ONNX export as the producer version, and the
 * command line prints it.
 *
 * <p>A constant; safe to read from any thread.
 */
public final class MaasVersion {
  /** The version, for example {@code 0.1.0-SNAPSHOT}. */
  public static final String VERSION = read();

  private MaasVersion() {}

  private static String read() {
    Properties p = new Properties();
    try (InputStream in = MaasVersion.class.getResourceAsStream("maas.properties")) {
      if (in == null) {
        throw new IllegalStateException("dev/maas/maas.properties is missing: this build of maas-core is broken");
      }
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read dev/maas/maas.properties: " + e, e);
    }
    String version = p.getProperty("version", "");
    if (version.isEmpty() || version.contains("${")) {
      throw new IllegalStateException("dev/maas/maas.properties holds no built version: '" + version + "'");
    }
    return version;
  }
}
