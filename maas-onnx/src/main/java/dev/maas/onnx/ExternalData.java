package dev.maas.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.maas.ModelLoadException;
import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.ModelProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import java.util.Map;

/**
 * Puts the content of a model's external-data files, given as bytes that were already read (and
 * checked), into the model itself, so that ONNX Runtime builds the session from those bytes and
 * never opens a file by path. The result is one serialized {@code ModelProto}, so the model and its
 * data together must stay under protobuf's 2 GiB.
 */
final class ExternalData {
  /** The most a serialized model with its data inlined may be (protobuf's limit, with some room). */
  static final long MAX_INLINED_BYTES = Integer.MAX_VALUE - (1L << 20);

  private final Map<String, byte[]> files;
  private final String location;

  private ExternalData(Map<String, byte[]> files, String location) {
    this.files = files;
    this.location = location;
  }

  /**
   * The serialized model {@code model} with every tensor kept in an external file of {@code files}
   * (location to content) inlined as raw data.
   *
   * @throws ModelLoadException if a tensor names a file that is not given, an offset or length that
   *     is not a number or lies outside its file, or the inlined model would be too large
   */
  static byte[] inline(byte[] model, Map<String, byte[]> files, String location) {
    long total = model.length;
    for (byte[] f : files.values()) {
      total += f.length;
    }
    if (total > MAX_INLINED_BYTES) {
      throw new ModelLoadException(location + ": the model with its external data is " + total
          + " bytes; MaaS loads a stored ONNX model from its checked bytes as one protobuf message, at most "
          + MAX_INLINED_BYTES + " bytes");
    }
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(model);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(location + " is not an ONNX model: " + e.getMessage(), e);
    }
    ExternalData data = new ExternalData(files, location);
    return proto.toBuilder().setGraph(data.graph(proto.getGraph())).build().toByteArray();
  }

  private GraphProto graph(GraphProto g) {
    GraphProto.Builder b = g.toBuilder();
    for (int i = 0; i < b.getInitializerCount(); i++) {
      b.setInitializer(i, tensor(b.getInitializer(i)));
    }
    for (int n = 0; n < b.getNodeCount(); n++) {
      NodeProto node = b.getNode(n);
      NodeProto.Builder nb = null;
      for (int a = 0; a < node.getAttributeCount(); a++) {
        AttributeProto attr = node.getAttribute(a);
        if (!attr.hasT() && attr.getTensorsCount() == 0 && !attr.hasG() && attr.getGraphsCount() == 0) {
          continue;
        }
        AttributeProto.Builder ab = attr.toBuilder();
        if (ab.hasT()) {
          ab.setT(tensor(ab.getT()));
        }
        for (int i = 0; i < ab.getTensorsCount(); i++) {
          ab.setTensors(i, tensor(ab.getTensors(i)));
        }
        if (ab.hasG()) {
          ab.setG(graph(ab.getG()));
        }
        for (int i = 0; i < ab.getGraphsCount(); i++) {
          ab.setGraphs(i, graph(ab.getGraphs(i)));
        }
        if (nb == null) {
          nb = node.toBuilder();
        }
        nb.setAttribute(a, ab);
      }
      if (nb != null) {
        b.setNode(n, nb);
      }
    }
    return b.build();
  }

  private TensorProto tensor(TensorProto t) {
    if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL && t.getExternalDataCount() == 0) {
      return t;
    }
    String file = null;
    String offsetText = null;
    String lengthText = null;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> file = e.getValue();
        case "offset" -> offsetText = e.getValue();
        case "length" -> lengthText = e.getValue();
        default -> { }
      }
    }
    String what = location + ": tensor '" + t.getName() + "'";
    byte[] content = file == null ? null : files.get(file);
    if (content == null) {
      throw new ModelLoadException(what + " keeps its data in '" + file + "', which is not a file of the model");
    }
    long offset = number(offsetText, 0, what + " external data offset");
    long length = number(lengthText, content.length - offset, what + " external data length");
    if (offset > content.length || length > content.length - offset) {
      throw new ModelLoadException(what + " reads bytes " + offset + " to " + (offset + length) + " of '" + file
          + "', which has " + content.length);
    }
    return t.toBuilder().clearExternalData().setDataLocation(TensorProto.DataLocation.DEFAULT)
        .setRawData(UnsafeByteOperations.unsafeWrap(content, (int) offset, (int) length)).build();
  }

  private static long number(String text, long absent, String what) {
    if (text == null) {
      return absent;
    }
    try {
      long value = Long.parseLong(text.strip());
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ModelLoadException(what + " '" + text + "' is not a non-negative number");
    }
  }
}
