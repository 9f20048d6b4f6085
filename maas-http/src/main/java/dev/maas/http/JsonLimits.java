package dev.maas.http;

/**
 * What a decoded request may hold: JSON nesting depth and elements per tensor. Immutable.
 *
 * @param maxNestingDepth the deepest JSON nesting accepted
 * @param maxTensorElements the most elements one tensor may hold
 */
record JsonLimits(int maxNestingDepth, int maxTensorElements) {
  static final JsonLimits DEFAULTS = new JsonLimits(64, 16 * 1024 * 1024);

  JsonLimits {
    if (maxNestingDepth < 8) {
      throw new IllegalArgumentException("maxNestingDepth must be at least 8, got " + maxNestingDepth);
    }
    if (maxTensorElements < 1) {
      throw new IllegalArgumentException("maxTensorElements must be positive, got " + maxTensorElements);
    }
  }
}
