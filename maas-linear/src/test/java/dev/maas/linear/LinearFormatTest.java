package dev.maas.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maas.Lineage;
import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearFormatTest {
  @TempDir Path root;

  private static LinearRegressionModel fitted() {
    double[][] x = Problems.filipLike().x();
    double[] y = Problems.filipLike().y();
    return LinearRegressionTrainer.ordinaryLeastSquares().fit(x, y);
  }

  @Test
  void publishAndOpen_fileSystemStore_roundTripsBitForBitWithReport() {
    LinearRegressionModel model = fitted();
    FitReport report = model.report().orElseThrow();
    try (ModelStore store = ModelStore.open(root)) {
      ModelVersion version = store.publish("filip", model, PublishOptions.builder().metrics(report.metrics())
          .parameters(report.parameters()).lineage(Lineage.of("filip.csv", "sha256:00", 82)).build());
      assertThat(version.format()).isEqualTo("linear");
      assertThat(version.metrics()).containsEntry("r_squared", report.rSquared()).containsEntry("n", 82.0);
      assertThat(version.parameters()).containsEntry("ridge", "0.0").containsEntry("intercept", "true");
      try (dev.maas.StoredModel opened = store.open("filip:1")) {
        assertThat(opened.version()).isEqualTo(version);
        LinearRegressionModel back = (LinearRegressionModel) opened.model();
        assertThat(Double.doubleToRawLongBits(back.intercept())).isEqualTo(Double.doubleToRawLongBits(model.intercept()));
        for (int j = 0; j < model.featureCount(); j++) {
          assertThat(Double.doubleToRawLongBits(back.coefficient(j)))
              .isEqualTo(Double.doubleToRawLongBits(model.coefficient(j)));
        }
        assertThat(back.featureNames()).isEqualTo(model.featureNames());
        assertThat(back.report()).contains(report);
      }
    }
  }

  @Test
  void write_modelWithoutReport_readsBackWithoutReport() throws Exception {
    LinearRegressionModel model = LinearRegressionModel.of(-0.0, new double[] {Double.MIN_VALUE, 1e300}, List.of("a", "b"));
    byte[] bytes = write(model);
    LinearRegressionModel back = (LinearRegressionModel) new LinearFormat().open(reader(bytes));
    assertThat(back.report()).isEmpty();
    assertThat(Double.doubleToRawLongBits(back.intercept())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(back.coefficients()).containsExactly(Double.MIN_VALUE, 1e300);
  }

  @Test
  void open_corruptArtifacts_throwModelLoadException() {
    LinearFormat format = new LinearFormat();
    for (String content : List.of("", "{", "[]", "{\"format\":\"onnx\",\"version\":1}",
        "{\"format\":\"linear\",\"version\":2,\"features\":[],\"intercept\":\"0x0p0\",\"coefficients\":[]}",
        "{\"format\":\"linear\",\"version\":1,\"features\":[\"a\"],\"intercept\":\"0x0p0\",\"coefficients\":[]}",
        "{\"format\":\"linear\",\"version\":1,\"features\":[\"a\"],\"intercept\":\"zero\",\"coefficients\":[\"0x1p0\"]}",
        "{\"format\":\"linear\",\"version\":1,\"features\":[\"a\"],\"intercept\":1,\"coefficients\":[\"0x1p0\"]}")) {
      assertThatThrownBy(() -> format.open(reader(content.getBytes(StandardCharsets.UTF_8))))
          .as(content).isInstanceOf(ModelLoadException.class).hasMessageContaining("memory:test");
    }
  }

  @Test
  void canWrite_otherModel_isFalse() {
    assertThat(new LinearFormat().canWrite(new LinearRegressionModelContractTest().newModel())).isTrue();
    assertThat(new LinearFormat().name()).isEqualTo("linear");
  }

  private static byte[] write(LinearRegressionModel model) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new LinearFormat().write(model, new ArtifactWriter() {
      @Override
      public OutputStream create(String fileName) {
        assertThat(fileName).isEqualTo(LinearFormat.FILE);
        return bytes;
      }
    });
    return bytes.toByteArray();
  }

  private static ArtifactReader reader(byte[] bytes) {
    return new ArtifactReader() {
      @Override
      public String location() {
        return "memory:test";
      }

      @Override
      public Set<String> fileNames() {
        return Set.of(LinearFormat.FILE);
      }

      @Override
      public InputStream open(String fileName) throws NoSuchFileException {
        if (!fileName.equals(LinearFormat.FILE)) {
          throw new NoSuchFileException(fileName);
        }
        return new ByteArrayInputStream(bytes);
      }

      @Override
      public Optional<Path> directory() {
        return Optional.empty();
      }
    };
  }
}
