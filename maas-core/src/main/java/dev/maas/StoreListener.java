package dev.maas;

/**
 * Receives {@link StoreEvent}s from a {@link ModelStore}. Events arrive after the change is
 * durable, in the order the store observed them, on the thread that made or observed the change;
 * a listener must return quickly and must not throw (what it throws is logged and dropped).
 */
@FunctionalInterface
public interface StoreListener {
  /** Called once per change. */
  void onEvent(StoreEvent event);
}
