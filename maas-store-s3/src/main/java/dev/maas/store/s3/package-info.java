/**
 * A {@link dev.maas.ModelStore} on S3-compatible object storage (AWS S3, MinIO, Ceph, R2, ...):
 * many machines publish to one bucket and many readers follow it. {@link
 * dev.maas.store.s3.S3StoreOptions} says where the store lives and how to reach it; {@link
 * dev.maas.store.s3.S3Store} opens it. Versions are immutable objects written before a small
 * manifest that a create-only write makes visible; aliases move by compare-and-swap; readers keep
 * a local cache keyed by content hash and poll for changes. See {@code docs/store.md}.
 */
package dev.maas.store.s3;
