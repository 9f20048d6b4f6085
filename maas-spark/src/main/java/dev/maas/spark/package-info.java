/**
 * MaaS on Apache Spark: scoring any stored model on a DataFrame, and distributed linear fits. The
 * entry point is {@link dev.maas.spark.MaasSpark}; a {@link dev.maas.spark.ModelSource} says how
 * executors get the model (a broadcast {@link dev.maas.ModelBundle}, or a shared store) and {@link
 * dev.maas.spark.ScoringOptions} which columns are scored.
 */
package dev.maas.spark;
