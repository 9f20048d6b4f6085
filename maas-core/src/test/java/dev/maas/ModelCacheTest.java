package dev.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.spi.AbstractModel;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ModelCacheTest {
  /** Every artifact is this long, so a version weighs exactly this much (factor 1, no measurement). */
  private static final int ARTIFACT = 1000;

  @TempDir Path dir;

  private final CountingFormat format = new CountingFormat();

  @Test
  void acquire_randomMixOf100ModelsBudgetFor10_noFailureWithinBudgetNothingLeaked() throws Exception {
    try (ModelStore store = ModelStore.open(dir, List.of(format))) {
      for (int i = 1; i <= 100; i++) {
        store.publish("m" + i, new Counted(i));
      }
      format.opened.set(0);
      int threadsBefore = Thread.activeCount();
      AtomicLong maxUsed = new AtomicLong();
      AtomicInteger failures = new AtomicInteger();
      AtomicInteger wrong = new AtomicInteger();
      try (ModelCache cache = cache(store, 10 * ARTIFACT)) {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
          List<Future<?>> done = new ArrayList<>();
          for (int c = 0; c < 16; c++) {
            long seed = 42 + c;
            done.add(clients.submit(() -> {
              Random random = new Random(seed);
              for (int r = 0; r < 300; r++) {
                // a skewed mix: most requests go to 12 hot models, the rest anywhere
                int m = random.nextInt(4) == 0 ? 1 + random.nextInt(100) : 1 + random.nextInt(12);
                try (ModelCache.Lease lease = cache.acquire("m" + m)) {
                  double y = lease.predictor().predict(Map.of("x", Tensor.ofDoubles(new double[] {1, 2}, 1, 2)))
                      .get("y").toDoubleArray()[1];
                  if (y != 2.0 * m || lease.version().version() != 1 || !lease.version().name().equals("m" + m)) {
                    wrong.incrementAndGet();
                  }
                } catch (MaasException e) {
                  failures.incrementAndGet();
                }
                long used = cache.stats().bytesUsed();
                maxUsed.accumulateAndGet(used, Math::max);
              }
            }));
          }
          for (Future<?> f : done) {
            f.get(100, TimeUnit.SECONDS);
          }
          assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 16 + 2);
        } finally {
          clients.shutdownNow();
        }
        ModelCache.Stats stats = cache.stats();
        assertThat(failures).hasValue(0);
        assertThat(wrong).hasValue(0);
        assertThat(maxUsed.get()).isLessThanOrEqualTo(10L * ARTIFACT);
        assertThat(stats.modelsLoaded()).isLessThanOrEqualTo(10);
        assertThat(stats.evictions()).isGreaterThan(100);
        assertThat(stats.loads()).isEqualTo(stats.evictions() + stats.modelsLoaded());
        assertThat(stats.hits() + stats.misses()).isEqualTo(16 * 300);
        assertThat(format.opened.get() - Counted.closed(format)).isEqualTo(stats.modelsLoaded());
        assertThat(format.opened.get()).isEqualTo(stats.loads());
      }
      assertThat(Counted.closed(format)).isEqualTo(format.opened.get());
    }
  }

  @Test
  void acquire_concurrentFirstRequests_shareOneLoad() throws Exception {
    try (ModelStore store = ModelStore.open(dir, List.of(format))) {
      store.publish("slow", new Counted(3));
      format.opened.set(0);
      format.gate = new CountDownLatch(1);
      try (ModelCache cache = cache(store, 10 * ARTIFACT)) {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
          List<Future<Double>> answers = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            answers.add(clients.submit(() -> {
              try (ModelCache.Lease lease = cache.acquire("slow")) {
                return lease.predictor().predict(Map.of("x", Tensor.ofDoubles(new double[] {1, 1}, 1, 2)))
                    .get("y").toDoubleArray()[0];
              }
            }));
          }
          assertThat(format.entered.await(30, TimeUnit.SECONDS)).isTrue();
          format.gate.countDown();
          for (Future<Double> f : answers) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(3.0);
          }
        } finally {
          clients.shutdownNow();
        }
        assertThat(format.opened).hasValue(1);
        assertThat(cache.stats().loads()).isEqualTo(1);
        assertThat(cache.stats().misses() + cache.stats().hits()).isEqualTo(8);
      }
    }
  }

  @Test
  void acquire_modelHeavierThanBudget_refusedWithClearError() {
    try (ModelStore store = ModelStore.open(dir, List.of(format))) {
      store.publish("big", new Counted(1));
      try (ModelCache cache = cache(store, ARTIFACT - 1)) {
        assertThatThrownBy(() -> cache.acquire("big"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessage("model 'big' version 1 needs about 1000 bytes, more than the whole memory budget of 999 bytes");
        assertThat(format.opened).hasValue(0);
      }
    }
  }

  @Test
  void acquire_budgetTakenByLeasedModels_givesUpAfterMaxWaitThenLoadsOnceReleased() {
    try (ModelStore store = ModelStore.open(dir, List.of(format))) {
      store.publish("a", new Counted(1));
      store.publish("b", new Counted(2));
      try (ModelCache cache = ModelCache.builder(store).memoryBudget(ARTIFACT).measureResidentMemory(false)
          .formatFactor("counted", 1.0).maxWait(Duration.ofMillis(50)).build()) {
        ModelCache.Lease a = cache.acquire("a");
        assertThatThrownBy(() -> cache.acquire("b"))
            .isInstanceOf(OverloadedException.class)
            .hasMessageContaining("taken by models in use");
        a.close();
        try (ModelCache.Lease b = cache.acquire("b")) {
          assertThat(b.version().name()).isEqualTo("b");
        }
        assertThat(cache.loaded()).containsExactly("b:1");
        assertThat(cache.stats().evictions()).isEqualTo(1);
      }
    }
  }

  @Test
  void keepLoaded_countsAgainstBudgetAndIsNeverEvicted() {
    try (ModelStore store = ModelStore.open(dir, List.of(format))) {
      for (int i = 1; i <= 4; i++) {
        store.publish("m" + i, new Counted(i));
      }
      try (ModelCache cache = ModelCache.builder(store).memoryBudget(2 * ARTIFACT).measureResidentMemory(false)
          .formatFactor("counted", 1.0).maxWait(Duration.ofMillis(50)).keepLoaded(List.of("m1")).build()) {
        assertThat(cache.loaded()).containsExactly("m1:1");
        for (int i = 2; i <= 4; i++) {
          cache.acquire("m" + i).close();
        }
        assertThat(cache.loaded()).containsExactlyInAnyOrder("m1:1", "m4:1");
        assertThat(cache.stats().bytesUsed()).isEqualTo(2L * ARTIFACT);
      }
      assertThatThrownBy(() -> ModelCache.builder(store).memoryBudget(ARTIFACT).measureResidentMemory(false)
          .formatFactor("counted", 1.0).keepLoaded(List.of("m1", "m2")).build())
          .isInstanceOf(ModelLoadException.class)
          .hasMessage("the models to keep loaded do not fit in the memory budget of 1000 bytes together (at 'm2')");
      assertThat(Counted.closed(format)).isEqualTo(format.opened.get());
    }
  }

  @Test
  void acquire_failedLoad_refusedAgainWithinBackoffWithoutReading() {
    try (ModelStore store = ModelStore.open(dir, List.of(format))) {
      store.publish("bad", new Counted(1));
      format.fail = true;
      try (ModelCache cache = cache(store, 10 * ARTIFACT)) {
        assertThatThrownBy(() -> cache.acquire("bad")).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("refuses to open");
        int attempts = format.attempts.get();
        assertThatThrownBy(() -> cache.acquire("bad")).isInstanceOf(ModelLoadException.class);
        assertThat(format.attempts.get()).isEqualTo(attempts);
        assertThat(cache.stats().bytesUsed()).isZero();
      }
    }
  }

  @Test
  void acquire_afterClose_throwsModelClosed() {
    try (ModelStore store = ModelStore.open(dir, List.of(format))) {
      store.publish("a", new Counted(1));
      ModelCache cache = cache(store, 10 * ARTIFACT);
      ModelCache.Lease lease = cache.acquire("a");
      cache.close();
      assertThat(Counted.closed(format)).isZero(); // leased: closes when the lease does
      lease.close();
      assertThat(Counted.closed(format)).isEqualTo(1);
      assertThatThrownBy(() -> cache.acquire("a")).isInstanceOf(ModelClosedException.class);
    }
  }

  private static ModelCache cache(ModelStore store, long budget) {
    return ModelCache.builder(store).memoryBudget(budget).measureResidentMemory(false).formatFactor("counted", 1.0)
        .maxWait(Duration.ofSeconds(30)).build();
  }

  /** y = factor * x, sum of y by row; counts its closes on the format that opened it. */
  static final class Counted extends AbstractModel {
    private final double factor;
    private final CountingFormat owner;

    Counted(double factor) {
      this(factor, null);
    }

    Counted(double factor, CountingFormat owner) {
      super("counted model");
      this.factor = factor;
      this.owner = owner;
    }

    static int closed(CountingFormat format) {
      return format.closed.get();
    }

    @Override
    protected Map<String, Tensor> compute(Map<String, Tensor> inputs, Set<String> outputs) {
      return new ScaleModel(factor).predictor().predict(inputs);
    }

    @Override
    protected void release() {
      if (owner != null) {
        owner.closed.incrementAndGet();
      }
    }

    @Override
    public ModelSignature signature() {
      return ScaleModel.SIGNATURE;
    }

    @Override
    public Map<String, String> metadata() {
      return Map.of();
    }
  }

  /** The "counted" format: a factor padded to {@link #ARTIFACT} bytes; counts opens and closes. */
  static final class CountingFormat implements ModelFormat {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger attempts = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate;
    volatile boolean fail;

    @Override
    public String name() {
      return "counted";
    }

    @Override
    public boolean canWrite(Model model) {
      return model instanceof Counted;
    }

    @Override
    public void write(Model model, ArtifactWriter out) throws IOException {
      StringBuilder text = new StringBuilder(Double.toString(((Counted) model).factor));
      while (text.length() < ARTIFACT) {
        text.append(' ');
      }
      try (OutputStream stream = out.create("model.counted")) {
        stream.write(text.toString().getBytes(StandardCharsets.US_ASCII));
      }
    }

    @Override
    public Model open(ArtifactReader in) throws IOException {
      attempts.incrementAndGet();
      String text = new String(in.readAllBytes("model.counted"), StandardCharsets.US_ASCII).trim();
      if (fail) {
        throw new ModelLoadException("the counted format refuses to open this artifact");
      }
      entered.countDown();
      CountDownLatch g = gate;
      if (g != null) {
        try {
          if (!g.await(30, TimeUnit.SECONDS)) {
            throw new ModelLoadException("the test never opened the gate");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ModelLoadException("interrupted");
        }
      }
      opened.incrementAndGet();
      return new Counted(Double.parseDouble(text), this);
    }

    @Override
    public boolean recognizes(Path file) {
      return file.getFileName().toString().endsWith(".counted");
    }

    @Override
    public Model open(Path file) throws IOException {
      throw new IOException("not used");
    }
  }
}
