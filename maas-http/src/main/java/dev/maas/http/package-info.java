/**
 * The Open Inference Protocol (KServe V2) over HTTP. {@link dev.maas.http.InferenceServer} serves
 * the models of a {@link dev.maas.ModelStore} (or models the application opened) on the JDK HTTP
 * server; {@link dev.maas.http.InferenceJson} reads and writes the protocol's JSON into the values
 * {@link dev.maas.http.InferenceRequest}, {@link dev.maas.http.InferenceResponse} and {@link
 * dev.maas.http.InferenceTensor}, for the server, clients and the command line alike.
 */
package dev.maas.http;
