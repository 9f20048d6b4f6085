package dev.maas.onnx;

import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code onnx} model format: stores an {@link OnnxModel} as {@code model.onnx} (plus its
 * external-data files, when it has any) and opens it again with the {@link OnnxOptions} this
 * format was made with. Found by {@link java.util.ServiceLoader} with default options; pass {@code
 * new OnnxModelFormat(options)} to a store to choose others.
 *
 * <p>Stateless and thread-safe.
 */
public final class OnnxModelFormat implements ModelFormat {
  /** The format's name, {@code "onnx"}. */
  public static final String NAME = "onnx";
  /** The file the model graph is stored in. */
  public static final String MODEL_FILE = "model.onnx";

  private static final Pattern PLAIN_FILE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private final OnnxOptions options;

  /** The format with {@link OnnxOptions#defaults()}, as {@link java.util.ServiceLoader} makes it. */
  public OnnxModelFormat() {
    this(OnnxOptions.defaults());
  }

  /** The format that opens models with {@code options}. */
  public OnnxModelFormat(OnnxOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  public String name() {
    return NAME;
  }

  /** True for {@link OnnxModel}s whose external-data files, if any, have plain names. */
  @Override
  public boolean canWrite(Model model) {
    return model instanceof OnnxModel onnx
        && onnx.externalFiles().stream().allMatch(f -> PLAIN_FILE.matcher(f).matches() && !f.equals(MODEL_FILE));
  }

  @Override
  public void write(Model model, ArtifactWriter out) throws IOException {
    if (!canWrite(model)) {
      throw new InvalidInputException("the onnx format cannot write a " + model.getClass().getName());
    }
    OnnxModel onnx = (OnnxModel) model;
    try (OutputStream stream = out.create(MODEL_FILE)) {
      stream.write(onnx.modelBytes());
    }
    for (String file : onnx.externalFiles()) {
      Path source = onnx.directory().orElseThrow().resolve(file);
      try (OutputStream stream = out.create(file)) {
        Files.copy(source, stream);
      }
    }
  }

  /** True for files whose name ends in {@code .onnx}, in any case. */
  @Override
  public boolean recognizes(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
  }

  @Override
  public Model open(Path file) {
    return OnnxModel.open(file, options);
  }

  /**
   * Opens the version from the bytes {@code in} answers (those the store checked), never from the
   * files in its directory: external-data files too are read through {@code in} and inlined, so a
   * file replaced after the check cannot reach ONNX Runtime.
   */
  @Override
  public Model open(ArtifactReader in) throws IOException {
    return OnnxModel.fromStored(in, options);
  }
}
