package dev.maas.store;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A child process for the crash and concurrency tests: publishes {@link ScaleModel}s into a
 * file-system store and moves aliases, printing one line per published version.
 *
 * <p>{@code loop ROOT SEED}: publish to model {@code m} forever. {@code publish ROOT SEED THREADS
 * COUNT}: THREADS threads each publish COUNT versions of model {@code m}, then exit. {@code moves ROOT
 * SEED COUNT}: point alias {@code m@production} at a random existing version COUNT times, then print
 * the final target.
 */
final class StoreWorker {
  private StoreWorker() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    try (ModelStore store = ModelStore.open(root, List.of(new ScaleFormat()))) {
      if (args[0].equals("moves")) {
        Random random = new Random(seed);
        int versions = store.versions("m").size();
        int target = 0;
        for (int i = 0; i < Integer.parseInt(args[3]); i++) {
          target = 1 + random.nextInt(versions);
          store.setAlias("m", "production", target);
        }
        System.out.println("final " + target);
        return;
      }
      if (args[0].equals("loop")) {
        Random random = new Random(seed);
        System.out.println("ready");
        System.out.flush();
        while (true) {
          publishOne(store, random);
        }
      }
      int threads = Integer.parseInt(args[3]);
      int count = Integer.parseInt(args[4]);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random random = new Random(seed * 1000 + t);
        Thread worker = new Thread(() -> {
          for (int i = 0; i < count; i++) {
            publishOne(store, random);
          }
        });
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
    }
  }

  private static void publishOne(ModelStore store, Random random) {
    int version;
    try (Model model = new ScaleModel(random.nextDouble())) {
      version = store.publish("m", model).version();
    }
    store.setAlias("m", random.nextBoolean() ? "production" : "staging", version);
    synchronized (System.out) {
      System.out.println("published " + version);
      System.out.flush();
    }
  }
}
