package dev.maas.onnx;

import dev.maas.InvalidInputException;
import dev.maas.DataType;
import dev.maas.ModelSignature;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.spi.AffineModel;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes ONNX for models that can describe themselves as a graph. An {@link AffineModel} {@code y
 * = x · c + b} becomes one {@code Gemm} node (plus a {@code Reshape} when the output has one value
 * per row and rank 1), with the MaaS signature's input and output names, in FP64 (the same numbers
 * as the MaaS model, to rounding) or FP32 (what every ONNX runtime accepts).
 *
 * <p>This class has no state and is safe to use from many threads.
 */
public final class OnnxExporter {
  /** The element type the exported graph computes in. */
  public enum Precision {
    /** Double precision: input, weights and output FP64. */
    FP64(DataType.FP64),
    /** Single precision: input, weights and output FP32. */
    FP32(DataType.FP32);

    private final DataType dataType;

    Precision(DataType dataType) {
      this.dataType = dataType;
    }

    /** The MaaS element type of this precision. */
    public DataType dataType() {
      return dataType;
    }
  }

  private OnnxExporter() {}

  /**
   * The ONNX graph of {@code model}: input named as the model's input, {@code [batch, p]}; output
   * named as the model's first output (the point prediction), {@code [batch]} or {@code [batch,
   * 1]} as the model's signature declares it. Further outputs, such as a linear model's interval
   * bounds, are not exported: the graph computes the point prediction only.
   *
   * @throws InvalidInputException if the model's signature is not one input {@code [-1, p]}
   *     matching its coefficients and a first output with one value per row
   */
  public static OnnxGraph export(AffineModel model, Precision precision) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(precision, "precision");
    ModelSignature signature = model.signature();
    double[] coefficients = model.coefficients();
    int p = coefficients.length;
    if (signature.inputs().size() != 1 || signature.outputs().isEmpty()) {
      throw new InvalidInputException("an affine model needs one input and an output, got " + signature);
    }
    TensorSpec in = signature.inputs().get(0);
    TensorSpec out = signature.outputs().get(0);
    if (in.rank() != 2 || (in.shape().get(1) != TensorSpec.DYNAMIC && in.shape().get(1) != p)) {
      throw new InvalidInputException("input '" + in.name() + "' must be [-1, " + p + "], got " + in.shape());
    }
    boolean rowVector = out.rank() == 1;
    if (!rowVector && !(out.rank() == 2 && out.shape().get(1) == 1)) {
      throw new InvalidInputException("output '" + out.name() + "' must be [-1] or [-1, 1], got " + out.shape());
    }
    DataType type = precision.dataType();
    String gemmOut = rowVector ? out.name() + "__2d" : out.name();
    OnnxGraph.Builder graph = OnnxGraph.builder("affine")
        .description("affine model y = x . c + b exported by MaaS from " + model.getClass().getSimpleName())
        .input(in.name(), type, "batch", Integer.toString(p))
        .initializer("coefficients", column(coefficients, type))
        .initializer("intercept", scalarVector(model.intercept(), type))
        .node("Gemm", List.of(in.name(), "coefficients", "intercept"), List.of(gemmOut),
            Map.of("alpha", 1.0f, "beta", 1.0f));
    if (rowVector) {
      graph.initializer("flat_shape", Tensor.ofLongs(new long[] {-1}, 1))
          .node("Reshape", List.of(gemmOut, "flat_shape"), List.of(out.name()))
          .output(out.name(), type, "batch");
    } else {
      graph.output(out.name(), type, "batch", "1");
    }
    String features = model.metadata().get("features");
    if (features != null && !features.isEmpty()) {
      graph.metadata("features", features); // column names travel with the graph (onnx.custom.features once opened)
    }
    return graph.build();
  }

  private static Tensor column(double[] values, DataType type) {
    if (type == DataType.FP64) {
      return Tensor.ofDoubles(values, values.length, 1);
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return Tensor.ofFloats(f, values.length, 1);
  }

  private static Tensor scalarVector(double value, DataType type) {
    return type == DataType.FP64 ? Tensor.ofDoubles(new double[] {value}, 1) : Tensor.ofFloats(new float[] {(float) value}, 1);
  }
}
