/**
 * The model store implementations behind {@link dev.maas.ModelStore}; not exported. The entry point
 * is {@link dev.maas.store.Stores}, which {@code ModelStore.open} and {@code ModelStore.inMemory}
 * call. The file-system store is a thin {@code FileSystemModelStore} composing one class per job:
 * {@code StoreLayout} (layout and reads), {@code StagingDirectory} and {@code DurableFiles} (crash-safe
 * writes), {@code ModelLocks} (cross-process locks and version numbering) and {@code StoreWatcher}
 * (change events). {@code AbstractModelStore} holds what every store does the same way.
 */
package dev.maas.store;
