/**
 * Drift monitoring: the reference statistics a version records of its training data ({@link
 * dev.maas.monitor.ReferenceStatistics}, built in one pass by {@link
 * dev.maas.monitor.ReferenceBuilder}), and the in-process {@link dev.maas.monitor.DriftMonitor} that
 * counts live inputs and outputs in the reference's bins over a sliding window and compares the two
 * distributions (population stability index, Jensen-Shannon distance, Kolmogorov-Smirnov statistic).
 */
package dev.maas.monitor;
