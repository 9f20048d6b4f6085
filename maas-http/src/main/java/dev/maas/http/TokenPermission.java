package dev.maas.http;

/**
 * What an access token may do besides inferring with the models its patterns name: the repository
 * extension (index, load, unload), reading {@code /metrics}, and asking for explanations.
 */
public enum TokenPermission {
  /** {@code POST /v2/repository/index} and {@code .../load}, {@code .../unload} (for the token's models). */
  REPOSITORY("repository"),
  /** {@code GET /metrics}. */
  METRICS("metrics"),
  /** {@code POST /v2/models/NAME/explain} (for the token's models). */
  EXPLAIN("explain");

  private final String word;

  TokenPermission(String word) {
    this.word = word;
  }

  /** The word that names the permission in a token file. */
  public String word() {
    return word;
  }
}
