package dev.maas.monitor;

import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.ModelSignature;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a model version's training (or other reference) data looked like, feature by feature, for
 * each input and output tensor: the reference that live traffic is compared with to detect drift.
 * Built in one pass over the data by {@link #builder}, stored with a version as {@link #FILE_NAME}
 * in the JSON form of {@link #writeJson} / {@link #readJson}.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param rows how many rows the reference data had
 * @param inputs the input tensors' statistics, in signature order
 * @param outputs the output tensors' statistics, in signature order
 */
public record ReferenceStatistics(long rows, List<TensorReference> inputs, List<TensorReference> outputs) {
  /** The file name of the reference statistics in a stored version. */
  public static final String FILE_NAME = "reference.json";

  /** Checks the components: no negative row count, no tensor named twice on one side. */
  public ReferenceStatistics {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (rows < 0) {
      throw new InvalidInputException("rows must not be negative, got " + rows);
    }
    for (List<TensorReference> side : List.of(inputs, outputs)) {
      Set<String> names = new HashSet<>();
      for (TensorReference t : side) {
        if (!names.add(t.name())) {
          throw new InvalidInputException("tensor '" + t.name() + "' appears twice in the reference");
        }
      }
    }
  }

  /** A builder that summarises data of a model with {@code signature} in one pass. */
  public static ReferenceBuilder builder(ModelSignature signature, ReferenceOptions options) {
    return new ReferenceBuilder(signature, options);
  }

  /** The statistics of input {@code name}, if recorded. */
  public Optional<TensorReference> input(String name) {
    return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The statistics of output {@code name}, if recorded. */
  public Optional<TensorReference> output(String name) {
    return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /**
   * This reference with the outputs of {@code other} (made by the same data through another model,
   * such as an optimised child of the model this reference describes) in place of its own.
   */
  public ReferenceStatistics withOutputsOf(ReferenceStatistics other) {
    return new ReferenceStatistics(rows, inputs, other.outputs);
  }

  /**
   * Checks that this reference fits {@code signature}: every recorded tensor exists there, as
   * many columns wide (dimension 1 of a rank-2 tensor; 1 for other ranks) as recorded.
   *
   * @throws InvalidInputException naming the first tensor that does not fit
   */
  public void checkFits(ModelSignature signature) {
    Objects.requireNonNull(signature, "signature");
    for (TensorReference t : inputs) {
      ReferenceLayout.check(t, signature.input(t.name()).orElseThrow(() -> new InvalidInputException(
          "the reference describes input '" + t.name() + "', which the model does not have; its inputs are "
              + signature.inputs().stream().map(s -> s.name()).toList())), "input");
    }
    for (TensorReference t : outputs) {
      ReferenceLayout.check(t, signature.output(t.name()).orElseThrow(() -> new InvalidInputException(
          "the reference describes output '" + t.name() + "', which the model does not have; its outputs are "
              + signature.outputs().stream().map(s -> s.name()).toList())), "output");
    }
  }

  /**
   * The reference statistics stored with {@code version} in {@code store}, if it has them, after
   * their checksum is verified. Versions published without them (older ones, say) have none.
   *
   * @throws IntegrityException if the stored file was altered or is not valid reference statistics
   */
  public static Optional<ReferenceStatistics> stored(ModelStore store, ModelVersion version) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(version, "version");
    if (!version.files().containsKey(FILE_NAME)) {
      return Optional.empty();
    }
    byte[] json = store.readFile(version, FILE_NAME);
    try {
      return Optional.of(readJson(json));
    } catch (InvalidInputException e) {
      throw new IntegrityException(version.reference() + ": file '" + FILE_NAME
          + "' is not valid reference statistics: " + e.getMessage(), e);
    }
  }

  /**
   * Adds this reference to {@code options} as the extra file {@link #FILE_NAME}, so that the version
   * published with them stores it under its checksums.
   */
  public PublishOptions.Builder attachTo(PublishOptions.Builder options) {
    return options.extraFile(FILE_NAME, toJson());
  }

  /** Writes the JSON form of this reference to {@code out} (which stays open). */
  public void writeJson(OutputStream out) throws IOException {
    ReferenceJson.write(this, out);
  }

  /** The JSON form of this reference, UTF-8. */
  public byte[] toJson() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      writeJson(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads the JSON form written by {@link #writeJson}.
   *
   * @throws InvalidInputException if the bytes are not such a document; the message names the field
   */
  public static ReferenceStatistics readJson(byte[] json) {
    return ReferenceJson.read(json);
  }
}
