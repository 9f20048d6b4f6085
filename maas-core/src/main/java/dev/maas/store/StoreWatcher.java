package dev.maas.store;

import dev.maas.MaasException;
import dev.maas.ModelStore;
import dev.maas.StoreEvent;
import dev.maas.StoreException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns what is on disk into {@link StoreEvent}s: keeps the last state seen of every model,
 * compares it with the disk when asked (or when the file system reports a change, while a {@link
 * ModelStore.Watch} runs) and queues an event for every difference. Thread-safe.
 */
final class StoreWatcher {
  private static final System.Logger LOG = System.getLogger(StoreWatcher.class.getName());

  private final StoreLayout layout;
  private final Listeners listeners;
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
  private final Object snapshotMonitor = new Object();
  private Map<String, ModelState> snapshot;

  private record ModelState(Set<Integer> versions, Map<String, dev.maas.AliasTarget> aliases) {}

  /** Takes the first look at the store under {@code layout}. */
  StoreWatcher(StoreLayout layout, Listeners listeners) {
    this.layout = layout;
    this.listeners = listeners;
    this.snapshot = scan();
  }

  /** Looks at the whole store and delivers an event for every change since the last look. */
  void refresh() {
    synchronized (snapshotMonitor) {
      Map<String, ModelState> current = scan();
      diff(snapshot, current, null);
      snapshot = current;
    }
    listeners.dispatch();
  }

  /** Looks at model {@code model} only, after this process changed it, and delivers the events. */
  void changed(String model) {
    synchronized (snapshotMonitor) {
      ModelState now = scanModel(model);
      Map<String, ModelState> next = new HashMap<>(snapshot);
      if (now.versions().isEmpty()) {
        next.remove(model);
      } else {
        next.put(model, now);
      }
      diff(snapshot, next, model);
      snapshot = next;
    }
    listeners.dispatch();
  }

  /** Starts a thread that calls {@code refresh} whenever the disk changes and at least every {@code intervalNanos}. */
  ModelStore.Watch watch(long intervalNanos, Runnable refresh) {
    Watcher watcher = new Watcher(intervalNanos, refresh);
    watchers.add(watcher);
    watcher.thread.start();
    return watcher;
  }

  /** Stops every running watch. */
  void close() {
    for (Watcher w : watchers) {
      w.close();
    }
  }

  /**
   * Looks at the store whenever the file system reports a change under the root or a model
   * directory, and at least every poll interval (all it does where no {@link WatchService} exists).
   */
  private final class Watcher implements ModelStore.Watch {
    private final long intervalNanos;
    private final Runnable refresh;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile WatchService service;
    private final Set<Path> registered = new HashSet<>();

    Watcher(long intervalNanos, Runnable refresh) {
      this.intervalNanos = intervalNanos;
      this.refresh = refresh;
      this.thread = new Thread(this::run, "maas-store-watch-" + layout.root().getFileName());
      thread.setDaemon(true);
    }

    private void run() {
      Path root = layout.root();
      try {
        service = root.getFileSystem().newWatchService();
      } catch (IOException | UnsupportedOperationException e) {
        LOG.log(System.Logger.Level.DEBUG, "no file-system watch for " + root + "; polling only", e);
      }
      try {
        register();
        while (!stopped) {
          WatchService ws = service;
          if (ws != null) {
            WatchKey key = ws.poll(intervalNanos, TimeUnit.NANOSECONDS);
            for (; key != null; key = ws.poll()) {
              key.pollEvents();
              key.reset();
            }
          } else {
            LockSupport.parkNanos(this, intervalNanos);
          }
          if (stopped) {
            break;
          }
          try {
            refresh.run();
            register();
          } catch (MaasException e) {
            LOG.log(System.Logger.Level.WARNING, "watching store " + root + ": " + e.getMessage(), e);
          }
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        // closed
      } finally {
        closeService();
      }
    }

    /** Watches the root and every model directory not watched yet. */
    private void register() {
      WatchService ws = service;
      if (ws == null) {
        return;
      }
      Path root = layout.root();
      List<Path> dirs = new ArrayList<>();
      dirs.add(root);
      try (DirectoryStream<Path> models = Files.newDirectoryStream(root, Files::isDirectory)) {
        models.forEach(dirs::add);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot list " + root + " to watch it", e);
      }
      for (Path dir : dirs) {
        if (!registered.contains(dir)) {
          try {
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
            registered.add(dir);
          } catch (IOException | ClosedWatchServiceException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot watch " + dir + "; it is polled", e);
          }
        }
      }
    }

    private void closeService() {
      WatchService ws = service;
      if (ws != null) {
        try {
          ws.close();
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "closing the watch of " + layout.root(), e);
        }
      }
    }

    @Override
    public void close() {
      stopped = true;
      watchers.remove(this);
      closeService();
      LockSupport.unpark(thread);
    }
  }

  private void diff(Map<String, ModelState> before, Map<String, ModelState> after, String onlyModel) {
    Set<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    ModelState empty = new ModelState(Set.of(), Map.of());
    for (String name : names) {
      if (onlyModel != null && !onlyModel.equals(name)) {
        continue;
      }
      ModelState was = before.getOrDefault(name, empty);
      ModelState is = after.getOrDefault(name, empty);
      is.versions().stream().filter(v -> !was.versions().contains(v)).sorted().forEach(v ->
          listeners.enqueue(new StoreEvent(StoreEvent.Type.VERSION_PUBLISHED, name, v, Optional.empty())));
      is.aliases().forEach((alias, t) -> {
        if (!t.equals(was.aliases().get(alias))) {
          listeners.enqueue(new StoreEvent(StoreEvent.Type.ALIAS_SET, name, t.primary(), Optional.of(alias)));
        }
      });
      was.aliases().forEach((alias, t) -> {
        if (!is.aliases().containsKey(alias)) {
          listeners.enqueue(new StoreEvent(StoreEvent.Type.ALIAS_REMOVED, name, t.primary(), Optional.of(alias)));
        }
      });
      was.versions().stream().filter(v -> !is.versions().contains(v)).sorted().forEach(v ->
          listeners.enqueue(new StoreEvent(StoreEvent.Type.VERSION_DELETED, name, v, Optional.empty())));
    }
  }

  private Map<String, ModelState> scan() {
    Map<String, ModelState> state = new HashMap<>();
    for (String name : layout.models()) {
      ModelState s = scanModel(name);
      if (!s.versions().isEmpty()) {
        state.put(name, s);
      }
    }
    return state;
  }

  /**
   * The versions and aliases of one model as they are on disk. A damaged alias table must not stop
   * the store or other models from working, so it is logged and read as empty here; reading the
   * aliases through the API still reports it.
   */
  private ModelState scanModel(String name) {
    Map<String, dev.maas.AliasTarget> aliases;
    try {
      aliases = Map.copyOf(layout.readAliases(name));
    } catch (StoreException e) {
      LOG.log(System.Logger.Level.WARNING, "ignoring the aliases of model '" + name + "' when looking for changes", e);
      aliases = Map.of();
    }
    return new ModelState(Set.copyOf(layout.versionNumbers(name)), aliases);
  }
}
