package dev.maas.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.maas.DataType;
import dev.maas.MaasException;
import dev.maas.ModelLoadException;
import dev.maas.ModelSignature;
import dev.maas.PredictionException;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.spi.AbstractModel;
import dev.maas.spi.ArtifactReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX model running in-process on ONNX Runtime: a {@link Model} whose signature is read from
 * the ONNX graph (names, element types, shapes with {@code -1} for symbolic or unknown dimensions)
 * and whose predictor checks every request against that signature (with {@link
 * ModelSignature#validateInputs}'s messages), hands inputs to ONNX Runtime from direct native-order
 * buffers and copies each output once into a {@link Tensor}. Open one with {@link #open(Path)} or {@link #fromBytes(byte[])}
 * (or from a {@link dev.maas.ModelStore}, through {@link OnnxModelFormat}) and close it when done.
 *
 * <p>Thread-safe: one model serves many threads at once. {@link #close()} refuses new calls at once
 * ({@link dev.maas.ModelClosedException}), lets the calls in flight finish, and then frees the
 * native session and the model's input buffers, without blocking the closing thread (see {@link
 * dev.maas.Model}).
 */
public final class OnnxModel extends AbstractModel {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final OrtSession.SessionOptions sessionOptions;
  private final OnnxOptions options;
  private final ModelSignature signature;
  private final Map<String, String> metadata;
  private final List<InputBinding> inputs;
  private final List<OutputBinding> outputs;
  private final ScratchBuffers scratch = new ScratchBuffers();
  private final byte[] bytes;
  private final Path file;
  private final List<String> externalFiles;
  private final String location;

  private OnnxModel(Loaded l) {
    super(l.file != null ? "ONNX model '" + l.file.getFileName() + "'" : "ONNX model (" + l.bytes.length + " bytes)");
    this.env = l.env;
    this.session = l.session;
    this.sessionOptions = l.sessionOptions;
    this.options = l.options;
    this.signature = l.signature;
    this.metadata = Collections.unmodifiableMap(l.metadata);
    this.inputs = List.copyOf(l.inputs);
    this.outputs = List.copyOf(l.outputs);
    this.bytes = l.bytes;
    this.file = l.file;
    this.externalFiles = l.externalFiles;
    this.location = l.location;
  }

  /**
   * Opens the ONNX model in {@code file} with {@link OnnxOptions#defaults()}. External-data files
   * are resolved in {@code file}'s directory.
   *
   * @throws ModelLoadException if the file cannot be read, is not an ONNX model, refers to
   *     external data outside its directory, or uses what MaaS or ONNX Runtime cannot run
   */
  public static OnnxModel open(Path file) {
    return open(file, OnnxOptions.defaults());
  }

  /** Opens the ONNX model in {@code file} with {@code options}; see {@link #open(Path)}. */
  public static OnnxModel open(Path file, OnnxOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(options, "options");
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read ONNX model " + file + ": " + e, e, MaasException.Context.ofFile(file));
    }
    Path absolute = file.toAbsolutePath();
    try {
      return load(content, absolute, options, absolute.toString());
    } catch (ModelLoadException e) {
      throw e.context().file().isPresent() ? e
          : new ModelLoadException(e.getMessage(), e, MaasException.Context.ofFile(absolute));
    }
  }

  /**
   * Opens the ONNX model serialized in {@code model} (a copy is kept) with {@link
   * OnnxOptions#defaults()}. A model that keeps tensors in external files must be opened from its
   * path instead.
   *
   * @throws ModelLoadException if the bytes are not an ONNX model MaaS and ONNX Runtime can run
   */
  public static OnnxModel fromBytes(byte[] model) {
    return fromBytes(model, OnnxOptions.defaults());
  }

  /** Opens the serialized ONNX model {@code model} with {@code options}; see {@link #fromBytes(byte[])}. */
  public static OnnxModel fromBytes(byte[] model, OnnxOptions options) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    return load(model.clone(), null, options, "ONNX model (" + model.length + " bytes)");
  }

  /**
   * Opens the {@code model.onnx} of a stored version from the bytes the store read and checked
   * ({@code in}), never from the files in its directory, which may have changed since: a model with
   * external data gets that data from {@code in} too, inlined into the bytes the session is built
   * from. A model read from a directory remembers it (for its name, and for publishing it again).
   */
  static OnnxModel fromStored(ArtifactReader in, OnnxOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    byte[] bytes = in.readAllBytes(OnnxModelFormat.MODEL_FILE);
    Path file = in.directory().map(d -> d.resolve(OnnxModelFormat.MODEL_FILE).toAbsolutePath()).orElse(null);
    String location = file != null ? file.toString() : "ONNX model (" + bytes.length + " bytes)";
    OnnxArtifact artifact = OnnxArtifact.check(bytes, in.fileNames(), location);
    byte[] session = bytes;
    if (!artifact.externalFiles().isEmpty()) {
      Map<String, byte[]> data = new HashMap<>();
      for (String name : artifact.externalFiles()) {
        data.put(name, in.readAllBytes(name));
      }
      session = ExternalData.inline(bytes, data, location);
    }
    // from a directory: written again from there (model.onnx and its data files); from memory:
    // the inlined model is the whole model
    return create(session, file, file == null ? session : null,
        file == null ? List.of() : artifact.externalFiles(), artifact, options, location);
  }

  private static OnnxModel load(byte[] bytes, Path file, OnnxOptions options, String location) {
    OnnxArtifact artifact = OnnxArtifact.check(bytes, Optional.ofNullable(file).map(Path::getParent), location);
    // from the bytes that were read and checked, so the file cannot be swapped before the session
    // reads it; only a model with external data opened by path needs the path (ONNX Runtime
    // resolves its data files by it)
    boolean byPath = file != null && !artifact.externalFiles().isEmpty();
    return create(byPath ? null : bytes, file, file == null ? bytes : null, artifact.externalFiles(), artifact,
        options, location);
  }

  /**
   * Builds the session from {@code sessionBytes}, or from {@code file}'s path when they are null.
   * {@code keptBytes} are what {@link #modelBytes()} answers (null: read {@code file} again).
   */
  private static OnnxModel create(byte[] sessionBytes, Path file, byte[] keptBytes, List<String> externalFiles,
      OnnxArtifact artifact, OnnxOptions options, String location) {
    OrtEnvironment env = OrtRuntime.environment();
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    OrtSession session = null;
    try {
      configure(so, options, location);
      session = sessionBytes == null ? env.createSession(file.toString(), so) : env.createSession(sessionBytes, so);
      Loaded l = new Loaded();
      l.env = env;
      l.session = session;
      l.sessionOptions = so;
      l.options = options;
      l.artifact = artifact;
      l.bytes = keptBytes;
      l.file = file;
      l.externalFiles = externalFiles;
      l.location = location;
      describe(l);
      return new OnnxModel(l);
    } catch (OrtException e) {
      closeQuietly(session, so);
      throw new ModelLoadException(location + ": ONNX Runtime cannot load the model: " + OrtRuntime.message(e), e);
    } catch (RuntimeException | Error e) {
      closeQuietly(session, so);
      throw e;
    }
  }

  private static void closeQuietly(OrtSession session, OrtSession.SessionOptions so) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // the load already failed; that failure is the one reported
      }
    }
    so.close();
  }

  private static void configure(OrtSession.SessionOptions so, OnnxOptions options, String location)
      throws OrtException {
    if (options.threadPools() == OnnxOptions.ThreadPools.SHARED) {
      if (!OrtRuntime.hasSharedPools()) {
        throw new ModelLoadException(location + ": shared thread pools are unavailable because the ONNX Runtime "
            + "environment was created by other code before MaaS opened its first model");
      }
      so.disablePerSessionThreads();
    } else {
      if (options.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.interOpThreads() > 0) {
        so.setInterOpNumThreads(options.interOpThreads());
      }
    }
    so.setOptimizationLevel(switch (options.optimizationLevel()) {
      case DISABLED -> OrtSession.SessionOptions.OptLevel.NO_OPT;
      case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
    });
    so.setExecutionMode(options.executionMode() == OnnxOptions.ExecutionMode.PARALLEL
        ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
        : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    so.setCPUArenaAllocator(options.cpuMemoryArena());
    if (options.optimizedModelPath().isPresent()) {
      so.setOptimizedModelFilePath(options.optimizedModelPath().get().toString());
    }
    if (options.executionProvider() == OnnxOptions.ExecutionProvider.CUDA) {
      if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
        throw new ModelLoadException(location + ": execution provider CUDA is not available in this ONNX Runtime "
            + "build (" + OrtRuntime.version() + ", providers " + OrtEnvironment.getAvailableProviders()
            + "); use the com.microsoft.onnxruntime:onnxruntime_gpu artifact on a machine with CUDA, or the CPU provider");
      }
      try {
        so.addCUDA(options.deviceId());
      } catch (OrtException e) {
        throw new ModelLoadException(location + ": execution provider CUDA (device " + options.deviceId()
            + ") could not be loaded: " + OrtRuntime.message(e), e);
      }
    }
  }

  private static void describe(Loaded l) throws OrtException {
    List<TensorSpec> inSpecs = new ArrayList<>();
    List<TensorSpec> outSpecs = new ArrayList<>();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "onnx");
    BatchAxis batch = new BatchAxis();
    for (NodeInfo node : l.session.getInputInfo().values()) {
      ValueInfo info = node.getInfo();
      if (!(info instanceof TensorInfo tensor)) {
        throw new ModelLoadException(l.location + ": input '" + node.getName() + "' is " + describe(info)
            + "; only tensor inputs are supported");
      }
      DataType type = dataType(tensor, "input", node.getName(), l.location);
      if (type == DataType.UINT16 || type == DataType.UINT32 || type == DataType.UINT64) {
        throw new ModelLoadException(l.location + ": input '" + node.getName() + "' has element type " + type
            + ", which the ONNX Runtime Java API cannot create as an input (it carries UINT8 as the only unsigned type)");
      }
      TensorSpec spec = new TensorSpec(node.getName(), type, shape(tensor));
      inSpecs.add(spec);
      l.inputs.add(new InputBinding(node.getName(), type));
      batch.add(tensor);
      recordDims(meta, "input", node.getName(), tensor);
    }
    for (NodeInfo node : l.session.getOutputInfo().values()) {
      ValueInfo info = node.getInfo();
      if (info instanceof TensorInfo tensor) {
        DataType type = dataType(tensor, "output", node.getName(), l.location);
        outSpecs.add(new TensorSpec(node.getName(), type, shape(tensor)));
        l.outputs.add(new OutputBinding(node.getName(), type));
        batch.add(tensor);
        recordDims(meta, "output", node.getName(), tensor);
      } else if (info instanceof SequenceInfo seq && seq.isSequenceOfMaps()
          && OutputBinding.convertibleMap(seq.mapInfo.keyType, seq.mapInfo.valueType)) {
        DataType type = OutputBinding.mapValueType(seq.mapInfo.valueType);
        outSpecs.add(TensorSpec.of(node.getName(), type, -1, -1));
        l.outputs.add(OutputBinding.ofSequenceOfMaps(node.getName(), type));
        meta.put("onnx.output." + node.getName() + ".converted", "sequence of maps " + mapDescription(seq.mapInfo)
            + " as [rows, keys], one column per key in ascending key order");
      } else {
        throw new ModelLoadException(l.location + ": output '" + node.getName() + "' is " + describe(info)
            + ", which has no tensor form MaaS can return; re-export the model with tensor outputs"
            + (info instanceof SequenceInfo s && s.isSequenceOfMaps()
                ? " (for scikit-learn classifiers: skl2onnx options={'zipmap': False})" : ""));
      }
    }
    l.signature = new ModelSignature(inSpecs, outSpecs, !inSpecs.isEmpty() && batch.shared());
    OnnxModelMetadata m = l.session.getMetadata();
    meta.put("onnx.irVersion", Long.toString(l.artifact.irVersion()));
    l.artifact.opsets().forEach((domain, version) -> meta.put("onnx.opset." + domain, Long.toString(version)));
    putIfPresent(meta, "onnx.producer", m.getProducerName());
    putIfPresent(meta, "onnx.graph", m.getGraphName());
    putIfPresent(meta, "onnx.domain", m.getDomain());
    putIfPresent(meta, "onnx.description", m.getDescription());
    if (m.getVersion() != Long.MAX_VALUE) { // ONNX Runtime's answer for a graph that records no model version
      meta.put("onnx.modelVersion", Long.toString(m.getVersion()));
    }
    meta.put("onnx.runtime", OrtRuntime.version());
    m.getCustomMetadata().forEach((k, v) -> meta.put("onnx.custom." + k, v));
    l.metadata = meta;
  }

  /**
   * Whether every tensor seen has a symbolic or unknown first dimension, with the same symbol
   * wherever one is named: then dimension 0 is one batch axis. Sequence-of-maps outputs have one
   * map per row and do not vote.
   */
  private static final class BatchAxis {
    private boolean shared = true;
    private String symbol;

    void add(TensorInfo tensor) {
      long[] dims = tensor.getShape();
      if (dims.length == 0 || dims[0] >= 0) {
        shared = false;
        return;
      }
      String[] names = tensor.getDimensionNames();
      String name = names != null && names.length > 0 && names[0] != null ? names[0] : "";
      if (!name.isEmpty()) {
        if (symbol != null && !symbol.equals(name)) {
          shared = false;
        }
        symbol = name;
      }
    }

    boolean shared() {
      return shared;
    }
  }

  private static void putIfPresent(Map<String, String> meta, String key, String value) {
    if (value != null && !value.isEmpty()) {
      meta.put(key, value);
    }
  }

  private static String describe(ValueInfo info) {
    if (info instanceof SequenceInfo s) {
      return s.isSequenceOfMaps() ? "a sequence of maps " + mapDescription(s.mapInfo) : "a sequence of " + s.sequenceType;
    }
    if (info instanceof MapInfo map) {
      return "a map " + mapDescription(map);
    }
    return "a " + info.getClass().getSimpleName();
  }

  private static String mapDescription(MapInfo map) {
    return "(" + map.keyType + " -> " + map.valueType + ")";
  }

  private static void recordDims(Map<String, String> meta, String kind, String name, TensorInfo tensor) {
    String[] names = tensor.getDimensionNames();
    long[] dims = tensor.getShape();
    boolean symbolic = false;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      String n = names != null && i < names.length && names[i] != null ? names[i] : "";
      symbolic |= !n.isEmpty();
      sb.append(i == 0 ? "" : ",").append(dims[i] >= 0 ? Long.toString(dims[i]) : n.isEmpty() ? "?" : n);
    }
    if (symbolic) {
      meta.put("onnx." + kind + "." + name + ".dims", sb.toString());
    }
  }

  private static List<Long> shape(TensorInfo tensor) {
    List<Long> dims = new ArrayList<>();
    for (long d : tensor.getShape()) {
      dims.add(d < 0 ? TensorSpec.DYNAMIC : d);
    }
    return dims;
  }

  private static DataType dataType(TensorInfo tensor, String kind, String name, String location) {
    return OnnxTypes.fromOrt(tensor.onnxType).orElseThrow(() -> new ModelLoadException(location + ": " + kind
        + " '" + name + "' has element type " + tensor.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "")
        + ", which MaaS tensors cannot hold"));
  }

  // ---- Model ----

  @Override
  public ModelSignature signature() {
    return signature;
  }

  /**
   * Facts read from the model: {@code onnx.irVersion}, {@code onnx.opset.<domain>}, {@code
   * onnx.producer}, {@code onnx.graph}, {@code onnx.description}, {@code onnx.runtime} (the ONNX
   * Runtime version), {@code onnx.input.<name>.dims} and {@code onnx.output.<name>.dims} for tensors
   * with symbolic dimensions (for example {@code batch,4}), {@code onnx.output.<name>.converted} for
   * sequence-of-maps outputs returned as tensors, and {@code onnx.custom.<key>} for the model's own
   * metadata entries.
   */
  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The options the session was created with. */
  public OnnxOptions options() {
    return options;
  }

  /** Frees the native session and this model's input buffers; runs once, after the last call in flight. */
  @Override
  protected void release() {
    scratch.clear();
    try {
      session.close();
    } catch (OrtException e) {
      System.getLogger(OnnxModel.class.getName()).log(System.Logger.Level.WARNING,
          "closing the ONNX Runtime session of " + location + " failed", e);
    } finally {
      sessionOptions.close();
    }
  }

  @Override
  public String toString() {
    return "OnnxModel[" + location + ", " + signature + (isClosed() ? ", closed" : "") + "]";
  }

  // ---- what OnnxModelFormat copies into a store ----

  /** The serialized model, read again from its file when it was opened from one. */
  byte[] modelBytes() throws IOException {
    return bytes != null ? bytes.clone() : Files.readAllBytes(file);
  }

  /** The model's directory, when it was opened from a file. */
  Optional<Path> directory() {
    return Optional.ofNullable(file).map(Path::getParent);
  }

  /** The external-data files the model reads, relative to {@link #directory()}. */
  List<String> externalFiles() {
    return externalFiles;
  }

  // ---- the hot path ----

  @Override
  protected Map<String, Tensor> compute(Map<String, Tensor> request, Set<String> wanted) {
    OnnxTensor[] created = new OnnxTensor[inputs.size()];
    ByteBuffer[] borrowed = new ByteBuffer[created.length];
    try {
      Map<String, OnnxTensor> ortInputs;
      if (created.length == 1) {
        InputBinding in = inputs.get(0);
        created[0] = in.toOrt(env, request.get(in.name()), scratch, borrowed, 0);
        ortInputs = Map.of(in.name(), created[0]);
      } else {
        ortInputs = new HashMap<>(created.length * 2);
        for (int i = 0; i < created.length; i++) {
          InputBinding in = inputs.get(i);
          created[i] = in.toOrt(env, request.get(in.name()), scratch, borrowed, i);
          ortInputs.put(in.name(), created[i]);
        }
      }
      try (OrtSession.Result result = wanted.isEmpty() ? session.run(ortInputs) : session.run(ortInputs, wanted)) {
        if (outputs.size() == 1) {
          OutputBinding o = outputs.get(0);
          return Map.of(o.name(), o.fromOrt(value(result, o)));
        }
        Map<String, Tensor> out = new LinkedHashMap<>(outputs.size() * 2);
        for (OutputBinding o : outputs) {
          if (wanted.isEmpty() || wanted.contains(o.name())) {
            out.put(o.name(), o.fromOrt(value(result, o)));
          }
        }
        return out;
      }
    } catch (OrtException e) {
      throw new PredictionException("ONNX Runtime failed on the request: " + OrtRuntime.message(e), e);
    } finally {
      for (OnnxTensor t : created) {
        if (t != null) {
          t.close();
        }
      }
      for (ByteBuffer b : borrowed) {
        if (b != null) {
          scratch.give(b);
        }
      }
    }
  }

  private static OnnxValue value(OrtSession.Result result, OutputBinding output) {
    return result.get(output.name()).orElseThrow(() ->
        new PredictionException("ONNX Runtime returned no value for output '" + output.name() + "'"));
  }

  /** What a model is made of while it loads. */
  private static final class Loaded {
    OrtEnvironment env;
    OrtSession session;
    OrtSession.SessionOptions sessionOptions;
    OnnxOptions options;
    OnnxArtifact artifact;
    ModelSignature signature;
    Map<String, String> metadata;
    final List<InputBinding> inputs = new ArrayList<>();
    final List<OutputBinding> outputs = new ArrayList<>();
    byte[] bytes;
    Path file;
    List<String> externalFiles;
    String location;
  }

}
