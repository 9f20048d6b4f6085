/**
 * The MaaS API. {@link dev.maas.Tensor}s flow through a {@link dev.maas.Predictor} that a {@link
 * dev.maas.Model} provides; models are kept in a {@link dev.maas.ModelStore} under versioned,
 * aliased names ({@link dev.maas.ModelReference}); {@link dev.maas.ModelStore#open(java.nio.file.Path)}
 * is where most programs start. A {@link dev.maas.BatchingPredictor} merges concurrent requests
 * into batches. Explanations live in {@link dev.maas.explain}.
 * Every exception is a {@link dev.maas.MaasException}.
 */
package dev.maas;
