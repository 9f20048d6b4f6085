package dev.maas;

import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The test format of {@link ScaleModel}: one file, {@code model.scale}, holding the factor in hex. */
class ScaleFormat implements ModelFormat {
  static final String FILE = "model.scale";

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
    String text = new String(in.readAllBytes(FILE), StandardCharsets.UTF_8);
    try {
      return new ScaleModel(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      throw new ModelLoadException(in.location() + ": " + FILE + " holds no factor: '" + text + "'");
    }
  }
}
