package dev.maas.http;

import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The test format of {@link AffineModel}: one file, {@code model.affine}, holding "factor offset".
 * A factor of NaN marks a version that fails to load.
 */
public class AffineFormat implements ModelFormat {
  /** For {@link java.util.ServiceLoader}. */
  public AffineFormat() {}

  @Override
  public String name() {
    return "affine";
  }

  @Override
  public boolean canWrite(Model model) {
    return model instanceof AffineModel;
  }

  @Override
  public void write(Model model, ArtifactWriter out) throws IOException {
    AffineModel m = (AffineModel) model;
    try (OutputStream stream = out.create("model.affine")) {
      stream.write((m.factor + " " + m.offset + (m.refusesZeros ? " refuses-zeros" : "")).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Model open(ArtifactReader in) throws IOException {
    String[] parts = new String(in.readAllBytes("model.affine"), StandardCharsets.UTF_8).split(" ");
    float factor = Float.parseFloat(parts[0]);
    if (Float.isNaN(factor)) {
      throw new ModelLoadException("cannot load " + in.location() + "/model.affine: this version is broken on purpose");
    }
    return new AffineModel(factor, Float.parseFloat(parts[1]), parts.length > 2 && parts[2].equals("refuses-zeros"));
  }
}
