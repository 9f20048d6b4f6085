package dev.maas.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3StoreOptionsTest {
  @Test
  void fromUri_bucketAndPrefix_areTakenFromTheLocation() {
    S3StoreOptions o = S3StoreOptions.fromUri(URI.create("s3://models/team/prod/"), Map.of(), Map.of());
    assertThat(o.bucket()).isEqualTo("models");
    assertThat(o.prefix()).isEqualTo("team/prod");
    assertThat(o.location()).isEqualTo("s3://models/team/prod");
    assertThat(o.endpoint()).isEmpty();
    assertThat(o.region()).isEqualTo("us-east-1");
    assertThat(o.pathStyle()).isTrue();
  }

  @Test
  void fromUri_settingsWinOverTheEnvironment() {
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://env:9000", "AWS_REGION", "eu-west-1");
    S3StoreOptions fromEnv = S3StoreOptions.fromUri(URI.create("s3://models"), Map.of(), env);
    assertThat(fromEnv.endpoint()).contains(URI.create("http://env:9000"));
    assertThat(fromEnv.region()).isEqualTo("eu-west-1");
    S3StoreOptions s3Specific = S3StoreOptions.fromUri(URI.create("s3://models"), Map.of(),
        Map.of("AWS_ENDPOINT_URL", "http://env:9000", "AWS_ENDPOINT_URL_S3", "http://s3env:9000"));
    assertThat(s3Specific.endpoint()).contains(URI.create("http://s3env:9000"));
    S3StoreOptions given = S3StoreOptions.fromUri(URI.create("s3://models"),
        Map.of("endpoint", "https://minio.internal", "region", "ap-south-1", "cache-dir", "/tmp/c"), env);
    assertThat(given.endpoint()).contains(URI.create("https://minio.internal"));
    assertThat(given.region()).isEqualTo("ap-south-1");
    assertThat(given.cacheDirectory()).contains(Path.of("/tmp/c"));
  }

  @Test
  void fromUri_malformed_namesWhatIsWrong() {
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("gs://models"), Map.of(), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("s3://bucket/prefix");
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("s3://Models_Bad"), Map.of(), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("bucket name 'Models_Bad'");
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("s3://models/a/../b"), Map.of(), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("key prefix '/a/../b'");
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("s3://models/p?x=1"), Map.of(), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("only a bucket and a prefix");
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("s3://models"), Map.of("endpiont", "x"), Map.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown S3 store setting 'endpiont'");
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("s3://models"), Map.of("endpoint", "minio:9000"),
        Map.of())).isInstanceOf(InvalidInputException.class).hasMessageContaining("http:// or https://");
  }

  @Test
  void builder_badValues_areRejectedAtOnce() {
    S3StoreOptions.Builder b = S3StoreOptions.builder("models");
    assertThatThrownBy(() -> b.maxAttempts(0)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts must be 1 to 100, got 0");
    assertThatThrownBy(() -> b.cacheMaxBytes(0)).isExactlyInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.requestTimeout(java.time.Duration.ZERO)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> b.credentials("", "x")).isExactlyInstanceOf(IllegalArgumentException.class);
    assertThat(b.credentials("id", "secret").build().toString()).doesNotContain("secret");
  }

  @Test
  void fromUri_abandonedAfter_isADuration() {
    assertThat(S3StoreOptions.fromUri(URI.create("s3://models"), Map.of(), Map.of()).abandonedUploadsAfter())
        .isEqualTo(java.time.Duration.ofHours(24));
    for (var e : Map.of("36h", java.time.Duration.ofHours(36), "90m", java.time.Duration.ofMinutes(90),
        "2d", java.time.Duration.ofDays(2), "PT12H", java.time.Duration.ofHours(12)).entrySet()) {
      assertThat(S3StoreOptions.fromUri(URI.create("s3://models"), Map.of("abandoned-after", e.getKey()), Map.of())
          .abandonedUploadsAfter()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("s3://models"), Map.of("abandoned-after", "soon"),
        Map.of())).isInstanceOf(InvalidInputException.class).hasMessageContaining("abandoned-after='soon' is not a duration");
    assertThatThrownBy(() -> S3StoreOptions.fromUri(URI.create("s3://models"), Map.of("abandoned-after", "0h"),
        Map.of())).isInstanceOf(InvalidInputException.class).hasMessageContaining("more than zero");
  }
}
