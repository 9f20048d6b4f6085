/**
 * A model store on S3-compatible object storage, shared by many replicas: {@code
 * dev.maas.store.s3.S3Store} opens one from {@code dev.maas.store.s3.S3StoreOptions}, and {@code
 * ModelStore.open(URI.create("s3://bucket/prefix"), settings)} finds it through {@code
 * dev.maas.spi.StoreProvider}.
 */
@SuppressWarnings("module") // the name ends in a digit, as the service's does
module dev.maas.store.s3 {
  requires transitive dev.maas.core;
  requires com.fasterxml.jackson.core;
  requires software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.identity.spi;
  requires software.amazon.awssdk.retries.api;

  exports dev.maas.store.s3;

  provides dev.maas.spi.StoreProvider with dev.maas.store.s3.S3StoreProvider;
}
