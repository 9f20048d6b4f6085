package dev.maas.spi;

import dev.maas.Model;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A kind of model artifact (the {@code linear} format, the {@code onnx} format, ...): writes models
 * of its kind as files and opens them again. Implementations are found with {@link
 * java.util.ServiceLoader} or handed to a store explicitly; core knows none of them.
 *
 * <p>Implementations are stateless and thread-safe. The store computes and checks file checksums;
 * a format only reads and writes bytes. {@link IOException}s thrown here are reported by the store
 * as {@link dev.maas.StoreException} or {@link dev.maas.ModelLoadException}.
 */
public interface ModelFormat {
  /**
   * The format's name, recorded with every stored version: lower-case letters, digits and hyphens,
   * for example {@code "onnx"}.
   */
  String name();

  /** Whether {@link #write} can store {@code model}. */
  boolean canWrite(Model model);

  /**
   * Writes {@code model}'s artifact files through {@code out}.
   *
   * @throws IllegalArgumentException if {@link #canWrite} is false for {@code model}
   */
  void write(Model model, ArtifactWriter out) throws IOException;

  /**
   * Opens the artifact that {@link #write} produced. The caller owns the returned model and closes
   * it.
   *
   * @throws dev.maas.ModelLoadException if the files are not a valid artifact of this format
   */
  Model open(ArtifactReader in) throws IOException;

  /**
   * Whether {@code file}, a single artifact file outside any store (an {@code .onnx} file, say),
   * is of this format, judged by its name or its first bytes. Formats whose artifacts are not
   * single files return false, which is the default.
   */
  default boolean recognizes(Path file) {
    return false;
  }

  /**
   * Opens the single artifact file {@code file}, which {@link #recognizes} accepted. The caller owns
   * the returned model and closes it.
   *
   * @throws dev.maas.ModelLoadException if the file is not a valid artifact of this format
   * @throws UnsupportedOperationException if this format has no single-file artifacts (the default)
   */
  default Model open(Path file) throws IOException {
    throw new UnsupportedOperationException("format '" + name() + "' cannot open a single file");
  }
}
