/**
 * JMH benchmarks of the MaaS backends against the baselines a user would compare them with (raw
 * ONNX Runtime, DJL, commons-math3, EJML, hand-written loops). Results and how they were run are in
 * {@code docs/benchmarks.md}.
 */
package dev.maas.benchmarks;
