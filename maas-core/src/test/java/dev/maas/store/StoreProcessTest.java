package dev.maas.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import dev.maas.StoreEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file-system store under real processes: killed mid-publish, and publishing side by side. */
class StoreProcessTest {
  private static final int KILLS = 30;

  @TempDir Path root;

  private static Process startWorker(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), StoreWorker.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  @Test
  void publishLoop_killedAtRandomMoments_storeStaysConsistent() throws Exception {
    Random random = new Random(20261129);
    int published = 0;
    for (int round = 0; round < KILLS; round++) {
      Process worker = startWorker("loop", root.toString(), Integer.toString(round));
      BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      List<Integer> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
      // Kill during a later publish, never before the first: each round must exercise the store.
      String first = out.readLine();
      assertThat(first).startsWith("published ");
      reported.add(Integer.parseInt(first.substring("published ".length())));
      Thread reader = new Thread(() -> {
        try {
          for (String line; (line = out.readLine()) != null; ) {
            reported.add(Integer.parseInt(line.substring("published ".length())));
          }
        } catch (IOException e) {
          // the stream closes when the worker is killed
        }
      });
      reader.start();
      Thread.sleep(random.nextInt(150));
      worker.destroyForcibly();
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      published += reported.size();

      try (ModelStore store = ModelStore.open(root, List.of(new ScaleFormat()))) {
        List<Integer> versions = checkConsistent(store);
        assertThat(versions).as("versions the killed worker reported").containsAll(reported);
        assertThat(versions.size()).as("versions after round %d", round).isGreaterThanOrEqualTo(published);
        int expectedNext = versions.isEmpty() ? 1 : versions.get(versions.size() - 1) + 1;
        try (Model model = new ScaleModel(round)) {
          assertThat(store.publish("m", model).version()).as("next number after round %d", round)
              .isEqualTo(expectedNext);
        }
        published = versions.size() + 1;
        try (Stream<Path> entries = Files.list(root.resolve("m"))) {
          assertThat(entries.map(p -> p.getFileName().toString()))
              .as("debris left after a publish cleaned up")
              .noneMatch(name -> name.startsWith(".staging-") || name.startsWith(".tmp-") || name.startsWith(".deleted-"));
        }
      }
    }
    assertThat(published).isGreaterThan(KILLS);
  }

  /** Every listed version loads and predicts, numbers have no gaps, aliases point at versions. */
  private static List<Integer> checkConsistent(ModelStore store) {
    if (store.models().isEmpty()) {
      return List.of();
    }
    List<Integer> numbers = new ArrayList<>();
    for (ModelVersion v : store.versions("m")) {
      numbers.add(v.version());
      try (Model model = store.open(v.reference().toString())) {
        assertThat(model.predictor().predict(ScaleModel.inputs(1, 1))).containsKeys("y", "sum");
      }
    }
    for (int i = 0; i < numbers.size(); i++) {
      assertThat(numbers.get(i)).as("version numbers are gap-free").isEqualTo(i + 1);
    }
    for (Map.Entry<String, Integer> alias : store.aliases("m").entrySet()) {
      assertThat(numbers).as("alias %s", alias.getKey()).contains(alias.getValue());
    }
    return numbers;
  }

  @Test
  void watch_anotherProcessMovesAnAlias200Times_listenersEndOnTheFinalTarget() throws Exception {
    try (ModelStore store = ModelStore.open(root, List.of(new ScaleFormat()))) {
      for (int i = 0; i < 3; i++) {
        try (Model model = new ScaleModel(i)) {
          store.publish("m", model);
        }
      }
      store.setAlias("m", "production", 1);
      java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
      store.addListener(e -> {
        if (e.type() == StoreEvent.Type.ALIAS_SET && e.alias().orElse("").equals("production")) {
          events.add(Integer.toString(e.version()));
        } else if (e.model().equals("marker")) {
          events.add("marker");
        }
      });
      ModelStore.Watch watch = store.watch(java.time.Duration.ofMillis(20));
      try {
        Process worker = startWorker("moves", root.toString(), "7", "200");
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
          line = out.readLine();
        }
        assertThat(worker.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isZero();
        assertThat(line).startsWith("final ");
        int last = Integer.parseInt(line.substring("final ".length()));
        // The watch reports the other process's moves without any call from this one.
        String seen = null;
        while (!Integer.toString(last).equals(seen)) {
          seen = events.poll(60, TimeUnit.SECONDS);
          assertThat(seen).as("an event for the final target %d", last).isNotNull();
        }
        // Whatever is still on its way ends on the final target: a look now, then a marker event
        // that is delivered after everything that look found.
        store.refresh();
        try (Model model = new ScaleModel(9)) {
          store.publish("marker", model);
        }
        for (String next = events.poll(60, TimeUnit.SECONDS); !"marker".equals(next);
            next = events.poll(60, TimeUnit.SECONDS)) {
          assertThat(next).as("events before the marker").isNotNull();
          seen = next;
        }
        assertThat(seen).as("the last target reported").isEqualTo(Integer.toString(last));
        assertThat(store.aliases("m")).containsEntry("production", last);
      } finally {
        watch.close();
      }
    }
  }

  @Test
  void publish_twoProcessesWithThreads_numbersDistinctAndGapFree() throws Exception {
    int threads = 3;
    int perThread = 20;
    List<Process> workers = List.of(
        startWorker("publish", root.toString(), "1", Integer.toString(threads), Integer.toString(perThread)),
        startWorker("publish", root.toString(), "2", Integer.toString(threads), Integer.toString(perThread)));
    List<Integer> reported = new ArrayList<>();
    for (Process worker : workers) {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          reported.add(Integer.parseInt(line.substring("published ".length())));
        }
      }
      assertThat(worker.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).isZero();
    }
    int total = 2 * threads * perThread;
    Set<Integer> distinct = new TreeSet<>(reported);
    assertThat(reported).hasSize(total);
    assertThat(distinct).hasSize(total);
    assertThat(distinct).first().isEqualTo(1);
    assertThat(((TreeSet<Integer>) distinct).last()).isEqualTo(total);
    try (ModelStore store = ModelStore.open(root, List.of(new ScaleFormat()))) {
      assertThat(checkConsistent(store)).hasSize(total);
      assertThat(store.aliases("m")).isNotEmpty();
    }
  }
}
