package dev.maas;

import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of one store and the delivery of events to them. Thread-safe. */
final class Listeners {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final CopyOnWriteArrayList<StoreListener> listeners = new CopyOnWriteArrayList<>();

  void add(StoreListener listener) {
    listeners.addIfAbsent(java.util.Objects.requireNonNull(listener, "listener"));
  }

  void remove(StoreListener listener) {
    listeners.remove(listener);
  }


  void fire(StoreEvent event) {
    for (StoreListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "store listener " + listener + " failed on " + event, e);
      }
    }
  }
}
