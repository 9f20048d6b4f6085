/**
 * What a model format implements to plug into MaaS: {@link dev.maas.spi.ModelFormat}, found with
 * {@link java.util.ServiceLoader}, reads and writes artifacts through {@link
 * dev.maas.spi.ArtifactReader} and {@link dev.maas.spi.ArtifactWriter}. {@link
 * dev.maas.spi.AffineModel} lets exporters write models that describe themselves as an affine map;
 * {@link dev.maas.spi.ExactShapleyModel} lets a model explain itself exactly.
 */
package dev.maas.spi;
