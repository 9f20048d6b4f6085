/**
 * Linear regression: {@link dev.maas.linear.LinearRegressionTrainer} fits a {@link
 * dev.maas.linear.LinearRegressionModel} (ordinary least squares or ridge) in memory or over a
 * stream of rows, with a {@link dev.maas.linear.FitReport} of the usual statistics; {@link
 * dev.maas.linear.RegressionMetrics} and {@link dev.maas.linear.DataSplit} evaluate models on
 * held-out data; {@link dev.maas.linear.LinearFormat} stores models in a {@link dev.maas.ModelStore}.
 */
package dev.maas.linear;
