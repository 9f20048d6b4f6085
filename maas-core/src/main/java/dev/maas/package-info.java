/**
 * The MaaS API. {@link dev.maas.Tensor}s flow through a {@link dev.maas.Predictor} that a {@link
 * dev.maas.Model} provides; models are kept in a {@link dev.maas.ModelStore} under versioned,
 * aliased names ({@link dev.maas.ModelReference}). An {@link dev.maas.Explainer} attributes a
 * model's predictions to its features (Shapley values) against a {@link dev.maas.Background}.
 * Every exception is a {@link dev.maas.MaasException}.
 */
package dev.maas;
