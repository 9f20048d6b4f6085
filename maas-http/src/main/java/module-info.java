/**
 * The Open Inference Protocol over HTTP: the protocol's JSON codec and {@link
 * dev.maas.http.InferenceServer}, which serves models from a model store on the JDK HTTP server.
 */
module dev.maas.http {
  requires transitive dev.maas.core;
  requires com.fasterxml.jackson.core;
  requires jdk.httpserver;
  requires io.prometheus.metrics.core;
  requires io.prometheus.writer.text;
  requires io.prometheus.metrics.instrumentation.jvm;
  requires io.prometheus.metrics.model;

  exports dev.maas.http;
}
