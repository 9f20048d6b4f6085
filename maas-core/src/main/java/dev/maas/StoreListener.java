package dev.maas;

/**
 * Receives {@link StoreEvent}s from a {@link ModelStore}. Events arrive after the change is
 * durable, one at a time and in the order the store observed them, on the executor given at
 * registration (by default one daemon thread per store), never on a thread while it holds a store
 * lock. Several quick changes may be observed as one: an alias moved 1 to 2 to 3 between two looks
 * is reported once, as {@code ALIAS_SET} to 3. Each event carries what the store saw, and the last
 * event a listener receives for an alias carries the target the store saw last; a server therefore
 * acts on {@link StoreEvent#version()} rather than re-reading the alias, which could return a newer
 * target that a later move undoes before the next look. What a listener throws is logged and does
 * not stop later deliveries.
 */
@FunctionalInterface
public interface StoreListener {
  /** Called once per change observed. */
  void onEvent(StoreEvent event);
}
