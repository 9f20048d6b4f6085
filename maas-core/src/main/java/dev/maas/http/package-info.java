/**
 * The Open Inference Protocol (KServe V2) over HTTP: {@link dev.maas.http.InferenceJson} reads
 * inference requests and writes responses and errors as the protocol's JSON, into the values
 * {@link dev.maas.http.InferenceRequest}, {@link dev.maas.http.InferenceResponse} and {@link
 * dev.maas.http.InferenceTensor}, for the HTTP adapter and the command line alike.
 */
package dev.maas.http;
