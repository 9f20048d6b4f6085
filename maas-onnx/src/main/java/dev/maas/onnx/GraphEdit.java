package dev.maas.onnx;

import com.google.protobuf.ByteString;
import dev.maas.onnx.proto.OnnxProto.AttributeProto;
import dev.maas.onnx.proto.OnnxProto.GraphProto;
import dev.maas.onnx.proto.OnnxProto.NodeProto;
import dev.maas.onnx.proto.OnnxProto.TensorProto;
import dev.maas.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A main graph being rewritten: its nodes in order, each replaceable by a run of new nodes, its
 * initializers by name, and what reads each value, so that a rewrite can find constant weights
 * (initializers that are not graph inputs, and {@code Constant} nodes), add nodes and tensors under
 * fresh names, and drop weights nothing reads any more. Everything it does not touch (subgraphs,
 * value infos, fields MaaS does not model) is carried over by {@link #build()}.
 *
 * <p>Not thread-safe: one rewrite owns it.
 */
final class GraphEdit {
  private final GraphProto original;
  private final List<NodeProto> nodes;
  private final List<List<NodeProto>> slots = new ArrayList<>();
  private final List<NodeProto> prologue = new ArrayList<>();
  private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
  private final Set<String> graphInputs = new HashSet<>();
  private final Set<String> graphOutputs = new HashSet<>();
  private final Map<String, Integer> producers = new HashMap<>();
  private final Map<String, Integer> uses = new HashMap<>();
  private final Set<String> names = new HashSet<>();
  private final List<ValueInfoProto> extraOutputs = new ArrayList<>();

  GraphEdit(GraphProto graph) {
    this.original = graph;
    this.nodes = new ArrayList<>(graph.getNodeList());
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
      names.add(t.getName());
    }
    for (ValueInfoProto v : graph.getInputList()) {
      graphInputs.add(v.getName());
      names.add(v.getName());
    }
    for (ValueInfoProto v : graph.getOutputList()) {
      graphOutputs.add(v.getName());
      use(v.getName());
    }
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto node = nodes.get(i);
      List<NodeProto> slot = new ArrayList<>();
      slot.add(node);
      slots.add(slot);
      names.add(node.getName());
      for (String in : node.getInputList()) {
        use(in);
      }
      for (String out : node.getOutputList()) {
        names.add(out);
        producers.put(out, i);
      }
      for (AttributeProto a : node.getAttributeList()) {
        if (a.hasG()) {
          outerReads(a.getG());
        }
        for (GraphProto g : a.getGraphsList()) {
          outerReads(g);
        }
      }
    }
  }

  /** Values a subgraph reads count as used by its node, so nothing it may read from the outer scope is dropped. */
  private void outerReads(GraphProto g) {
    for (NodeProto node : g.getNodeList()) {
      names.add(node.getName());
      for (String in : node.getInputList()) {
        use(in);
      }
      for (String out : node.getOutputList()) {
        names.add(out);
      }
      for (AttributeProto a : node.getAttributeList()) {
        if (a.hasG()) {
          outerReads(a.getG());
        }
        for (GraphProto sub : a.getGraphsList()) {
          outerReads(sub);
        }
      }
    }
    for (TensorProto t : g.getInitializerList()) {
      names.add(t.getName());
    }
    for (ValueInfoProto v : g.getInputList()) {
      names.add(v.getName());
    }
  }

  private void use(String name) {
    if (!name.isEmpty()) {
      uses.merge(name, 1, Integer::sum);
    }
  }

  /** The original nodes, by position. */
  List<NodeProto> nodes() {
    return nodes;
  }

  /**
   * The constant value of {@code name}: an initializer that is not also a graph input (a caller
   * could override that one), or the {@code value} tensor of the {@code Constant} node producing it.
   */
  Optional<TensorProto> constant(String name) {
    TensorProto init = initializers.get(name);
    if (init != null) {
      return graphInputs.contains(name) ? Optional.empty() : Optional.of(init);
    }
    Integer producer = producers.get(name);
    if (producer == null) {
      return Optional.empty();
    }
    NodeProto node = nodes.get(producer);
    if (!node.getOpType().equals("Constant") || !node.getDomain().isEmpty() || node.getAttributeCount() != 1
        || !node.getAttribute(0).getName().equals("value") || !node.getAttribute(0).hasT()) {
      return Optional.empty();
    }
    return Optional.of(node.getAttribute(0).getT().toBuilder().setName(name).build());
  }

  /** Whether {@code name} is a graph output. */
  boolean isGraphOutput(String name) {
    return graphOutputs.contains(name);
  }

  /** Whether {@code name} is a graph input. */
  boolean isGraphInput(String name) {
    return graphInputs.contains(name);
  }

  /** The position of the node that produces {@code name}, if a node does. */
  Optional<Integer> producer(String name) {
    return Optional.ofNullable(producers.get(name));
  }

  /** How many node inputs and graph outputs read {@code name}. */
  int uses(String name) {
    return uses.getOrDefault(name, 0);
  }

  /** A name no value, node or tensor in the model has yet, derived from {@code base}. */
  String fresh(String base) {
    String name = base;
    for (int i = 1; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    return name;
  }

  /** Adds an initializer; its name must come from {@link #fresh}. */
  void addInitializer(TensorProto t) {
    initializers.put(t.getName(), t);
  }

  /** Removes an initializer whose readers now read a value of the same name computed by a node. */
  void dropInitializer(String name) {
    initializers.remove(name);
  }

  /** Replaces the initializer of the same name. */
  void replaceInitializer(TensorProto t) {
    initializers.put(t.getName(), t);
  }

  /** A new node of the {@code ai.onnx} domain with a fresh name. */
  NodeProto node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    return NodeProto.newBuilder().setOpType(opType).setName(fresh(opType + "_q")).addAllInput(inputs)
        .addAllOutput(outputs).addAllAttribute(List.of(attributes)).build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto tensorAttribute(String name, TensorProto value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value).build();
  }

  static AttributeProto stringAttribute(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  /** Replaces node {@code index} (and whatever was inserted after it) with {@code replacement}, in order. */
  void replace(int index, List<NodeProto> replacement) {
    NodeProto old = nodes.get(index);
    List<NodeProto> slot = slots.get(index);
    int at = slot.indexOf(old);
    slot.remove(at);
    slot.addAll(at, replacement);
    nodes.set(index, replacement.isEmpty() ? old : replacement.get(0));
    for (NodeProto n : replacement) {
      for (String in : n.getInputList()) {
        use(in);
      }
    }
    for (String in : old.getInputList()) {
      release(in);
    }
  }

  /** Inserts {@code added} right after node {@code index}, or before every node when {@code index} is -1. */
  void insertAfter(int index, List<NodeProto> added) {
    (index < 0 ? prologue : slots.get(index)).addAll(added);
    for (NodeProto n : added) {
      for (String in : n.getInputList()) {
        use(in);
      }
    }
  }

  /** Renames output {@code name} of node {@code index} to {@code newName}. */
  void renameOutput(int index, String name, String newName) {
    List<NodeProto> slot = slots.get(index);
    NodeProto old = nodes.get(index);
    NodeProto.Builder b = old.toBuilder();
    for (int i = 0; i < b.getOutputCount(); i++) {
      if (b.getOutput(i).equals(name)) {
        b.setOutput(i, newName);
      }
    }
    NodeProto renamed = b.build();
    slot.set(slot.indexOf(old), renamed);
    nodes.set(index, renamed);
    producers.remove(name);
    producers.put(newName, index);
  }

  /** Replaces a constant's data: the initializer, or the {@code value} of its {@code Constant} node. */
  void replaceConstant(String name, TensorProto value) {
    if (initializers.containsKey(name)) {
      initializers.put(name, value.toBuilder().setName(name).build());
      return;
    }
    int index = producers.get(name);
    NodeProto old = nodes.get(index);
    NodeProto updated = old.toBuilder().setAttribute(0, tensorAttribute("value", value.toBuilder().clearName().build()))
        .build();
    List<NodeProto> slot = slots.get(index);
    slot.set(slot.indexOf(old), updated);
    nodes.set(index, updated);
  }

  /** One reader of {@code name} is gone; a constant weight nothing reads any more is dropped. */
  private void release(String name) {
    if (name.isEmpty()) {
      return;
    }
    int left = uses.merge(name, -1, Integer::sum);
    if (left > 0 || graphInputs.contains(name)) {
      return;
    }
    if (initializers.remove(name) == null) {
      Integer producer = producers.get(name);
      if (producer != null && nodes.get(producer).getOpType().equals("Constant")) {
        NodeProto constant = nodes.get(producer);
        slots.get(producer).remove(constant);
      }
    }
  }

  /** Adds a graph output (for calibration) of FP32 elements and unknown shape. */
  void addFloatOutput(String name) {
    extraOutputs.add(ValueInfoProto.newBuilder().setName(name).setType(dev.maas.onnx.proto.OnnxProto.TypeProto
        .newBuilder().setTensorType(dev.maas.onnx.proto.OnnxProto.TypeProto.Tensor.newBuilder()
            .setElemType(TensorProto.DataType.FLOAT_VALUE))).build());
  }

  /** The rewritten graph: everything the original had, with the edits applied. */
  GraphProto build() {
    GraphProto.Builder g = original.toBuilder().clearNode().clearInitializer();
    g.addAllNode(prologue);
    for (List<NodeProto> slot : slots) {
      g.addAllNode(slot);
    }
    g.addAllInitializer(initializers.values());
    g.addAllOutput(extraOutputs);
    return g.build();
  }
}
