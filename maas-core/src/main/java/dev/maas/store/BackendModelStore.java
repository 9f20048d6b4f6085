package dev.maas.store;

import dev.maas.AliasTarget;
import dev.maas.InvalidInputException;
import dev.maas.IntegrityException;
import dev.maas.MaasException;
import dev.maas.ModelReference;
import dev.maas.ModelVersion;
import dev.maas.StoreCheck;
import dev.maas.StoreEvent;
import dev.maas.StoreException;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.StoreBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A {@link dev.maas.ModelStore} on a {@link StoreBackend}: this class holds what every store does
 * (records, alias tables, events, watching by polling), the backend only moves bytes. Alias
 * changes are read-modify-write loops on the backend's compare-and-swap, so concurrent writers on
 * different machines never lose one another's changes.
 *
 * <p>Thread-safe, and safe for many processes and machines sharing the backend's store.
 */
final class BackendModelStore extends AbstractModelStore {
  private static final System.Logger LOG = System.getLogger(BackendModelStore.class.getName());
  /** A watch lists everything at least every this many polls, even when the change marker says nothing changed. */
  static final int FULL_LOOK_EVERY = 30;
  private static final int MAX_ALIAS_ATTEMPTS = 64;

  private final StoreBackend backend;
  private final Set<Poller> pollers = ConcurrentHashMap.newKeySet();
  private final Object snapshotMonitor = new Object();
  private Map<String, ModelState> snapshot;
  private Optional<String> lastToken = Optional.empty();

  private record ModelState(Set<Integer> versions, Map<String, AliasTarget> aliases) {}

  BackendModelStore(StoreBackend backend, Formats formats) {
    this(backend, formats, dev.maas.StoreSecurity.none());
  }

  BackendModelStore(StoreBackend backend, Formats formats, dev.maas.StoreSecurity security) {
    super(formats, security);
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  // ---- calls into the backend ----

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (IOException e) {
      throw new StoreException(what + " in " + backend.location() + " failed: " + e, e);
    } catch (java.io.UncheckedIOException e) {
      throw new StoreException(what + " in " + backend.location() + " failed: " + e.getCause(), e.getCause());
    }
  }

  // ---- storage primitives ----

  /** The backend's upload, as the publishing code stages into it. */
  private record UploadStaging(StoreBackend.Upload upload) implements Staging {
    @Override
    public ArtifactWriter writer() {
      return upload.writer();
    }

    @Override
    public Map<String, String> digests() throws IOException {
      return upload.digests();
    }

    @Override
    public void discard() {
      upload.discard();
    }

    @Override
    public void writeRecordFile(String fileName, byte[] content) throws IOException {
      upload.writeVersionFile(fileName, content);
    }
  }

  // ---- what protected versions need ----

  @Override
  Optional<byte[]> readSignature(ModelVersion version) {
    return call("reading the signature of " + version.reference(),
        () -> backend.readVersionFile(version.name(), version.version(), dev.maas.signing.ModelSigner.SIGNATURE_FILE));
  }

  @Override
  void writeSignature(ModelVersion version, byte[] bundle) {
    call("writing the signature of " + version.reference(), () -> {
      backend.writeVersionFile(version.name(), version.version(), dev.maas.signing.ModelSigner.SIGNATURE_FILE, bundle);
      return null;
    });
  }

  @Override
  byte[] readMetadata(ModelVersion version) {
    return call("reading " + version.reference(), () -> backend.readRecord(version.name(), version.version()))
        .orElseThrow(() -> noVersion(version.name(), version.version()));
  }

  @Override
  Optional<byte[]> readEncryptionRecord(ModelVersion version) {
    return call("reading the encryption record of " + version.reference(),
        () -> backend.readVersionFile(version.name(), version.version(), EncryptionRecord.FILE));
  }

  @Override
  Staging stage(String name) throws IOException {
    return new UploadStaging(backend.upload(name));
  }

  @Override
  ModelVersion commit(String name, Staging staging, IntFunction<ModelVersion> record) throws IOException {
    ModelVersion[] built = new ModelVersion[1];
    int number = backend.commit(name, ((UploadStaging) staging).upload(), n -> {
      built[0] = record.apply(n);
      return MetadataJson.writeVersion(built[0]);
    });
    if (built[0] == null || built[0].version() != number) {
      built[0] = record.apply(number);
    }
    return built[0];
  }

  @Override
  List<Integer> versionNumbers(String name) {
    return call("listing the versions of '" + name + "'", () -> backend.versionNumbers(name));
  }

  @Override
  Optional<ModelVersion> readVersion(String name, int version) {
    Optional<byte[]> json = call("reading " + name + ":" + version, () -> backend.readRecord(name, version));
    if (json.isEmpty()) {
      return Optional.empty();
    }
    String source = backend.location() + " " + name + ":" + version;
    ModelVersion v = MetadataJson.readVersion(json.get(), source);
    if (!v.name().equals(name) || v.version() != version) {
      throw new IntegrityException("the record of " + source + " describes " + v.reference() + ", not " + name + ":"
          + version);
    }
    return Optional.of(v);
  }

  @Override
  Map<String, AliasTarget> readAliases(String name) {
    return parseAliases(name, call("reading the aliases of '" + name + "'", () -> backend.readAliases(name)));
  }

  private Map<String, AliasTarget> parseAliases(String name, StoreBackend.AliasTable table) {
    return table.content().isEmpty() ? Map.of()
        : MetadataJson.readAliases(table.content().get(), backend.location() + " aliases of '" + name + "'");
  }

  @Override
  ArtifactReader reader(ModelVersion version) {
    return call("reading the files of " + version.reference(),
        () -> backend.reader(version.name(), version.version(), version.files()));
  }

  /** Applies {@code change} to the alias table until the compare-and-swap succeeds; returns what change returned. */
  private <T> T updateAliases(String name, java.util.function.Function<TreeMap<String, AliasTarget>, T> change) {
    for (int attempt = 1; ; attempt++) {
      if (attempt > MAX_ALIAS_ATTEMPTS) {
        throw new StoreException("cannot update the aliases of '" + name + "' in " + backend.location() + ": "
            + MAX_ALIAS_ATTEMPTS + " compare-and-swap attempts failed (the table kept changing, or the store answers"
            + " with ETags that do not match what it holds)");
      }
      StoreBackend.AliasTable table = call("reading the aliases of '" + name + "'", () -> backend.readAliases(name));
      TreeMap<String, AliasTarget> aliases = new TreeMap<>(parseAliases(name, table));
      Map<String, AliasTarget> before = Map.copyOf(aliases);
      T result = change.apply(aliases);
      if (aliases.equals(before)) {
        return result;
      }
      byte[] content = MetadataJson.writeAliases(aliases);
      if (call("writing the aliases of '" + name + "'", () -> backend.replaceAliases(name, table, content))) {
        return result;
      }
    }
  }

  @Override
  void writeAlias(String name, String alias, AliasTarget target) {
    requireVersions(name, target, v -> readVersion(name, v).isPresent());
    updateAliases(name, aliases -> aliases.put(alias, target));
  }

  @Override
  Optional<AliasTarget> deleteAlias(String name, String alias) {
    return updateAliases(name, aliases -> Optional.ofNullable(aliases.remove(alias)));
  }

  @Override
  Map<String, Integer> deleteVersion(String name, int version, boolean removeAliases) {
    if (readVersion(name, version).isEmpty()) {
      throw noVersion(name, version);
    }
    Map<String, Integer> removed = updateAliases(name, aliases -> {
      Map<String, Integer> pointing = naming(aliases, version);
      if (!pointing.isEmpty() && !removeAliases) {
        throw aliasedVersion(name, version, aliases);
      }
      pointing.keySet().forEach(aliases::remove);
      return pointing;
    });
    call("deleting " + name + ":" + version, () -> {
      backend.deleteVersion(name, version);
      return null;
    });
    return removed;
  }

  // ---- listing and checking ----

  @Override
  public List<String> models() {
    ensureOpen();
    List<String> names = new ArrayList<>();
    for (String name : call("listing the models", backend::modelNames)) {
      if (isValidName(name) && !versionNumbers(name).isEmpty()) {
        names.add(name);
      }
    }
    names.sort(null);
    return List.copyOf(names);
  }

  private static boolean isValidName(String name) {
    try {
      ModelReference.requireValidName(name, "model name");
      return true;
    } catch (InvalidInputException e) {
      return false;
    }
  }

  @Override
  public StoreCheck check() {
    ensureOpen();
    List<StoreCheck.Damage> found = new ArrayList<>();
    for (String name : models()) {
      for (int number : versionNumbers(name)) {
        try {
          readVersion(name, number);
        } catch (StoreException e) {
          found.add(new StoreCheck.Damage(name, OptionalInt.of(number), e.getMessage()));
        }
      }
      try {
        readAliases(name);
      } catch (StoreException e) {
        found.add(new StoreCheck.Damage(name, OptionalInt.empty(), e.getMessage()));
      }
    }
    return new StoreCheck(found);
  }

  // ---- events ----

  @Override
  public void refresh() {
    ensureOpen();
    look(true);
  }

  /** Compares the store with the last look and delivers an event per difference; {@code full} lists even when the change marker has not moved. */
  private void look(boolean full) {
    synchronized (snapshotMonitor) {
      Optional<String> token = call("reading the change marker", backend::changeToken);
      if (!full && snapshot != null && token.isPresent() && token.equals(lastToken)) {
        return;
      }
      Map<String, ModelState> current = scan();
      if (snapshot != null) {
        diff(snapshot, current, null);
      }
      snapshot = current;
      lastToken = token;
    }
    listeners.dispatch();
  }

  @Override
  void changed(StoreEvent event) {
    synchronized (snapshotMonitor) {
      if (snapshot == null) {
        // No earlier look to compare with: this change is the one to report, and the look starts here.
        listeners.enqueue(event);
        snapshot = scan();
        lastToken = Optional.empty();
      } else {
        ModelState now = scanModel(event.model());
        Map<String, ModelState> next = new HashMap<>(snapshot);
        if (now.versions().isEmpty()) {
          next.remove(event.model());
        } else {
          next.put(event.model(), now);
        }
        diff(snapshot, next, event.model());
        snapshot = next;
      }
    }
    listeners.dispatch();
  }

  private Map<String, ModelState> scan() {
    Map<String, ModelState> state = new HashMap<>();
    for (String name : models()) {
      ModelState s = scanModel(name);
      if (!s.versions().isEmpty()) {
        state.put(name, s);
      }
    }
    return state;
  }

  private ModelState scanModel(String name) {
    Map<String, AliasTarget> aliases;
    try {
      aliases = Map.copyOf(readAliases(name));
    } catch (IntegrityException e) {
      LOG.log(System.Logger.Level.WARNING, "ignoring the aliases of model '" + name + "' when looking for changes", e);
      aliases = Map.of();
    }
    return new ModelState(Set.copyOf(versionNumbers(name)), aliases);
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

  /**
   * Polls every {@code pollInterval}: reads the change marker (one conditional request) and lists
   * the store only when it moved, or at every {@link #FULL_LOOK_EVERY}th poll. A poll that fails
   * is logged and tried again at the next interval; what is served is not touched.
   */
  @Override
  public Watch watch(Duration pollInterval) {
    requirePositive(pollInterval);
    ensureOpen();
    synchronized (snapshotMonitor) {
      if (snapshot == null) {
        try {
          look(true);
        } catch (StoreException e) {
          LOG.log(System.Logger.Level.WARNING, "watching " + backend.location() + ": " + e.getMessage());
        }
      }
    }
    Poller poller = new Poller(pollInterval.toNanos());
    pollers.add(poller);
    poller.thread.start();
    return poller;
  }

  private final class Poller implements Watch {
    private final long intervalNanos;
    private final Thread thread;
    private volatile boolean stopped;

    Poller(long intervalNanos) {
      this.intervalNanos = intervalNanos;
      this.thread = new Thread(this::run, "maas-store-poll-" + backend.location());
      thread.setDaemon(true);
    }

    private void run() {
      long polls = 0;
      boolean failing = false;
      while (!stopped) {
        LockSupport.parkNanos(this, intervalNanos);
        if (stopped) {
          break;
        }
        try {
          look(++polls % FULL_LOOK_EVERY == 0);
          if (failing) {
            LOG.log(System.Logger.Level.INFO, "watching " + backend.location() + ": reachable again");
            failing = false;
          }
        } catch (MaasException e) {
          if (!failing) {
            LOG.log(System.Logger.Level.WARNING, "watching " + backend.location() + ": " + e.getMessage()
                + "; what is served stays as it is, and the next poll tries again");
          }
          failing = true;
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "watching " + backend.location() + " failed", e);
        }
      }
    }

    @Override
    public void close() {
      stopped = true;
      pollers.remove(this);
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void close() {
    for (Poller p : pollers) {
      p.close();
    }
    super.close();
    backend.close();
  }

  @Override
  public String toString() {
    return "ModelStore[" + backend.location() + "]";
  }
}
