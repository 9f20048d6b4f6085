package dev.maas.store.s3;

import dev.maas.StoreException;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.StoreBackend;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store's layout in a bucket, under the key prefix:
 *
 * <pre>
 * models/&lt;model&gt;/uploads/&lt;upload-id&gt;/&lt;file&gt;  artifact files, written first, never changed
 * models/&lt;model&gt;/uploads/&lt;upload-id&gt;/maas-record/&lt;file&gt;  files kept beside the record: the encryption
 *                                             record (before the manifest), the signature (replaced on re-signing)
 * models/&lt;model&gt;/versions/&lt;0000000007&gt;.json   manifest: upload id + record; created with If-None-Match: *
 *                                             (empty once the version is deleted, so its number stays taken)
 * models/&lt;model&gt;/aliases.json                 alias table, replaced with If-Match on its ETag
 * pending/&lt;model&gt;/&lt;upload-id&gt;                 written when a publish starts, removed when it ends; "abandoned"
 *                                             once a later publish found it too old and cleans its files
 * changes                                     rewritten after every change; pollers read it with If-None-Match
 * </pre>
 *
 * <p>A publisher that dies half-way leaves its upload's files and its pending marker; every new
 * publish lists the pending markers and removes the files of uploads whose marker is older than
 * {@link S3StoreOptions#abandonedUploadsAfter()} and whose upload no manifest names.
 *
 * Reads of manifests, alias tables and the change marker are conditional on the ETag last seen,
 * so an unchanged object costs an answer without a body. Thread-safe.
 */
final class S3Backend implements StoreBackend {
  private static final System.Logger LOG = System.getLogger(S3Backend.class.getName());
  private static final Pattern VERSION_KEY = Pattern.compile("([0-9]{10})\\.json");

  private final ObjectClient client;
  private final ContentCache cache;
  private final Path staging;
  private final String root;
  private final String location;
  private final java.time.Duration abandonedAfter;
  private final java.time.Clock clock;
  private final Map<String, ObjectClient.Blob> seen = new ConcurrentHashMap<>();
  /** The uploads this backend has under way, which its own sweeps leave alone whatever the clocks say. */
  private final Set<String> active = ConcurrentHashMap.newKeySet();
  private volatile boolean conditionalWritesChecked;

  S3Backend(S3StoreOptions options) {
    this.location = options.location();
    this.root = options.prefix().isEmpty() ? "" : options.prefix() + "/";
    Path cacheRoot = options.cacheDirectory().orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"),
        "maas-s3-cache-" + System.getProperty("user.name", "user")));
    this.cache = new ContentCache(cacheRoot, options.cacheMaxBytes());
    this.staging = cacheRoot.resolve("tmp");
    this.client = new ObjectClient(options);
    this.abandonedAfter = options.abandonedUploadsAfter();
    this.clock = options.clock();
  }

  // ---- keys ----

  private String modelKey(String model) {
    return root + "models/" + model + "/";
  }

  private String versionKey(String model, int version) {
    return modelKey(model) + "versions/" + String.format("%010d", version) + ".json";
  }

  private String uploadPrefix(String model, String upload) {
    return modelKey(model) + "uploads/" + upload + "/";
  }

  private String aliasesKey(String model) {
    return modelKey(model) + "aliases.json";
  }

  private String pendingPrefix() {
    return root + "pending/";
  }

  private String pendingKey(String model, String upload) {
    return pendingPrefix() + model + "/" + upload;
  }

  private String changesKey() {
    return root + "changes";
  }

  @Override
  public String location() {
    return location;
  }

  private String where(String key) {
    return "s3://" + location.substring("s3://".length()).split("/", 2)[0] + "/" + key;
  }

  // ---- conditional reads ----

  /** {@code key} through the ETag cache: a conditional GET that answers 304 reuses the copy seen last. */
  private Optional<ObjectClient.Blob> read(String key) {
    ObjectClient.Blob last = seen.get(key);
    ObjectClient.Read r = client.get(key, last == null ? Optional.empty() : Optional.of(last.etag()));
    if (r instanceof ObjectClient.Found f) {
      seen.put(key, f.blob());
      return Optional.of(f.blob());
    }
    if (r instanceof ObjectClient.NotModified && last != null) {
      return Optional.of(last);
    }
    seen.remove(key);
    if (r instanceof ObjectClient.NotModified) {
      return client.get(key);
    }
    return Optional.empty();
  }

  // ---- listing ----

  @Override
  public List<String> modelNames() {
    return client.listChildren(root + "models/");
  }

  private record Numbers(List<Integer> live, int highest) {}

  private Numbers numbers(String model) {
    List<Integer> live = new ArrayList<>();
    int highest = 0;
    String prefix = modelKey(model) + "versions/";
    for (ObjectClient.Listed o : client.list(prefix)) {
      Matcher m = VERSION_KEY.matcher(o.key().substring(prefix.length()));
      if (!m.matches()) {
        continue;
      }
      long n = Long.parseLong(m.group(1));
      if (n < 1 || n > Integer.MAX_VALUE) {
        continue;
      }
      highest = Math.max(highest, (int) n);
      if (o.size() > 0) {
        live.add((int) n);
      }
    }
    live.sort(null);
    return new Numbers(live, highest);
  }

  @Override
  public List<Integer> versionNumbers(String model) {
    return numbers(model).live();
  }

  // ---- versions ----

  private Optional<Manifest> manifest(String model, int version) {
    String key = versionKey(model, version);
    Optional<ObjectClient.Blob> blob = read(key);
    if (blob.isEmpty() || blob.get().content().length == 0) {
      return Optional.empty();
    }
    return Optional.of(Manifest.parse(blob.get().content(), where(key)));
  }

  @Override
  public Optional<byte[]> readRecord(String model, int version) {
    return manifest(model, version).map(Manifest::record);
  }

  @Override
  public Upload upload(String model) throws IOException {
    return new S3Upload(model);
  }

  @Override
  public int commit(String model, Upload upload, IntFunction<byte[]> record) {
    S3Upload u = (S3Upload) upload;
    if (!u.model.equals(model)) {
      throw new IllegalArgumentException("upload of " + u.model + " committed to " + model);
    }
    requireConditionalWrites();
    Optional<ObjectClient.Blob> marker = client.get(pendingKey(model, u.id));
    if (marker.isEmpty() || marker.get().content().length > 0) {
      throw new StoreException("the publish of a new version of model '" + model + "' to " + location
          + " took longer than " + abandonedAfter + " and was taken for abandoned (its pending marker "
          + where(pendingKey(model, u.id)) + " is " + (marker.isEmpty() ? "gone" : "marked abandoned")
          + "), so its files may have been removed; nothing was published; publish again, or raise the store's"
          + " abandoned-after setting");
    }
    int number = numbers(model).highest() + 1;
    while (true) {
      if (number < 1) {
        throw new StoreException("model '" + model + "' in " + location + " has run out of version numbers");
      }
      String key = versionKey(model, number);
      byte[] manifest = new Manifest(u.id, record.apply(number), u.storedDigests()).toBytes();
      if (client.putIfAbsent(key, manifest).isPresent()) {
        u.committed();
        changed();
        return number;
      }
      // Taken: by another publisher, or by this one when an earlier try succeeded but its answer was lost.
      Optional<ObjectClient.Blob> existing = client.get(key);
      if (existing.isPresent() && existing.get().content().length > 0
          && Manifest.parse(existing.get().content(), where(key)).upload().equals(u.id)) {
        u.committed();
        changed();
        return number;
      }
      number = Math.max(number + 1, numbers(model).highest() + 1);
    }
  }

  @Override
  public void deleteVersion(String model, int version) {
    requireConditionalWrites();
    String key = versionKey(model, version);
    while (true) {
      Optional<ObjectClient.Blob> blob = client.get(key);
      if (blob.isEmpty() || blob.get().content().length == 0) {
        return;
      }
      String upload = Manifest.parse(blob.get().content(), where(key)).upload();
      if (client.putIfMatch(key, new byte[0], blob.get().etag()).isPresent()) {
        seen.remove(key);
        changed();
        for (ObjectClient.Listed o : client.list(uploadPrefix(model, upload))) {
          client.delete(o.key());
        }
        return;
      }
    }
  }

  // ---- aliases ----

  @Override
  public AliasTable readAliases(String model) {
    return read(aliasesKey(model))
        .map(b -> new AliasTable(Optional.of(b.content()), Optional.of(b.etag())))
        .orElse(AliasTable.absent());
  }

  @Override
  public boolean replaceAliases(String model, AliasTable expected, byte[] content) {
    requireConditionalWrites();
    String key = aliasesKey(model);
    Optional<String> etag = expected.tag().isPresent()
        ? client.putIfMatch(key, content, expected.tag().get())
        : client.putIfAbsent(key, content);
    if (etag.isEmpty()) {
      return false;
    }
    seen.put(key, new ObjectClient.Blob(content.clone(), etag.get()));
    changed();
    return true;
  }

  // ---- change marker ----

  @Override
  public Optional<String> changeToken() {
    return Optional.of(read(changesKey()).map(ObjectClient.Blob::etag).orElse("none"));
  }

  /** Rewrites the change marker; a failure only delays pollers until their next full look. */
  private void changed() {
    try {
      client.put(changesKey(), UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII));
    } catch (StoreException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot update the change marker of " + location
          + "; other machines see this change at their next full look: " + e.getMessage());
    }
  }

  /**
   * Checks once, before the first write, that the server honours If-None-Match and If-Match: a
   * server that ignored them would let two publishers take one version number.
   */
  private void requireConditionalWrites() {
    if (conditionalWritesChecked) {
      return;
    }
    synchronized (this) {
      if (conditionalWritesChecked) {
        return;
      }
      String key = root + "probes/" + UUID.randomUUID();
      try {
        Optional<String> first = client.putIfAbsent(key, key.getBytes(StandardCharsets.UTF_8));
        if (first.isEmpty()) {
          throw client.noConditionalWrites(null);
        }
        boolean createOnly = client.putIfAbsent(key, new byte[] {'2'}).isEmpty();
        boolean compares = client.putIfMatch(key, new byte[] {'3'}, "\"0123456789abcdef0123456789abcdef\"").isEmpty();
        if (!createOnly || !compares) {
          throw new StoreException("the object store at " + location + " ignores conditional writes ("
              + (createOnly ? "If-Match" : "If-None-Match: *")
              + " was not honoured), which this store needs to give out version numbers and move aliases safely"
              + " between machines");
        }
      } finally {
        try {
          client.delete(key);
        } catch (StoreException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot remove probe " + key, e);
        }
      }
      conditionalWritesChecked = true;
    }
  }

  // ---- files beside the record ----

  private static final String RECORD_FILES = "maas-record/";

  private static void requireRecordFileName(String fileName) {
    if (!ArtifactWriter.isValidFileName(fileName)) {
      throw new IllegalArgumentException("not a valid file name: '" + fileName + "'");
    }
  }

  @Override
  public Optional<byte[]> readVersionFile(String model, int version, String fileName) {
    requireRecordFileName(fileName);
    Optional<Manifest> manifest = manifest(model, version);
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    return client.get(uploadPrefix(model, manifest.get().upload()) + RECORD_FILES + fileName)
        .map(ObjectClient.Blob::content);
  }

  @Override
  public void writeVersionFile(String model, int version, String fileName, byte[] content) {
    requireRecordFileName(fileName);
    Manifest manifest = manifest(model, version).orElseThrow(() ->
        new dev.maas.ModelNotFoundException("no version " + version + " of model '" + model + "'"));
    client.put(uploadPrefix(model, manifest.upload()) + RECORD_FILES + fileName, content);
    changed();
  }

  // ---- abandoned uploads ----

  /**
   * Removes the files of publishes whose pending marker is older than {@link #abandonedAfter}
   * (by the object store's clock) and whose upload no manifest names: first the marker is marked
   * abandoned (so such a publish, should it still be running, refuses to commit), then the
   * manifests are checked, then the files and the marker go. A sweep that dies half-way is
   * finished by a later one.
   *
   * @return how many abandoned publishes were cleaned up
   */
  int sweepAbandoned() {
    java.time.Instant cutoff = clock.instant().minus(abandonedAfter);
    String prefix = pendingPrefix();
    Map<String, Set<String>> committedByModel = new HashMap<>();
    int cleaned = 0;
    for (ObjectClient.Listed marker : client.list(prefix)) {
      if (!marker.lastModified().isBefore(cutoff)) {
        continue;
      }
      String rest = marker.key().substring(prefix.length());
      int slash = rest.lastIndexOf('/');
      if (slash <= 0) {
        continue;
      }
      String model = rest.substring(0, slash);
      String upload = rest.substring(slash + 1);
      if (!Manifest.isUploadId(upload) || model.contains("/") || active.contains(upload)) {
        continue;
      }
      if (marker.size() == 0) {
        client.put(marker.key(), ABANDONED);
      }
      Set<String> committed = committedByModel.computeIfAbsent(model, this::committedUploads);
      int files = 0;
      if (!committed.contains(upload)) {
        for (ObjectClient.Listed o : client.list(uploadPrefix(model, upload))) {
          client.delete(o.key());
          files++;
        }
        cleaned++;
        LOG.log(System.Logger.Level.INFO, "removed " + files + " file(s) of an abandoned publish of model '" + model
            + "' (upload " + upload + ", started " + marker.lastModified() + ") from " + location);
      }
      client.delete(marker.key());
    }
    return cleaned;
  }

  private static final byte[] ABANDONED = "abandoned".getBytes(StandardCharsets.US_ASCII);

  private Set<String> committedUploads(String model) {
    Set<String> ids = new java.util.HashSet<>();
    for (int n : numbers(model).live()) {
      manifest(model, n).ifPresent(m -> ids.add(m.upload()));
    }
    return ids;
  }

  // ---- artifacts ----

  @Override
  public ArtifactReader reader(String model, int version, Map<String, String> files) {
    Manifest manifest = manifest(model, version).orElseThrow(() ->
        new dev.maas.ModelNotFoundException("no version " + version + " of model '" + model + "'"));
    String prefix = uploadPrefix(model, manifest.upload());
    String label = model + ":" + version;
    // the bytes as uploaded (ciphertext, for an encrypted version) are what the cache keeps and checks
    Map<String, String> sums = new HashMap<>(files);
    manifest.stored().forEach((name, sha) -> sums.computeIfPresent(name, (n, recorded) -> sha));
    return new ArtifactReader() {
      @Override
      public String location() {
        return where(prefix);
      }

      @Override
      public Set<String> fileNames() {
        return files.keySet();
      }

      @Override
      public InputStream open(String fileName) throws IOException {
        return Files.newInputStream(fetch(fileName));
      }

      private Path fetch(String fileName) throws IOException {
        String sha = sums.get(fileName);
        if (sha == null || !ArtifactWriter.isValidFileName(fileName)) {
          throw new NoSuchFileException(fileName, null, "not a file of " + label);
        }
        String key = prefix + fileName;
        return cache.get(sha, "file '" + fileName + "' of " + label + " (" + where(key) + ")",
            target -> client.download(key, target))
            .orElseThrow(() -> new NoSuchFileException(where(key), null, "missing from the object store"));
      }

      @Override
      public Optional<Path> directory() {
        try {
          Map<String, Path> local = new LinkedHashMap<>();
          for (String name : new TreeMap<>(files).keySet()) {
            local.put(name, fetch(name));
          }
          return Optional.of(cache.directory(local));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** Files written to local disk, each uploaded as soon as its stream is closed. */
  private final class S3Upload implements Upload {
    final String model;
    final String id = UUID.randomUUID().toString();
    private final Map<String, String> digests = new HashMap<>();
    private final List<Path> local = new ArrayList<>();
    private final List<String> uploaded = new ArrayList<>();
    volatile boolean committed;
    private boolean discarded;
    private boolean markerGone;

    S3Upload(String model) throws IOException {
      this.model = model;
      Files.createDirectories(staging);
      active.add(id);
      try {
        client.put(pendingKey(model, id), new byte[0]);
      } catch (StoreException e) {
        active.remove(id);
        throw e;
      }
      try {
        sweepAbandoned();
      } catch (StoreException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot clean up abandoned publishes in " + location
            + "; a later publish tries again: " + e.getMessage());
      }
    }

    void committed() {
      committed = true;
      active.remove(id);
      removeMarker();
    }

    private void removeMarker() {
      if (markerGone) {
        return;
      }
      try {
        client.delete(pendingKey(model, id));
        markerGone = true;
      } catch (StoreException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove the pending marker " + where(pendingKey(model, id))
            + "; a publish after " + abandonedAfter + " removes it: " + e.getMessage());
      }
    }

    @Override
    public ArtifactWriter writer() {
      return fileName -> {
        if (!ArtifactWriter.isValidFileName(fileName)) {
          throw new StoreException("a model format asked for invalid artifact file name '" + fileName + "': "
              + ArtifactWriter.FILE_NAME_RULE);
        }
        if (digests.containsKey(fileName)) {
          throw new StoreException("a model format created artifact file '" + fileName + "' twice");
        }
        digests.put(fileName, "");
        Path file = staging.resolve(id + "-" + fileName);
        local.add(file);
        var sha = ObjectClient.sha256();
        OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new FilterOutputStream(new java.security.DigestOutputStream(raw, sha)) {
          private boolean closed;

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            if (closed) {
              return;
            }
            closed = true;
            super.close();
            String hex = HexFormat.of().formatHex(sha.digest());
            String key = uploadPrefix(model, id) + fileName;
            uploaded.add(key);
            client.put(key, file, hex);
            digests.put(fileName, hex);
            Files.deleteIfExists(file);
          }
        };
      };
    }

    @Override
    public void writeVersionFile(String fileName, byte[] content) {
      requireRecordFileName(fileName);
      String key = uploadPrefix(model, id) + RECORD_FILES + fileName;
      uploaded.add(key);
      client.put(key, content);
    }

    /** The SHA-256 of each file as uploaded; what the manifest records for the cache. */
    Map<String, String> storedDigests() {
      return digests();
    }

    @Override
    public Map<String, String> digests() {
      for (Map.Entry<String, String> e : digests.entrySet()) {
        if (e.getValue().isEmpty()) {
          throw new StoreException("the model format did not close artifact file '" + e.getKey() + "'");
        }
      }
      return Map.copyOf(digests);
    }

    @Override
    public void discard() {
      if (discarded) {
        return;
      }
      discarded = true;
      active.remove(id);
      for (Path p : local) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot remove " + p, e);
        }
      }
      if (!committed) {
        boolean all = true;
        for (String key : uploaded) {
          try {
            client.delete(key);
          } catch (StoreException e) {
            all = false;
            LOG.log(System.Logger.Level.WARNING, "cannot remove " + where(key) + " of a publish that failed; it is"
                + " invisible, and a publish after " + abandonedAfter + " removes it: " + e.getMessage());
          }
        }
        if (all) {
          // the marker stays while files do, so that a later sweep finds them
          removeMarker();
        }
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "S3Backend[" + location + "]";
  }
}
