package dev.maas.onnx;

import com.google.protobuf.ByteString;
import dev.maas.DataType;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.maas.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import dev.maas.onnx.proto.OnnxProto.TensorShapeProto;
import dev.maas.onnx.proto.OnnxProto.TypeProto;
import dev.maas.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A serialized ONNX model (a {@code ModelProto}) written from Java: a computation graph of
 * standard ONNX operators with typed inputs, outputs and constant initializers. {@link
 * OnnxExporter} builds one for models that can describe themselves as a graph; {@link #builder}
 * builds any other, and {@link OnnxModel#fromBytes} runs the result.
 *
 * <p>Instances are immutable and safe to share between threads; builders are not.
 */
public final class OnnxGraph {
  /** The IR version written: 8, which ONNX Runtime 1.14 and later read. */
  static final long IR_VERSION = 8;
  /** The default {@code ai.onnx} opset: 17, supported by ONNX Runtime 1.14 and later. */
  public static final int DEFAULT_OPSET = 17;

  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private final byte[] bytes;

  private OnnxGraph(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A graph over serialized model bytes MaaS itself produced (they are not copied). */
  static OnnxGraph ofBytes(byte[] bytes) {
    return new OnnxGraph(bytes);
  }

  /** A builder for a graph named {@code name} in the {@code ai.onnx} opset {@link #DEFAULT_OPSET}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The serialized model, as a copy. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The size of the serialized model in bytes. */
  public int size() {
    return bytes.length;
  }

  /** Writes the serialized model to {@code out}; the caller closes the stream. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes);
  }

  /**
   * Writes the serialized model to file {@code file}, replacing it if it exists.
   *
   * @throws dev.maas.MaasException if the file cannot be written (the message names it and why)
   */
  public void writeTo(Path file) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new dev.maas.MaasException("cannot write ONNX model to " + file + ": " + e, e);
    }
  }

  /** The ONNX element type number (TensorProto.DataType) of a MaaS type. */
  static int elementType(DataType type) {
    return OnnxTypes.protoType(type);
  }

  /**
   * Collects the parts of an ONNX graph. Each setter checks its arguments at once; {@link #build()}
   * checks that every node input is defined and every graph output is produced.
   */
  public static final class Builder {
    private final String name;
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> defined = new LinkedHashSet<>();
    private String producer = "maas";
    private String docString = "";

    private Builder(String name) {
      this.name = requireName(name, "graph name");
      opsets.put("", (long) DEFAULT_OPSET);
    }

    /** Sets the version of operator set {@code domain} ({@code ""} for {@code ai.onnx}, or {@code ai.onnx.ml}). */
    public Builder opset(String domain, int version) {
      Objects.requireNonNull(domain, "domain");
      if (version < 1) {
        throw new IllegalArgumentException("opset version must be positive, got " + version);
      }
      opsets.put(domain, (long) version);
      return this;
    }

    /** Sets the producer name recorded in the model; {@code "maas"} by default. */
    public Builder producer(String producer) {
      this.producer = Objects.requireNonNull(producer, "producer");
      return this;
    }

    /** Sets the model's free-text description. */
    public Builder description(String description) {
      this.docString = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Records a custom metadata entry ({@code metadata_props}). */
    public Builder metadata(String key, String value) {
      metadata.put(requireName(key, "metadata key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Declares a graph input. Each dimension is a decimal size ({@code "4"}), a symbolic name
     * ({@code "batch"}), or {@code "?"} for an unnamed unknown size; none for a scalar.
     */
    public Builder input(String name, DataType dataType, String... dims) {
      define(name);
      inputs.add(valueInfo(name, dataType, dims));
      return this;
    }

    /** Declares a graph input from a spec; dynamic ({@code -1}) dimensions become unnamed. */
    public Builder input(TensorSpec spec) {
      return input(spec.name(), spec.dataType(), dimsOf(spec));
    }

    /** Declares a graph output of tensor type; dimensions as for {@link #input(String, DataType, String...)}. */
    public Builder output(String name, DataType dataType, String... dims) {
      outputs.add(valueInfo(requireName(name, "output name"), dataType, dims));
      return this;
    }

    /** Declares a graph output from a spec; dynamic ({@code -1}) dimensions become unnamed. */
    public Builder output(TensorSpec spec) {
      return output(spec.name(), spec.dataType(), dimsOf(spec));
    }

    /**
     * Declares a graph output that is a sequence of maps from {@code keyType} (INT64 or BYTES) to
     * {@code valueType}, as scikit-learn classifiers' ZipMap produces.
     */
    public Builder sequenceOfMapsOutput(String name, DataType keyType, DataType valueType) {
      if (keyType != DataType.INT64 && keyType != DataType.BYTES) {
        throw new IllegalArgumentException("map keys must be INT64 or BYTES, got " + keyType);
      }
      TypeProto value = TypeProto.newBuilder()
          .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType(valueType))).build();
      TypeProto map = TypeProto.newBuilder()
          .setMapType(TypeProto.Map.newBuilder().setKeyType(elementType(keyType)).setValueType(value)).build();
      TypeProto seq = TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(map)).build();
      outputs.add(ValueInfoProto.newBuilder().setName(requireName(name, "output name")).setType(seq).build());
      return this;
    }

    /** Declares a graph output that is a sequence of tensors of {@code elementType}. */
    public Builder sequenceOutput(String name, DataType elementType) {
      TypeProto tensor = TypeProto.newBuilder()
          .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType(elementType))).build();
      TypeProto seq = TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(tensor)).build();
      outputs.add(ValueInfoProto.newBuilder().setName(requireName(name, "output name")).setType(seq).build());
      return this;
    }

    /** Adds a constant named {@code name} holding {@code value} (stored inline, little-endian). */
    public Builder initializer(String name, Tensor value) {
      Objects.requireNonNull(value, "value");
      define(name);
      initializers.add(tensorProto(name, value));
      return this;
    }

    /**
     * Adds a node of the {@code ai.onnx} domain. Attribute values may be {@code Long}, {@code
     * Integer}, {@code Double}, {@code Float}, {@code String}, {@code long[]}, {@code float[]},
     * {@code String[]} or {@link Tensor}.
     */
    public Builder node(String opType, List<String> inputs, List<String> outputs, Map<String, ?> attributes) {
      return node("", opType, inputs, outputs, attributes);
    }

    /** Adds a node without attributes; see {@link #node(String, List, List, Map)}. */
    public Builder node(String opType, List<String> inputs, List<String> outputs) {
      return node("", opType, inputs, outputs, Map.of());
    }

    /** Adds a node of operator domain {@code domain} ({@code ai.onnx.ml}, say); see {@link #node(String, List, List, Map)}. */
    public Builder node(String domain, String opType, List<String> inputs, List<String> outputs,
        Map<String, ?> attributes) {
      Objects.requireNonNull(domain, "domain");
      requireName(opType, "op type");
      if (!opsets.containsKey(domain)) {
        throw new IllegalArgumentException("node " + opType + " uses domain '" + domain + "' without an opset; call opset first");
      }
      NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + nodes.size());
      if (!domain.isEmpty()) {
        node.setDomain(domain);
      }
      for (String in : inputs) {
        if (!in.isEmpty() && !defined.contains(in)) {
          throw new IllegalArgumentException("node " + opType + ": input '" + in + "' is not defined yet");
        }
        node.addInput(in);
      }
      for (String out : outputs) {
        define(out);
        node.addOutput(out);
      }
      for (Map.Entry<String, ?> a : attributes.entrySet()) {
        node.addAttribute(attribute(a.getKey(), a.getValue()));
      }
      nodes.add(node.build());
      return this;
    }

    /**
     * The graph.
     *
     * @throws IllegalArgumentException if it has no output or an output is produced by no node,
     *     input or initializer
     */
    public OnnxGraph build() {
      if (outputs.isEmpty()) {
        throw new IllegalArgumentException("graph '" + name + "' has no output");
      }
      for (ValueInfoProto out : outputs) {
        if (!defined.contains(out.getName())) {
          throw new IllegalArgumentException("output '" + out.getName() + "' is produced by no node");
        }
      }
      GraphProto graph = GraphProto.newBuilder().setName(name).addAllNode(nodes).addAllInitializer(initializers)
          .addAllInput(inputs).addAllOutput(outputs).build();
      ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName(producer)
          .setProducerVersion(dev.maas.MaasVersion.VERSION).setDocString(docString).setGraph(graph);
      opsets.forEach((domain, version) ->
          model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
      metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
      return new OnnxGraph(model.build().toByteArray());
    }

    private void define(String name) {
      requireName(name, "value name");
      if (!defined.add(name)) {
        throw new IllegalArgumentException("value '" + name + "' is already defined");
      }
    }

    private static String[] dimsOf(TensorSpec spec) {
      return spec.shape().stream().map(d -> d == TensorSpec.DYNAMIC ? "?" : Long.toString(d)).toArray(String[]::new);
    }

    private static ValueInfoProto valueInfo(String name, DataType type, String... dims) {
      Objects.requireNonNull(type, "dataType");
      TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
      for (String d : dims) {
        TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
        if (NUMBER.matcher(d).matches()) {
          dim.setDimValue(Long.parseLong(d));
        } else if (!d.equals("?")) {
          dim.setDimParam(requireName(d, "dimension name"));
        }
        shape.addDim(dim);
      }
      TypeProto typeProto = TypeProto.newBuilder()
          .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType(type)).setShape(shape)).build();
      return ValueInfoProto.newBuilder().setName(name).setType(typeProto).build();
    }

    static TensorProto tensorProto(String name, Tensor value) {
      TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elementType(value.dataType()));
      for (long d : value.shape()) {
        t.addDims(d);
      }
      if (value.dataType() == DataType.BYTES) {
        for (byte[] s : value.toByteStrings()) {
          t.addStringData(ByteString.copyFrom(s));
        }
      } else {
        ByteBuffer data = value.asDirectBuffer();
        ByteBuffer le = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        int width = value.dataType().byteSize();
        for (int i = 0; i < data.remaining(); i += width) {
          switch (width) {
            case 1 -> le.put(i, data.get(i));
            case 2 -> le.putShort(i, data.getShort(i));
            case 4 -> le.putInt(i, data.getInt(i));
            default -> le.putLong(i, data.getLong(i));
          }
        }
        t.setRawData(ByteString.copyFrom(le.array()));
      }
      return t.build();
    }

    private static AttributeProto attribute(String name, Object value) {
      AttributeProto.Builder a = AttributeProto.newBuilder().setName(requireName(name, "attribute name"));
      if (value instanceof Long || value instanceof Integer) {
        a.setType(AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
      } else if (value instanceof String s) {
        a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
      } else if (value instanceof long[] ints) {
        a.setType(AttributeProto.AttributeType.INTS);
        for (long i : ints) {
          a.addInts(i);
        }
      } else if (value instanceof float[] floats) {
        a.setType(AttributeProto.AttributeType.FLOATS);
        for (float f : floats) {
          a.addFloats(f);
        }
      } else if (value instanceof String[] strings) {
        a.setType(AttributeProto.AttributeType.STRINGS);
        for (String s : strings) {
          a.addStrings(ByteString.copyFromUtf8(s));
        }
      } else if (value instanceof Tensor tensor) {
        a.setType(AttributeProto.AttributeType.TENSOR).setT(tensorProto(name, tensor));
      } else {
        throw new IllegalArgumentException("attribute '" + name + "': unsupported value type "
            + (value == null ? "null" : value.getClass().getSimpleName()));
      }
      return a.build();
    }

    private static String requireName(String name, String what) {
      if (Objects.requireNonNull(name, what).isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      return name;
    }
  }
}
