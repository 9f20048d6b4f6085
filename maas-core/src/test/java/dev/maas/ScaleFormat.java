package dev.maas;

import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The test format of {@link ScaleModel}: one file, {@code model.scale}, holding the factor in hex. */
public class ScaleFormat implements ModelFormat {
  /** For {@link java.util.ServiceLoader}. */
  public ScaleFormat() {}

  public static final String FILE = "model.scale";

  @Override
  public String name() {
    return "scale";
  }

  @Override
  public boolean canWrite(Model model) {
    return model instanceof ScaleModel;
  }

  @Override
  public void write(Model model, ArtifactWriter out) throws IOException {
    try (OutputStream stream = out.create(FILE)) {
      stream.write(Double.toHexString(((ScaleModel) model).factor).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Model open(ArtifactReader in) throws IOException {
    return parse(new String(in.readAllBytes(FILE), StandardCharsets.UTF_8), in.location() + "/" + FILE);
  }

  private static Model parse(String text, String location) {
    try {
      return new ScaleModel(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      throw new ModelLoadException(location + " holds no factor: '" + text + "'");
    }
  }

  @Override
  public boolean recognizes(java.nio.file.Path file) {
    return file.getFileName().toString().endsWith(".scale");
  }

  @Override
  public Model open(java.nio.file.Path file) throws IOException {
    return parse(java.nio.file.Files.readString(file), file.toString());
  }
}
