package dev.maas;

import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.ClosedWatchServiceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded {@link ModelStore}: one directory, laid out as {@code <root>/<model>/<version>/}
 * with the artifact files and {@code maas-version.json}, plus {@code <root>/<model>/aliases.json}.
 * See {@code docs/store.md} for the layout and its guarantees.
 *
 * <p>A version is written into a hidden staging directory and renamed into place, so readers never
 * see half a version and a crash leaves either the old state or the complete new version. Version
 * numbers and alias changes are serialised per model by a lock that holds across threads and
 * processes. Opening a version re-checks every file's SHA-256.
 *
 * <p>Thread-safe, and safe for several processes sharing the directory. Changes made by other
 * processes reach this store's listeners when {@link #refresh()} is called, and continuously while
 * a {@link #watch(java.time.Duration)} runs.
 */
public final class FileSystemModelStore extends AbstractModelStore {
  private static final System.Logger LOG = System.getLogger(FileSystemModelStore.class.getName());
  private static final Pattern VERSION_DIR = Pattern.compile("[1-9][0-9]{0,8}");
  private static final String ALIASES_FILE = "aliases.json";
  private static final String LAST_VERSION_FILE = ".last-version";
  private static final String LOCK_FILE = ".lock";
  private static final String STAGING_PREFIX = ".staging-";
  private static final String LOCK_SUFFIX = ".lock";
  private static final String DELETED_PREFIX = ".deleted-";
  private static final String TEMP_PREFIX = ".tmp-";

  /**
   * File locks belong to the whole JVM, so threads of one process are serialised by an in-process
   * lock per lock file before taking the file lock; the map is shared by every store instance.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

  /**
   * Staging lock files this process holds or is about to create. Closing any channel on a locked
   * file drops the whole process's POSIX lock on it, so the debris check must never open these.
   */
  private static final Set<Path> OWN_STAGING_LOCKS = ConcurrentHashMap.newKeySet();

  private final Path root;
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
  private final Object snapshotMonitor = new Object();
  private Map<String, ModelState> snapshot;

  private record ModelState(Set<Integer> versions, Map<String, Integer> aliases) {}

  private FileSystemModelStore(Path root, Formats formats) {
    super(formats);
    this.root = root;
  }

  /**
   * Opens the store in directory {@code root}, creating the directory if missing, with the formats
   * {@link java.util.ServiceLoader} finds.
   *
   * @throws StoreException if {@code root} cannot be created or is not a directory
   */
  public static FileSystemModelStore open(Path root) {
    return open(root, Formats.discover());
  }

  /** Opens the store in {@code root} with exactly {@code formats}; see {@link #open(Path)}. */
  public static FileSystemModelStore open(Path root, List<ModelFormat> formats) {
    return open(root, new Formats(formats));
  }

  private static FileSystemModelStore open(Path root, Formats formats) {
    Objects.requireNonNull(root, "root");
    try {
      Files.createDirectories(root);
      Path real = root.toRealPath();
      if (!Files.isDirectory(real)) {
        throw new StoreException("store root " + root + " is not a directory", null, at(root));
      }
      FileSystemModelStore store = new FileSystemModelStore(real, formats);
      store.snapshot = store.scan();
      return store;
    } catch (IOException e) {
      throw new StoreException("cannot open store at " + root + ": " + e, e, at(root));
    }
  }

  /** The store's directory, as a real absolute path. */
  public Path root() {
    return root;
  }

  /**
   * Reads the directory again and tells listeners about every change since the last look, made by
   * this process or another: versions published or deleted, aliases set, moved or removed.
   */
  @Override
  public void refresh() {
    ensureOpen();
    synchronized (snapshotMonitor) {
      Map<String, ModelState> current = scan();
      diff(snapshot, current, null);
      snapshot = current;
    }
    listeners.dispatch();
  }

  @Override
  void changed(StoreEvent event) {
    synchronized (snapshotMonitor) {
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
    listeners.dispatch();
  }

  @Override
  public Watch watch(java.time.Duration pollInterval) {
    requirePositive(pollInterval);
    ensureOpen();
    Watcher watcher = new Watcher(pollInterval.toNanos());
    watchers.add(watcher);
    watcher.thread.start();
    return watcher;
  }

  @Override
  public void close() {
    for (Watcher w : watchers) {
      w.close();
    }
    super.close();
  }

  /**
   * Looks at the store whenever the file system reports a change under the root or a model
   * directory, and at least every poll interval (all it does where no {@link WatchService} exists).
   */
  private final class Watcher implements Watch {
    private final long intervalNanos;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile WatchService service;
    private final Set<Path> registered = new HashSet<>();

    Watcher(long intervalNanos) {
      this.intervalNanos = intervalNanos;
      this.thread = new Thread(this::run, "maas-store-watch-" + root.getFileName());
      thread.setDaemon(true);
    }

    private void run() {
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
            refresh();
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
          LOG.log(System.Logger.Level.DEBUG, "closing the watch of " + root, e);
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
    Set<String> names = new java.util.TreeSet<>(before.keySet());
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
      is.aliases().forEach((alias, v) -> {
        if (!v.equals(was.aliases().get(alias))) {
          listeners.enqueue(new StoreEvent(StoreEvent.Type.ALIAS_SET, name, v, Optional.of(alias)));
        }
      });
      was.aliases().forEach((alias, v) -> {
        if (!is.aliases().containsKey(alias)) {
          listeners.enqueue(new StoreEvent(StoreEvent.Type.ALIAS_REMOVED, name, v, Optional.of(alias)));
        }
      });
      was.versions().stream().filter(v -> !is.versions().contains(v)).sorted().forEach(v ->
          listeners.enqueue(new StoreEvent(StoreEvent.Type.VERSION_DELETED, name, v, Optional.empty())));
    }
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

  /**
   * The versions and aliases of one model as they are on disk. A damaged alias table must not stop
   * the store or other models from working, so it is logged and read as empty here; reading the
   * aliases through the API still reports it.
   */
  private ModelState scanModel(String name) {
    Map<String, Integer> aliases;
    try {
      aliases = Map.copyOf(readAliases(name));
    } catch (StoreException e) {
      LOG.log(System.Logger.Level.WARNING, "ignoring the aliases of model '" + name + "' when looking for changes", e);
      aliases = Map.of();
    }
    return new ModelState(Set.copyOf(versionNumbers(name)), aliases);
  }

  // ---- paths ----

  private Path modelDir(String name) {
    Path dir = root.resolve(ModelReference.requireValidName(name, "model name")).normalize();
    if (!dir.getParent().equals(root)) {
      throw new InvalidInputException("model name '" + name + "' does not name a directory inside the store");
    }
    return dir;
  }

  private Path versionDir(String name, int version) {
    return modelDir(name).resolve(Integer.toString(version));
  }

  // ---- staging and commit ----

  /** A staging directory and the lock that tells other processes it is in use. */
  private final class DirectoryStaging implements Staging {
    private final Path dir;
    private final Path lockPath;
    private final FileChannel lockChannel;
    private final Set<String> created = new HashSet<>();
    private boolean committed;
    private boolean discarded;

    DirectoryStaging(Path modelDir) throws IOException {
      Files.createDirectories(modelDir);
      while (true) {
        String id = UUID.randomUUID().toString();
        Path lock = modelDir.resolve(STAGING_PREFIX + id + LOCK_SUFFIX);
        OWN_STAGING_LOCKS.add(lock);
        FileChannel channel;
        try {
          channel = FileChannel.open(lock, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
          OWN_STAGING_LOCKS.remove(lock);
          throw e;
        }
        try {
          channel.lock();
          // A cleaner may have taken the lock file for debris between our create and our lock.
          if (Files.exists(lock)) {
            this.lockPath = lock;
            this.lockChannel = channel;
            this.dir = modelDir.resolve(STAGING_PREFIX + id);
            Files.createDirectory(dir);
            return;
          }
        } catch (IOException | RuntimeException e) {
          channel.close();
          Files.deleteIfExists(lock);
          OWN_STAGING_LOCKS.remove(lock);
          throw e;
        }
        channel.close();
        OWN_STAGING_LOCKS.remove(lock);
      }
    }

    @Override
    public ArtifactWriter writer() {
      return fileName -> {
        checkFileName(fileName);
        if (!created.add(fileName)) {
          throw duplicateFile(fileName);
        }
        return new BufferedOutputStream(new SyncingOutputStream(FileChannel.open(dir.resolve(fileName),
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)), 1 << 16);
      };
    }

    @Override
    public Map<String, String> digests() throws IOException {
      Map<String, String> digests = new TreeMap<>();
      for (String file : created) {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
          digests.put(file, Sha256.of(in));
        }
      }
      return digests;
    }

    @Override
    public void discard() {
      if (discarded) {
        return;
      }
      discarded = true;
      try {
        if (!committed) {
          deleteRecursively(dir);
        }
        lockChannel.close();
        Files.deleteIfExists(lockPath);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove staging area " + dir + "; it is ignored", e);
      } finally {
        OWN_STAGING_LOCKS.remove(lockPath);
      }
    }
  }

  /** Forces the file's content to disk when closed. */
  private static final class SyncingOutputStream extends OutputStream {
    private final FileChannel channel;
    private final OutputStream out;

    SyncingOutputStream(FileChannel channel) {
      this.channel = channel;
      this.out = java.nio.channels.Channels.newOutputStream(channel);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (channel.isOpen()) {
        try {
          channel.force(true);
        } finally {
          channel.close();
        }
      }
    }
  }

  @Override
  Staging stage(String name) throws IOException {
    return new DirectoryStaging(modelDir(name));
  }

  @Override
  ModelVersion commit(String name, Staging staging, IntFunction<ModelVersion> record) throws IOException {
    DirectoryStaging dirStaging = (DirectoryStaging) staging;
    return withModelLock(name, modelDir -> {
      ensureOpen();
      int number = nextNumber(modelDir);
      ModelVersion version = record.apply(number);
      writeDurably(dirStaging.dir.resolve(METADATA_FILE), MetadataJson.writeVersion(version));
      syncDirectory(dirStaging.dir);
      Files.move(dirStaging.dir, modelDir.resolve(Integer.toString(number)), StandardCopyOption.ATOMIC_MOVE);
      dirStaging.committed = true;
      syncDirectory(modelDir);
      writeAtomically(modelDir, LAST_VERSION_FILE, Integer.toString(number).getBytes(StandardCharsets.US_ASCII));
      return version;
    });
  }

  private int nextNumber(Path modelDir) throws IOException {
    int max = Math.max(readLastNumber(modelDir), listVersionNumbers(modelDir).stream().mapToInt(i -> i).max().orElse(0));
    if (max == Integer.MAX_VALUE) {
      throw new StoreException("model directory " + modelDir + " has run out of version numbers", null, at(root));
    }
    return max + 1;
  }

  private static int readLastNumber(Path modelDir) throws IOException {
    try {
      String text = Files.readString(modelDir.resolve(LAST_VERSION_FILE), StandardCharsets.US_ASCII).trim();
      if (!VERSION_DIR.matcher(text).matches()) {
        throw new IntegrityException(modelDir.resolve(LAST_VERSION_FILE) + " is malformed: '" + text + "'", null,
            at(modelDir));
      }
      return Integer.parseInt(text);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  // ---- locking and durable writes ----

  @FunctionalInterface
  private interface LockedAction<T> {
    T run(Path modelDir) throws IOException;
  }

  private <T> T withModelLock(String name, LockedAction<T> action) throws IOException {
    Path modelDir = modelDir(name);
    Files.createDirectories(modelDir);
    Path lockPath = modelDir.resolve(LOCK_FILE);
    ReentrantLock processLock = PROCESS_LOCKS.computeIfAbsent(lockPath, p -> new ReentrantLock());
    processLock.lock();
    try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.lock();
      try {
        removeDebris(modelDir);
        return action.run(modelDir);
      } finally {
        lock.release();
      }
    } finally {
      processLock.unlock();
    }
  }

  /**
   * Removes what interrupted operations left behind. Runs under the model lock, so temporary files
   * and deleted directories are no one's; a staging directory is debris only when its lock file is
   * free (its writer died).
   */
  private static void removeDebris(Path modelDir) throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(modelDir)) {
      entries = list.toList();
    }
    for (Path entry : entries) {
      String file = entry.getFileName().toString();
      if (file.startsWith(DELETED_PREFIX) || file.startsWith(TEMP_PREFIX)) {
        deleteRecursively(entry);
      } else if (file.startsWith(STAGING_PREFIX) && file.endsWith(LOCK_SUFFIX) && !OWN_STAGING_LOCKS.contains(entry)) {
        Path dir = modelDir.resolve(file.substring(0, file.length() - LOCK_SUFFIX.length()));
        try (FileChannel channel = FileChannel.open(entry, StandardOpenOption.WRITE)) {
          FileLock lock = channel.tryLock();
          if (lock != null) {
            deleteRecursively(dir);
            Files.deleteIfExists(entry);
          }
        } catch (NoSuchFileException e) {
          // its writer finished meanwhile
        }
      }
    }
  }

  private static void writeDurably(Path file, byte[] content) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /** Replaces {@code dir/name} with {@code content} so that readers see the old or the new file whole. */
  private static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
    Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      writeDurably(temp, content);
      Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(dir);
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open or sync directories; renames there are durable anyway.
      LOG.log(System.Logger.Level.DEBUG, "cannot sync directory " + dir, e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ---- reading ----

  @Override
  public List<String> models() {
    ensureOpen();
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (isValidName(name) && !listVersionNumbers(dir).isEmpty()) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list store " + root + ": " + e, e, at(root));
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
  List<Integer> versionNumbers(String name) {
    try {
      return listVersionNumbers(modelDir(name));
    } catch (IOException e) {
      throw new StoreException("cannot list versions of '" + name + "': " + e, e, at(root));
    }
  }

  private static List<Integer> listVersionNumbers(Path modelDir) throws IOException {
    List<Integer> numbers = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modelDir)) {
      for (Path dir : dirs) {
        String file = dir.getFileName().toString();
        if (VERSION_DIR.matcher(file).matches() && Files.isDirectory(dir)) {
          numbers.add(Integer.parseInt(file));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    numbers.sort(null);
    return numbers;
  }

  @Override
  Optional<ModelVersion> readVersion(String name, int version) {
    Path file = versionDir(name, version).resolve(METADATA_FILE);
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      if (Files.isDirectory(file.getParent())) {
        throw new IntegrityException(file + " is missing", null, at(root));
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e, e, at(root));
    }
    ModelVersion v;
    try {
      v = MetadataJson.readVersion(json, file.toString());
    } catch (IntegrityException e) {
      throw new IntegrityException(e.getMessage(), e.getCause(), at(file));
    }
    if (!v.name().equals(name) || v.version() != version) {
      throw new IntegrityException(file + " describes " + v.reference() + ", not " + name + ":" + version, null, at(root));
    }
    return Optional.of(v);
  }

  @Override
  Map<String, Integer> readAliases(String name) {
    Path file = modelDir(name).resolve(ALIASES_FILE);
    try {
      return MetadataJson.readAliases(Files.readAllBytes(file), file.toString());
    } catch (IntegrityException e) {
      throw new IntegrityException(e.getMessage(), e.getCause(), at(file));
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e, e, at(root));
    }
  }

  /**
   * A part of the store that cannot be read: a version whose record ({@code maas-version.json}) is
   * missing or malformed, or a model's damaged alias table. The rest of the store keeps working.
   *
   * <p>Instances are immutable and safe to share between threads.
   *
   * @param model the model the damaged part belongs to
   * @param version the damaged version, or empty when the model's alias table is damaged
   * @param reason what is wrong, naming the file
   */
  public record Damage(String model, OptionalInt version, String reason) {
    /** Validates the components. */
    public Damage {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Every damaged part of the store, by model and then version (the alias table after the
   * versions); empty when the store is healthy. Only reads: repairing is left to the user, since
   * the right repair (restore from a backup, delete the version) depends on what happened.
   */
  public List<Damage> damage() {
    ensureOpen();
    List<Damage> found = new ArrayList<>();
    for (String name : models()) {
      for (int number : versionNumbers(name)) {
        try {
          readVersion(name, number);
        } catch (StoreException e) {
          found.add(new Damage(name, OptionalInt.of(number), e.getMessage()));
        }
      }
      try {
        readAliases(name);
      } catch (StoreException e) {
        found.add(new Damage(name, OptionalInt.empty(), e.getMessage()));
      }
    }
    return List.copyOf(found);
  }

  @Override
  ArtifactReader reader(ModelVersion version) {
    Path dir = versionDir(version.name(), version.version());
    if (!Files.isDirectory(dir)) {
      throw noVersion(version.name(), version.version());
    }
    return new ArtifactReader() {
      @Override
      public String location() {
        return dir.toString();
      }

      @Override
      public Set<String> fileNames() {
        return version.files().keySet();
      }

      @Override
      public InputStream open(String fileName) throws IOException {
        if (!ArtifactWriter.isValidFileName(fileName)) {
          throw new NoSuchFileException(fileName, null, "not a valid artifact file name");
        }
        return Files.newInputStream(dir.resolve(fileName));
      }

      @Override
      public Optional<Path> directory() {
        return Optional.of(dir);
      }
    };
  }

  // ---- aliases and deletion ----

  @Override
  void writeAlias(String name, String alias, int version) {
    if (!Files.isDirectory(versionDir(name, version))) {
      throw noVersion(name, version); // checked first, so that no lock file is left for a model that is not there
    }
    locked(name, modelDir -> {
      if (readVersion(name, version).isEmpty()) {
        throw noVersion(name, version);
      }
      Map<String, Integer> aliases = new TreeMap<>(readAliases(name));
      aliases.put(alias, version);
      writeAtomically(modelDir, ALIASES_FILE, MetadataJson.writeAliases(aliases));
      return null;
    });
  }

  @Override
  Optional<Integer> deleteAlias(String name, String alias) {
    if (!Files.isDirectory(modelDir(name))) {
      return Optional.empty();
    }
    return locked(name, modelDir -> {
      Map<String, Integer> aliases = new TreeMap<>(readAliases(name));
      Integer removed = aliases.remove(alias);
      if (removed != null) {
        writeAtomically(modelDir, ALIASES_FILE, MetadataJson.writeAliases(aliases));
      }
      return Optional.ofNullable(removed);
    });
  }

  @Override
  Map<String, Integer> deleteVersion(String name, int version, boolean removeAliases) {
    if (!Files.isDirectory(versionDir(name, version))) {
      throw noVersion(name, version);
    }
    return locked(name, modelDir -> {
      Path dir = modelDir.resolve(Integer.toString(version));
      if (!Files.isDirectory(dir)) {
        throw noVersion(name, version);
      }
      Map<String, Integer> aliases = new TreeMap<>(readAliases(name));
      Map<String, Integer> pointing = new TreeMap<>();
      aliases.forEach((alias, v) -> {
        if (v == version) {
          pointing.put(alias, v);
        }
      });
      if (!pointing.isEmpty() && !removeAliases) {
        throw aliasedVersion(name, version, aliases);
      }
      int last = nextNumber(modelDir) - 1;
      writeAtomically(modelDir, LAST_VERSION_FILE, Integer.toString(last).getBytes(StandardCharsets.US_ASCII));
      if (!pointing.isEmpty()) {
        pointing.keySet().forEach(aliases::remove);
        writeAtomically(modelDir, ALIASES_FILE, MetadataJson.writeAliases(aliases));
      }
      Path trash = modelDir.resolve(DELETED_PREFIX + version + "-" + UUID.randomUUID());
      Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(modelDir);
      deleteRecursively(trash);
      return pointing;
    });
  }

  private <T> T locked(String name, LockedAction<T> action) {
    try {
      return withModelLock(name, action);
    } catch (FileAlreadyExistsException e) {
      throw new StoreException("unexpected file in store: " + e.getFile(), e, at(root));
    } catch (IOException e) {
      throw new StoreException("store operation on '" + name + "' failed: " + e, e, at(root));
    }
  }

  /** Context naming {@code path}, so that public messages show no path of this machine. */
  private static MaasException.Context at(Path path) {
    return MaasException.Context.ofFile(path);
  }

  @Override
  public String toString() {
    return "FileSystemModelStore[" + root + "]";
  }
}
