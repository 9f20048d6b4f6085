/**
 * Benchmarks of stored models with JMH: what to measure ({@link dev.maas.bench.BenchOptions}), the
 * run ({@link dev.maas.bench.ModelBench}), the JMH benchmark it forks ({@link
 * dev.maas.bench.ModelBenchmark}) and the results ({@link dev.maas.bench.BenchReport}).
 */
package dev.maas.bench;
