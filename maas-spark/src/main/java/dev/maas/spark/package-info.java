/**
 * MaaS on Apache Spark: scoring any stored model on a DataFrame, and distributed linear fits.
 */
package dev.maas.spark;
