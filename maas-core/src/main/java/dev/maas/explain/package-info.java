/**
 * Explanations of predictions: Shapley values of each feature. The entry point is {@link
 * dev.maas.explain.Explainer}, which attributes a model's outputs to its features against a {@link
 * dev.maas.explain.Background} and returns {@link dev.maas.explain.Explanation}s, exactly or by
 * Kernel SHAP ({@link dev.maas.explain.ExplainMethod}). A version's background is kept in the
 * store as the extra file {@link dev.maas.explain.Background#FILE_NAME}.
 */
package dev.maas.explain;
