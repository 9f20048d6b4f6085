package dev.maas.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.maas.ModelLoadException;
import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.maas.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What MaaS checks in a serialized ONNX model before ONNX Runtime sees it: that it parses as a
 * {@code ModelProto} with a graph, and that every external-data location is a relative path that
 * stays inside the model's directory and exists there (or, for a stored version read from memory,
 * is one of the version's files).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
final class OnnxArtifact {
  private final long irVersion;
  private final Map<String, Long> opsets;
  private final List<String> externalFiles;

  private OnnxArtifact(long irVersion, Map<String, Long> opsets, List<String> externalFiles) {
    this.irVersion = irVersion;
    this.opsets = Map.copyOf(opsets);
    this.externalFiles = List.copyOf(externalFiles);
  }

  /**
   * Parses and checks {@code bytes}.
   *
   * @param baseDirectory the directory external data is resolved against, or empty when the
   *     model came as bytes (then external data is refused)
   * @param location a description of where the bytes came from, for messages
   * @throws ModelLoadException if the bytes are not an ONNX model or external data is unsafe
   */
  static OnnxArtifact check(byte[] bytes, Optional<Path> baseDirectory, String location) {
    ModelProto model = parse(bytes, location);
    Map<String, Long> opsets = opsets(model);
    Set<String> external = new LinkedHashSet<>();
    collectExternal(model.getGraph(), external);
    if (!external.isEmpty()) {
      Path base = baseDirectory.orElseThrow(() -> new ModelLoadException(location
          + " keeps tensor data in external files " + external + ", which needs the model opened from its directory"));
      checkInside(base, external, location);
    }
    return new OnnxArtifact(model.getIrVersion(), opsets, new ArrayList<>(external));
  }

  /**
   * Parses and checks {@code bytes}, a model whose external-data files must be among {@code
   * files} (the other files of its stored version, which are read from memory, not by path).
   *
   * @throws ModelLoadException if the bytes are not an ONNX model or name an external file that is
   *     not one of {@code files}
   */
  static OnnxArtifact check(byte[] bytes, Set<String> files, String location) {
    ModelProto model = parse(bytes, location);
    Set<String> external = new LinkedHashSet<>();
    collectExternal(model.getGraph(), external);
    for (String file : external) {
      if (!files.contains(file)) {
        throw new ModelLoadException(location + ": external data file '" + file + "' is not a file of the version "
            + "(it has " + files + ")");
      }
    }
    return new OnnxArtifact(model.getIrVersion(), opsets(model), new ArrayList<>(external));
  }

  private static ModelProto parse(byte[] bytes, String location) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(location + " is not an ONNX model (truncated or not a protobuf ModelProto): "
          + e.getMessage(), e);
    }
    if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0) {
      throw new ModelLoadException(location + " is not an ONNX model: no graph, IR version or opset import");
    }
    return model;
  }

  private static Map<String, Long> opsets(ModelProto model) {
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto opset : model.getOpsetImportList()) {
      opsets.put(opset.getDomain().isEmpty() ? "ai.onnx" : opset.getDomain(), opset.getVersion());
    }
    return opsets;
  }

  private static void checkInside(Path base, Set<String> external, String location) {
    Path root = base.toAbsolutePath().normalize();
    for (String file : external) {
      Path relative;
      try {
        relative = Path.of(file);
      } catch (java.nio.file.InvalidPathException e) {
        throw new ModelLoadException(location + ": external data path '" + file + "' is not a valid path", e);
      }
      Path resolved = root.resolve(relative).normalize();
      if (relative.isAbsolute() || file.startsWith("/") || file.startsWith("\\") || !resolved.startsWith(root)
          || resolved.equals(root)) {
        throw new ModelLoadException(location + ": external data path '" + file
            + "' points outside the model's directory " + root);
      }
      if (!Files.isRegularFile(resolved)) {
        throw new ModelLoadException(location + ": external data file '" + file + "' is missing in " + root);
      }
      try {
        if (!resolved.toRealPath().startsWith(root.toRealPath())) {
          throw new ModelLoadException(location + ": external data path '" + file
              + "' links outside the model's directory " + root);
        }
      } catch (java.io.IOException e) {
        throw new ModelLoadException(location + ": cannot resolve external data path '" + file + "'", e);
      }
    }
  }

  private static void collectExternal(GraphProto graph, Set<String> out) {
    for (TensorProto t : graph.getInitializerList()) {
      collectExternal(t, out);
    }
    for (NodeProto node : graph.getNodeList()) {
      for (AttributeProto a : node.getAttributeList()) {
        if (a.hasT()) {
          collectExternal(a.getT(), out);
        }
        for (TensorProto t : a.getTensorsList()) {
          collectExternal(t, out);
        }
        if (a.hasG()) {
          collectExternal(a.getG(), out);
        }
        for (GraphProto g : a.getGraphsList()) {
          collectExternal(g, out);
        }
      }
    }
  }

  private static void collectExternal(TensorProto t, Set<String> out) {
    if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL && t.getExternalDataCount() == 0) {
      return;
    }
    String location = null;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      if (e.getKey().equals("location")) {
        location = e.getValue();
      }
    }
    if (location == null || location.isEmpty()) {
      throw new ModelLoadException("initializer '" + t.getName() + "' has external data without a location");
    }
    out.add(location);
  }

  /** The model's IR version. */
  long irVersion() {
    return irVersion;
  }

  /** Operator set versions by domain ({@code ai.onnx} for the default domain). */
  Map<String, Long> opsets() {
    return opsets;
  }

  /** The relative paths of the external-data files the model reads, in first-use order. */
  List<String> externalFiles() {
    return externalFiles;
  }
}
