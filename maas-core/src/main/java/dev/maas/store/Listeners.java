package dev.maas.store;

import dev.maas.StoreEvent;
import dev.maas.StoreListener;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listeners of one store and the delivery of events to them. Events are first queued per
 * listener ({@link #enqueue}, cheap, callable under the store's own locks), then handed to each
 * listener's executor ({@link #dispatch}, never under a store lock); each listener receives its
 * events one at a time, in the order they were queued. A listener that throws is logged and keeps
 * receiving events. Thread-safe.
 */
final class Listeners {
  private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

  private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();
  private final String storeName;
  private ExecutorService defaultExecutor;

  Listeners(String storeName) {
    this.storeName = storeName;
  }

  /** One listener, its executor and the events it has not received yet. */
  private static final class Registration {
    final StoreListener listener;
    final Executor executor;
    final ConcurrentLinkedQueue<StoreEvent> pending = new ConcurrentLinkedQueue<>();
    final AtomicBoolean draining = new AtomicBoolean();

    Registration(StoreListener listener, Executor executor) {
      this.listener = listener;
      this.executor = executor;
    }

    void schedule() {
      if (!pending.isEmpty() && draining.compareAndSet(false, true)) {
        try {
          executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
          draining.set(false);
          LOG.log(System.Logger.Level.WARNING, "the executor of store listener " + listener + " refused delivery", e);
        }
      }
    }

    private void drain() {
      try {
        for (StoreEvent event = pending.poll(); event != null; event = pending.poll()) {
          try {
            listener.onEvent(event);
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "store listener " + listener + " failed on " + event, e);
          }
        }
      } finally {
        draining.set(false);
      }
      schedule();
    }
  }

  void add(StoreListener listener, Executor executor) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(executor, "executor");
    for (Registration r : registrations) {
      if (r.listener == listener) {
        return;
      }
    }
    registrations.add(new Registration(listener, executor));
  }

  void add(StoreListener listener) {
    add(listener, defaultExecutor());
  }

  void remove(StoreListener listener) {
    registrations.removeIf(r -> r.listener == listener);
  }

  private synchronized Executor defaultExecutor() {
    if (defaultExecutor == null) {
      defaultExecutor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "maas-store-events-" + storeName);
        t.setDaemon(true);
        return t;
      });
    }
    return defaultExecutor;
  }

  /** Queues {@code event} for every listener; runs no listener code. */
  void enqueue(StoreEvent event) {
    for (Registration r : registrations) {
      r.pending.add(event);
    }
  }

  /** Hands queued events to the listeners' executors. Call without holding store locks. */
  void dispatch() {
    for (Registration r : registrations) {
      r.schedule();
    }
  }

  /** Queues and dispatches {@code event}. */
  void fire(StoreEvent event) {
    enqueue(event);
    dispatch();
  }

  /** Stops the default delivery thread once it has delivered what is queued. */
  synchronized void close() {
    if (defaultExecutor != null) {
      defaultExecutor.shutdown();
    }
  }
}
