package dev.maas.explain;

import dev.maas.DataType;
import dev.maas.InvalidInputException;
import dev.maas.MaasException;
import dev.maas.Model;
import dev.maas.ModelSignature;
import dev.maas.Predictor;
import dev.maas.StoredModel;
import dev.maas.Tensor;
import dev.maas.TensorSpec;
import dev.maas.spi.ExactShapleyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Explains a model's predictions with interventional Shapley values against a {@link Background}:
 * for each explained row, each feature's attribution is its Shapley value in the game whose value
 * of a coalition {@code S} is the mean model output over the background rows with the features in
 * {@code S} set to the row's values. The base value is the mean output over the background, and
 * the attributions of a row sum to its prediction minus the base value (local accuracy); a feature
 * the model ignores gets 0 (missingness) and interchangeable features get equal values (symmetry).
 *
 * <p>The model must take one input of shape {@code [-1, p]} (FP64 or FP32) and the explained output
 * must be numeric with shape {@code [-1]} or {@code [-1, k]}; each of the {@code k} columns is
 * explained. Evaluations are batched: each predictor call evaluates up to {@link
 * Builder#batchRows} rows built from many coalitions and background rows.
 *
 * <pre>{@code
 * try (Model model = store.open("house")) {
 *   Explanation e = Explainer.of(model, background).explain(rows);
 *   double[] why = e.attributions(0);
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe when the predictor is; {@link #explain} may be called
 * from many threads at once.
 */
public final class Explainer {
  /** The default largest feature count explained by enumerating every coalition. */
  public static final int DEFAULT_EXACT_LIMIT = 12;
  /** The largest exact limit a builder accepts. */
  public static final int MAX_EXACT_LIMIT = 20;
  /** The default number of rows per predictor call. */
  public static final int DEFAULT_BATCH_ROWS = 4096;
  /** The default seed of Kernel SHAP's coalition sample. */
  public static final long DEFAULT_SEED = 0;

  private final List<String> featureNames;
  private final String output;
  private final int columns;
  private final ExplainMethod method;
  private final Optional<ExactShapleyModel> formatExplainer;
  private final double[][] background;
  private final double[] baseValues;
  private final CoalitionEvaluator evaluator;
  private final int coalitionCount;
  private final KernelShap kernel;
  private final int[][] exactCoalitions;

  private Explainer(Builder b, List<String> featureNames, TensorSpec input, TensorSpec outputSpec,
      ExplainMethod method, Background background) {
    this.featureNames = featureNames;
    this.output = outputSpec.name();
    this.method = method;
    this.formatExplainer = method == ExplainMethod.FORMAT
        ? Optional.of((ExactShapleyModel) b.model) : Optional.empty();
    this.background = background.rows();
    int p = featureNames.size();
    int fixedColumns = outputSpec.rank() == 2 && outputSpec.shape().get(1) != TensorSpec.DYNAMIC
        ? (int) (long) outputSpec.shape().get(1) : -1;
    int k = fixedColumns > 0 ? fixedColumns : probeColumns(b.predictor, input, outputSpec, this.background[0], p);
    if (outputSpec.rank() == 1) {
      k = 1;
    }
    this.columns = k;
    this.evaluator = new CoalitionEvaluator(b.predictor, input, output, p, k, this.background, b.batchRows);
    double[][] outputs = evaluator.predict(this.background);
    this.baseValues = new double[k];
    for (int col = 0; col < k; col++) {
      double s = 0;
      for (double[] o : outputs) {
        s += o[col];
      }
      baseValues[col] = s / outputs.length;
    }
    if (method == ExplainMethod.EXACT) {
      int full = (1 << p) - 1;
      exactCoalitions = new int[Math.max(0, full - 1)][];
      for (int mask = 1; mask < full; mask++) {
        int[] members = new int[Integer.bitCount(mask)];
        int i = 0;
        for (int j = 0; j < p; j++) {
          if ((mask & (1 << j)) != 0) {
            members[i++] = j;
          }
        }
        exactCoalitions[mask - 1] = members;
      }
      kernel = null;
      coalitionCount = exactCoalitions.length;
    } else if (method == ExplainMethod.KERNEL && p > 1) {
      kernel = KernelShap.sample(p, b.samples / 2, b.seed, featureNames);
      exactCoalitions = null;
      coalitionCount = kernel.coalitions().length;
    } else {
      kernel = null;
      exactCoalitions = null;
      coalitionCount = 0;
    }
  }

  /** Learns the output's column count from one prediction on a background row. */
  private static int probeColumns(Predictor predictor, TensorSpec input, TensorSpec outputSpec, double[] row, int p) {
    return CoalitionEvaluator.columns(predictor, input, outputSpec.name(), row, p);
  }

  /** An explainer of {@code model} against {@code background} with the default settings. */
  public static Explainer of(Model model, Background background) {
    return builder(model, background).build();
  }

  /**
   * A builder for explaining {@code model}. The feature names are the model's ({@code features} in
   * its {@link Model#metadata()}, comma-separated) or, for a model that names none, the
   * background's; the background is reordered to the model's features.
   */
  public static Builder builder(Model model, Background background) {
    Objects.requireNonNull(model, "model");
    Builder b = new Builder(model.predictor(), background);
    // the format's own model (inside a StoredModel) is the one that may explain itself exactly
    b.model = model instanceof StoredModel stored ? stored.model() : model;
    String names = model.metadata().get("features");
    if (names != null && !names.isBlank()) {
      List<String> list = new ArrayList<>();
      for (String name : names.split(",", -1)) {
        list.add(name.trim());
      }
      b.modelFeatures = List.copyOf(list);
    }
    return b;
  }

  /** A builder for explaining what {@code predictor} computes; the features are the background's. */
  public static Builder builder(Predictor predictor, Background background) {
    return new Builder(Objects.requireNonNull(predictor, "predictor"), background);
  }

  /** The feature names, in the order rows give them. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The explained output. */
  public String output() {
    return output;
  }

  /** The number of output columns explained. */
  public int outputColumns() {
    return columns;
  }

  /** The method this explainer uses (never {@link ExplainMethod#AUTO}). */
  public ExplainMethod method() {
    return method;
  }

  /** The base values: the mean model output over the background, one per output column (a copy). */
  public double[] baseValues() {
    return baseValues.clone();
  }

  /**
   * Explains {@code rows}, each with one finite value per feature in {@link #featureNames()} order.
   *
   * @throws InvalidInputException if a row has the wrong length or a value that is not finite
   * @throws MaasException if the model fails or returns a value that is not finite
   */
  public Explanation explain(double[][] rows) {
    Objects.requireNonNull(rows, "rows");
    int p = featureNames.size();
    double[][] x = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double[] row = Objects.requireNonNull(rows[i], "row");
      if (row.length != p) {
        throw new InvalidInputException("row " + i + " has " + row.length + " values, expected " + p + " ("
            + String.join(", ", featureNames) + ")");
      }
      for (int j = 0; j < p; j++) {
        if (!Double.isFinite(row[j])) {
          throw new InvalidInputException("row " + i + ", feature '" + featureNames.get(j) + "' is " + row[j]
              + "; values must be finite");
        }
      }
      x[i] = row.clone();
    }
    int n = x.length;
    int k = columns;
    double[] predictions = new double[n * k];
    double[] attributions = new double[n * k * p];
    double[] errors = new double[n * k * p];
    if (n == 0) {
      return new Explanation(featureNames, output, method, coalitionCount, 0, baseValues.clone(), predictions,
          attributions, errors);
    }
    double[][] predicted = evaluator.predict(x);
    for (int i = 0; i < n; i++) {
      System.arraycopy(predicted[i], 0, predictions, i * k, k);
    }
    if (method == ExplainMethod.FORMAT) {
      double[][] values = formatExplainer.orElseThrow().shapleyValues(x, background);
      for (int i = 0; i < n; i++) {
        System.arraycopy(values[i], 0, attributions, i * p, p);
      }
    } else if (coalitionCount == 0) {
      for (int i = 0; i < n; i++) {
        for (int col = 0; col < k; col++) {
          attributions[(i * k + col) * p] = predictions[i * k + col] - baseValues[col];
        }
      }
    } else {
      int[][] coalitions = method == ExplainMethod.EXACT ? exactCoalitions : kernel.coalitions();
      int chunk = (int) Math.max(1, Math.min(n, (1L << 22) / ((long) coalitionCount * k)));
      double[] fitted = new double[2 * p];
      for (int from = 0; from < n; from += chunk) {
        int count = Math.min(chunk, n - from);
        double[][] values = evaluator.evaluate(Arrays.copyOfRange(x, from, from + count), coalitions);
        for (int r = 0; r < count; r++) {
          int i = from + r;
          for (int col = 0; col < k; col++) {
            int at = (i * k + col) * p;
            double prediction = predictions[i * k + col];
            if (method == ExplainMethod.EXACT) {
              enumerate(values[r], col, k, baseValues[col], prediction, p, attributions, at);
            } else {
              kernel.fit(values[r], col, k, baseValues[col], prediction, fitted);
              System.arraycopy(fitted, 0, attributions, at, p);
              System.arraycopy(fitted, p, errors, at, p);
            }
          }
        }
      }
    }
    return new Explanation(featureNames, output, method, coalitionCount, n, baseValues.clone(), predictions,
        attributions, errors);
  }

  /**
   * Explains the rows of {@code rows}, a tensor of shape {@code [n, p]} with a numeric element type.
   *
   * @throws InvalidInputException if the tensor's shape does not fit or a value is not finite
   */
  public Explanation explain(Tensor rows) {
    Objects.requireNonNull(rows, "rows");
    int p = featureNames.size();
    if (rows.rank() != 2 || rows.dim(1) != p || !rows.dataType().isNumeric()) {
      throw new InvalidInputException("rows: expected a numeric tensor of shape [-1, " + p + "], got "
          + rows.dataType() + " " + Arrays.toString(rows.shape()));
    }
    double[] flat = rows.toDoubleArray();
    double[][] out = new double[(int) rows.dim(0)][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.copyOfRange(flat, i * p, (i + 1) * p);
    }
    return explain(out);
  }

  /**
   * Shapley values by the textbook sum over coalitions: {@code φ_j = Σ_{S ∌ j} |S|! (p−|S|−1)! / p!
   * (v(S ∪ {j}) − v(S))}, with {@code v(∅)} the base value and {@code v(N)} the prediction.
   */
  private static void enumerate(double[] values, int col, int k, double base, double prediction, int p,
      double[] out, int at) {
    int full = (1 << p) - 1;
    double[] weight = new double[p];
    for (int s = 0; s < p; s++) {
      weight[s] = 1.0 / (p * binomial(p - 1, s));
    }
    for (int mask = 0; mask < full; mask++) {
      double v = mask == 0 ? base : values[(mask - 1) * k + col];
      double ws = weight[Integer.bitCount(mask)];
      for (int j = 0; j < p; j++) {
        int bit = 1 << j;
        if ((mask & bit) == 0) {
          int with = mask | bit;
          double vw = with == full ? prediction : values[(with - 1) * k + col];
          out[at + j] += ws * (vw - v);
        }
      }
    }
  }

  private static double binomial(int n, int r) {
    double c = 1;
    for (int i = 1; i <= r; i++) {
      c = c * (n - r + i) / i;
    }
    return c;
  }

  /**
   * Collects the settings of an {@link Explainer}; each setter checks its argument at once and
   * {@link #build()} checks the model, background and method together.
   *
   * <p>Instances are not thread-safe.
   */
  public static final class Builder {
    private final Predictor predictor;
    private final Background background;
    private Model model;
    private List<String> modelFeatures;
    private ExplainMethod method = ExplainMethod.AUTO;
    private int exactLimit = DEFAULT_EXACT_LIMIT;
    private int samples = -1;
    private long seed = DEFAULT_SEED;
    private String output;
    private int batchRows = DEFAULT_BATCH_ROWS;

    private Builder(Predictor predictor, Background background) {
      this.predictor = predictor;
      this.background = Objects.requireNonNull(background, "background");
    }

    /** The method; {@link ExplainMethod#AUTO} by default. */
    public Builder method(ExplainMethod method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    /**
     * The largest feature count that {@link ExplainMethod#AUTO} explains by enumeration, from 1 to
     * {@value #MAX_EXACT_LIMIT}; {@value #DEFAULT_EXACT_LIMIT} by default. {@link
     * ExplainMethod#EXACT} refuses models with more features.
     */
    public Builder exactLimit(int exactLimit) {
      if (exactLimit < 1 || exactLimit > MAX_EXACT_LIMIT) {
        throw new InvalidInputException("exact limit must be between 1 and " + MAX_EXACT_LIMIT + ", got " + exactLimit);
      }
      this.exactLimit = exactLimit;
      return this;
    }

    /**
     * The number of coalitions Kernel SHAP samples per explained row (rounded up to an even number,
     * since they come in complementary pairs); at least {@code 2p}. By default {@code 2p + 2048},
     * as SHAP's KernelExplainer.
     */
    public Builder samples(int samples) {
      if (samples < 2) {
        throw new InvalidInputException("samples must be at least 2, got " + samples);
      }
      this.samples = samples + (samples & 1);
      return this;
    }

    /** The seed of Kernel SHAP's coalition sample; {@value #DEFAULT_SEED} by default. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The output to explain. By default the model's only output or, when it has several, its first
     * floating-point output.
     */
    public Builder output(String output) {
      if (Objects.requireNonNull(output, "output").isEmpty()) {
        throw new InvalidInputException("output name must not be empty");
      }
      this.output = output;
      return this;
    }

    /** The most rows per predictor call; {@value #DEFAULT_BATCH_ROWS} by default. */
    public Builder batchRows(int batchRows) {
      if (batchRows < 1) {
        throw new InvalidInputException("batch rows must be at least 1, got " + batchRows);
      }
      this.batchRows = batchRows;
      return this;
    }

    /**
     * The explainer. It evaluates the model once on the background, for the base values.
     *
     * @throws InvalidInputException if the model's input or output does not fit, the background's
     *     columns are not the model's features, the model has more features than {@link
     *     ExplainMethod#EXACT} allows, or {@link ExplainMethod#FORMAT} is asked of a model without
     *     its own explainer
     * @throws MaasException if the model fails on the background
     */
    public Explainer build() {
      ModelSignature signature = predictor.signature();
      if (signature.inputs().size() != 1) {
        throw new InvalidInputException("explanations need a model with one input of shape [-1, p]; this one has "
            + signature.inputs().size() + " inputs");
      }
      TensorSpec input = signature.inputs().get(0);
      if (input.rank() != 2 || (input.dataType() != DataType.FP64 && input.dataType() != DataType.FP32)
          || input.shape().get(0) != TensorSpec.DYNAMIC) {
        throw new InvalidInputException("explanations need a model input FP64 or FP32 of shape [-1, p]; this one has "
            + input.describe());
      }
      List<String> names = modelFeatures != null ? modelFeatures : background.featureNames();
      long declared = input.shape().get(1);
      if (declared != TensorSpec.DYNAMIC && declared != names.size()) {
        throw new InvalidInputException("input '" + input.name() + "' has " + declared + " columns but "
            + (modelFeatures != null ? "the model names " : "the background has ") + names.size() + " features ("
            + String.join(", ", names) + ")");
      }
      Background ordered = background.reorder(names);
      TensorSpec outputSpec = chooseOutput(signature);
      int p = names.size();
      ExplainMethod resolved = resolve(p, outputSpec, signature);
      if (resolved == ExplainMethod.KERNEL && p > 1) {
        int wanted = samples < 0 ? 2 * p + 2048 : samples;
        if (wanted < 2 * p) {
          throw new InvalidInputException("Kernel SHAP needs at least 2p = " + (2 * p) + " samples for " + p
              + " features, got " + wanted);
        }
        samples = wanted + (wanted & 1);
      }
      return new Explainer(this, names, input, outputSpec, resolved, ordered);
    }

    private TensorSpec chooseOutput(ModelSignature signature) {
      TensorSpec spec;
      if (output != null) {
        spec = signature.output(output).orElseThrow(() -> new InvalidInputException("the model has no output '"
            + output + "'; outputs: " + signature.outputs().stream().map(TensorSpec::name).toList()));
      } else if (signature.outputs().size() == 1) {
        spec = signature.outputs().get(0);
      } else {
        spec = signature.outputs().stream().filter(o -> isFloating(o.dataType())).findFirst()
            .orElseThrow(() -> new InvalidInputException("the model has no floating-point output to explain; name one"
                + " of " + signature.outputs().stream().map(TensorSpec::name).toList()));
      }
      if (!spec.dataType().isNumeric() || spec.dataType() == DataType.BOOL
          || (spec.rank() != 1 && spec.rank() != 2) || spec.shape().get(0) != TensorSpec.DYNAMIC) {
        throw new InvalidInputException("output '" + spec.name() + "' cannot be explained: it must be numeric with"
            + " shape [-1] or [-1, k], got " + spec.describe());
      }
      return spec;
    }

    private static boolean isFloating(DataType type) {
      return type == DataType.FP64 || type == DataType.FP32 || type == DataType.FP16;
    }

    private ExplainMethod resolve(int p, TensorSpec outputSpec, ModelSignature signature) {
      boolean formatFits = model instanceof ExactShapleyModel && outputSpec.equals(signature.outputs().get(0))
          && (outputSpec.rank() == 1 || outputSpec.shape().get(1) == 1);
      return switch (method) {
        case AUTO -> formatFits ? ExplainMethod.FORMAT : p <= exactLimit ? ExplainMethod.EXACT : ExplainMethod.KERNEL;
        case FORMAT -> {
          if (!formatFits) {
            throw new InvalidInputException("the model has no exact explainer of its own; use EXACT, KERNEL or AUTO");
          }
          yield ExplainMethod.FORMAT;
        }
        case EXACT -> {
          if (p > exactLimit) {
            throw new InvalidInputException("exact Shapley values of " + p + " features need 2^" + p
                + " coalitions, beyond the exact limit of " + exactLimit + " features; use KERNEL or AUTO, or raise"
                + " the exact limit (at most " + MAX_EXACT_LIMIT + ")");
          }
          yield ExplainMethod.EXACT;
        }
        case KERNEL -> ExplainMethod.KERNEL;
      };
    }
  }
}
