/**
 * Protobuf classes generated from the subset of {@code onnx.proto} that MaaS reads and writes.
 * Internal to the module: not exported.
 */
package dev.maas.onnx.proto;
