package dev.maas.store.s3;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ScaleFormat;
import dev.maas.ScaleModel;
import dev.maas.StoreEvent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A child process for the multi-machine tests, on an S3 store with its own cache.
 *
 * <p>{@code publish ENDPOINT PREFIX CACHE COUNT}: publishes COUNT versions of model {@code m},
 * printing {@code published N} for each. {@code follow ENDPOINT PREFIX CACHE}: watches the store,
 * prints {@code ready}, then {@code production N} for every move of alias {@code m@production} it
 * sees, until its standard input closes.
 */
final class S3StoreWorker {
  private S3StoreWorker() {}

  public static void main(String[] args) throws Exception {
    S3StoreOptions options = S3StoreOptions.builder(S3Server.BUCKET).endpoint(URI.create(args[1])).prefix(args[2])
        .credentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY).cacheDirectory(Path.of(args[3]))
        .retryBackoff(Duration.ofMillis(5)).build();
    try (ModelStore store = S3Store.open(options, List.of(new ScaleFormat()))) {
      if (args[0].equals("publish")) {
        for (int i = 0; i < Integer.parseInt(args[4]); i++) {
          try (Model model = new ScaleModel(1 + i)) {
            System.out.println("published " + store.publish("m", model).version());
            System.out.flush();
          }
        }
        return;
      }
      store.addListener(e -> {
        if (e.type() == StoreEvent.Type.ALIAS_SET && e.alias().orElseThrow().equals("production")) {
          System.out.println("production " + e.version());
          System.out.flush();
        }
      });
      ModelStore.Watch watch = store.watch(Duration.ofMillis(20));
      try {
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
          // until the test closes our input
        }
      } finally {
        watch.close();
      }
    }
  }
}
