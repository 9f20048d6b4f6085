package dev.maas.benchmarks;

import dev.maas.ModelCache;
import dev.maas.ModelStore;
import dev.maas.linear.LinearRegressionModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The model cache: a lease and one prediction on a loaded model ({@code hit}), the same when every
 * call loads its model ({@code coldLoad}: a budget for one model, two models taken in turn), and
 * 16 threads over a uniform mix of {@code models} linear models under a budget for 10
 * ({@code mix}: 10 models all fit, 100 models evict and reload). Sample time gives p50 and p99.
 *
 * <p>JMH state; the mix runs on 16 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ModelCacheBenchmark {
  /** Models in the mix (the budget fits 10). */
  @Param({"10", "100"})
  public int models;

  private Path dir;
  private ModelStore store;
  private ModelCache hits;
  private ModelCache cold;
  private ModelCache mix;
  private final double[] row = {0.5, -1.0, 2.0, 0.25};
  private int turn;

  /** Publishes the models and builds one cache per benchmark. */
  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("maas-cache-bench");
    store = ModelStore.open(dir);
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < models; i++) {
      double[] coefficients = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
          random.nextGaussian()};
      store.publish("m" + i, LinearRegressionModel.of(i, coefficients, List.of("a", "b", "c", "d")));
    }
    long weight;
    try (ModelCache probe = ModelCache.builder(store).measureResidentMemory(false).build()) {
      probe.acquire("m0").close();
      // the models' stored sizes differ by a few bytes (their coefficients' digits): a fifth more fits any one
      weight = probe.stats().bytesUsed() * 6 / 5;
    }
    hits = ModelCache.builder(store).measureResidentMemory(false).build();
    cold = ModelCache.builder(store).measureResidentMemory(false).memoryBudget(weight).build();
    mix = ModelCache.builder(store).measureResidentMemory(false).memoryBudget(10 * weight).build();
  }

  /** Closes the caches and the store and deletes the store's files. */
  @TearDown
  public void tearDown() throws IOException {
    hits.close();
    cold.close();
    mix.close();
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** A lease on a loaded model and one row predicted. */
  @Benchmark
  @Threads(1)
  public double hit() {
    try (ModelCache.Lease lease = hits.acquire("m0")) {
      return lease.predictor().predictRow(row);
    }
  }

  /** Every call evicts the other model and loads its own (read, checksum, parse) before predicting. */
  @Benchmark
  @Threads(1)
  public double coldLoad() {
    turn ^= 1;
    try (ModelCache.Lease lease = cold.acquire("m" + turn)) {
      return lease.predictor().predictRow(row);
    }
  }

  /** 16 threads, a uniformly random model each call, budget for 10. */
  @Benchmark
  @Threads(16)
  public double mix() {
    try (ModelCache.Lease lease = mix.acquire("m" + ThreadLocalRandom.current().nextInt(models))) {
      return lease.predictor().predictRow(row);
    }
  }
}
