package dev.maas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentCacheTest {
  @TempDir Path dir;
  private final AtomicInteger fetches = new AtomicInteger();

  private static String sha(String content) throws IOException {
    return ObjectClient.sha256(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
  }

  private ContentCache.Fetcher writing(String content) {
    return target -> {
      fetches.incrementAndGet();
      try {
        Files.writeString(target, content);
        return Optional.of(sha(content));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  @Test
  void get_cachedCopy_isReusedUntilItIsAltered() throws Exception {
    ContentCache cache = new ContentCache(dir, 1 << 20);
    String sha = sha("weights");
    Path file = cache.get(sha, "w", writing("weights")).orElseThrow();
    assertThat(cache.get(sha, "w", writing("weights"))).contains(file);
    assertThat(fetches).hasValue(1);
    Files.writeString(file, "tampered");
    assertThat(Files.readString(cache.get(sha, "w", writing("weights")).orElseThrow())).isEqualTo("weights");
    assertThat(fetches).as("an altered copy is fetched again, not used").hasValue(2);
  }

  @Test
  void get_fetchedContentDoesNotMatch_isAnIntegrityError() throws Exception {
    ContentCache cache = new ContentCache(dir, 1 << 20);
    assertThatThrownBy(() -> cache.get(sha("expected"), "file 'w' of m:1", writing("other")))
        .isInstanceOf(IntegrityException.class).hasMessageContaining("file 'w' of m:1 was altered in the object store");
    try (var files = Files.list(dir.resolve("blobs"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void get_overTheBound_evictsLeastRecentlyUsed() throws Exception {
    ContentCache cache = new ContentCache(dir, 25);
    Path a = cache.get(sha("aaaaaaaaaa"), "a", writing("aaaaaaaaaa")).orElseThrow();
    Files.setLastModifiedTime(a, java.nio.file.attribute.FileTime.fromMillis(1_000));
    Path b = cache.get(sha("bbbbbbbbbb"), "b", writing("bbbbbbbbbb")).orElseThrow();
    Files.setLastModifiedTime(b, java.nio.file.attribute.FileTime.fromMillis(2_000));
    Path c = cache.get(sha("cccccccccc"), "c", writing("cccccccccc")).orElseThrow();
    assertThat(a).doesNotExist();
    assertThat(b).exists();
    assertThat(c).exists();
  }

  @Test
  void directory_namesFilesAsTheArtifactDoes() throws Exception {
    ContentCache cache = new ContentCache(dir, 1 << 20);
    Path w = cache.get(sha("w"), "w", writing("w")).orElseThrow();
    Path d = cache.directory(Map.of("model.onnx", w));
    assertThat(Files.readString(d.resolve("model.onnx"))).isEqualTo("w");
    assertThat(cache.directory(Map.of("model.onnx", w))).isEqualTo(d);
  }
}
