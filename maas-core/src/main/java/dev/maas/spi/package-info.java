/**
 * What a model format implements to plug into MaaS: {@link dev.maas.spi.ModelFormat}, found with
 * {@link java.util.ServiceLoader}, reads and writes artifacts through {@link
 * dev.maas.spi.ArtifactReader} and {@link dev.maas.spi.ArtifactWriter}. {@link
 * dev.maas.spi.AffineModel} lets exporters write models that describe themselves as an affine map;
 * {@link dev.maas.spi.ExactShapleyModel} lets a model explain itself exactly. A module that keeps
 * stores elsewhere than a local directory implements {@link dev.maas.spi.StoreBackend} and
 * registers a {@link dev.maas.spi.StoreProvider}.
 */
package dev.maas.spi;
