package dev.maas.spi;

import java.util.regex.Pattern;

/** The compiled form of {@link ArtifactWriter#FILE_NAME_RULE}. Stateless and thread-safe. */
final class ArtifactFileNames {
  static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final String METADATA_FILE = "maas-version.json";

  private ArtifactFileNames() {}
}
