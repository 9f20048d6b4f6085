package dev.maas;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The root of every exception MaaS throws on purpose. All are unchecked; the subclass says what the
 * caller does next (see {@code docs/java-api.md} for the family and the HTTP status each maps to).
 *
 * <p>Besides its message, an exception carries a {@link Context}: the input it is about, the model
 * reference and the file, when known, so that a server can build a response without parsing
 * messages. {@link #getMessage()} is for logs and may name files of this machine; {@link
 * #publicMessage()} is the same text with every path of the context shortened to its last name, fit
 * for a remote caller.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class MaasException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Context context;

  /** Creates an exception with a message naming the condition and the offending value. */
  public MaasException(String message) {
    this(message, null, Context.none());
  }

  /** Creates an exception with a message and the cause it wraps. */
  public MaasException(String message, Throwable cause) {
    this(message, cause, Context.none());
  }

  /** Creates an exception with a message, the cause it wraps (or null) and structured context. */
  public MaasException(String message, Throwable cause, Context context) {
    super(message, cause);
    this.context = Objects.requireNonNull(context, "context");
  }

  /** What the exception is about, as data. */
  public final Context context() {
    return context;
  }

  /**
   * The message without paths of this machine: every occurrence of the context's {@link
   * Context#file() file} or one of its parent directories is replaced by its last name. Messages are
   * built so that the paths they show are those of the context.
   */
  public String publicMessage() {
    String message = Objects.requireNonNullElse(getMessage(), "");
    Optional<Path> file = context.file();
    if (file.isEmpty()) {
      return message;
    }
    List<Path> paths = new ArrayList<>();
    for (Path p = file.get(); p != null && p.getFileName() != null; p = p.getParent()) {
      paths.add(p);
    }
    for (Path p : paths) {
      String full = p.toString();
      if (p.isAbsolute() && full.length() > 1) {
        message = message.replace(full, p.getFileName().toString());
      }
    }
    return message;
  }

  /**
   * Facts about what an exception concerns: the input (a tensor name), the model (a reference such
   * as {@code name:3}) and the file, each optional.
   *
   * <p>Instances are immutable and safe to share between threads.
   */
  public static final class Context implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Context NONE = new Context(null, null, null);

    private final String input;
    private final String model;
    private final String file;

    private Context(String input, String model, String file) {
      this.input = input;
      this.model = model;
      this.file = file;
    }

    /** No context. */
    public static Context none() {
      return NONE;
    }

    /** Context naming input {@code name}. */
    public static Context ofInput(String name) {
      return NONE.withInput(name);
    }

    /** Context naming model {@code reference}. */
    public static Context ofModel(ModelReference reference) {
      return NONE.withModel(reference);
    }

    /** Context naming {@code file}. */
    public static Context ofFile(Path file) {
      return NONE.withFile(file);
    }

    /** This context with the input name set. */
    public Context withInput(String name) {
      return new Context(Objects.requireNonNull(name, "name"), model, file);
    }

    /** This context with the model reference set. */
    public Context withModel(ModelReference reference) {
      return new Context(input, Objects.requireNonNull(reference, "reference").toString(), file);
    }

    /** This context with the file set (kept as an absolute path). */
    public Context withFile(Path file) {
      return new Context(input, model, Objects.requireNonNull(file, "file").toAbsolutePath().toString());
    }

    /** The name of the input the exception is about. */
    public Optional<String> input() {
      return Optional.ofNullable(input);
    }

    /** The model reference the exception is about, as written ({@code name}, {@code name:3}, {@code name@alias}). */
    public Optional<String> model() {
      return Optional.ofNullable(model);
    }

    /** The file the exception is about, as an absolute path of this machine. */
    public Optional<Path> file() {
      return Optional.ofNullable(file).map(Path::of);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Context c && Objects.equals(input, c.input) && Objects.equals(model, c.model)
          && Objects.equals(file, c.file);
    }

    @Override
    public int hashCode() {
      return Objects.hash(input, model, file);
    }

    @Override
    public String toString() {
      return "Context[input=" + input + ", model=" + model + ", file=" + file + "]";
    }
  }
}
