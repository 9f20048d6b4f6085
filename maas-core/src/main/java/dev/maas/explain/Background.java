package dev.maas.explain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.maas.IntegrityException;
import dev.maas.InvalidInputException;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.PublishOptions;
import dev.maas.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The background data set of an explanation: named feature columns and rows of finite values that
 * stand for "a feature's value is unknown". An {@link Explainer} replaces the features outside a
 * coalition by each background row in turn and averages the model's outputs; the base value of an
 * explanation is the mean model output over the background.
 *
 * <p>A background also carries column means, normally of the rows it holds; a background sampled
 * from training data with {@link #sampler} carries the means of every training row instead, and
 * records how many rows it was sampled from and with which seed. {@code maas train} stores such a
 * background with each version it publishes ({@link PublishOptions.Builder#extraFile}); {@link
 * #stored} reads it back.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Background {
  /** The name of the file that holds a version's stored background in a model store. */
  public static final String FILE_NAME = "maas-background.json";

  private static final JsonFactory JSON = new JsonFactory();

  private final List<String> featureNames;
  private final double[][] rows;
  private final double[] means;
  private final long sourceRows;
  private final Optional<Long> seed;

  private Background(List<String> featureNames, double[][] rows, double[] means, long sourceRows,
      Optional<Long> seed) {
    this.featureNames = featureNames;
    this.rows = rows;
    this.means = means;
    this.sourceRows = sourceRows;
    this.seed = seed;
  }

  /**
   * The background made of {@code rows} (copied), whose column {@code j} is feature {@code
   * featureNames.get(j)}; its means are the column means of {@code rows}.
   *
   * @throws InvalidInputException if there are no rows, a row has the wrong length, a value is not
   *     finite, or the names are empty or repeated
   */
  public static Background of(List<String> featureNames, double[][] rows) {
    List<String> names = checkNames(featureNames);
    Objects.requireNonNull(rows, "rows");
    double[][] copy = checkRows(names, rows);
    return new Background(names, copy, columnMeans(copy, names.size()), copy.length, Optional.empty());
  }

  /**
   * A sampler that keeps a uniform random sample of at most {@code size} of the rows added to it
   * (reservoir sampling, seeded by {@code seed}, so the same rows in the same order give the same
   * sample) and the means of every row added.
   *
   * @throws InvalidInputException if {@code size} is less than 1
   */
  public static Sampler sampler(List<String> featureNames, int size, long seed) {
    if (size < 1) {
      throw new InvalidInputException("background sample size must be at least 1, got " + size);
    }
    return new Sampler(checkNames(featureNames), size, seed);
  }

  /**
   * The background stored with {@code version} in {@code store}, if the version has one, after its
   * checksum is verified.
   *
   * @throws IntegrityException if the stored file was altered or cannot be read
   * @throws StoreException if the store cannot be read
   */
  public static Optional<Background> stored(ModelStore store, ModelVersion version) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(version, "version");
    if (!version.files().containsKey(FILE_NAME)) {
      return Optional.empty();
    }
    byte[] json = store.readFile(version, FILE_NAME);
    try {
      return Optional.of(fromJson(json));
    } catch (InvalidInputException e) {
      throw new IntegrityException(version.reference() + ": file '" + FILE_NAME + "' is not a valid background: "
          + e.getMessage(), e);
    }
  }

  /** The feature names, one per column. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The number of rows. */
  public int rowCount() {
    return rows.length;
  }

  /** The number of columns (features). */
  public int columnCount() {
    return featureNames.size();
  }

  /** A copy of the rows. */
  public double[][] rows() {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i].clone();
    }
    return out;
  }

  /** Value {@code column} of row {@code row}. */
  public double value(int row, int column) {
    return rows[row][column];
  }

  /** A copy of the column means (of all source rows for a sampled background). */
  public double[] means() {
    return means.clone();
  }

  /** How many rows the background was taken from: {@link #rowCount()} unless it was sampled. */
  public long sourceRows() {
    return sourceRows;
  }

  /** The seed of the sample, for a background made by a {@link Sampler}. */
  public Optional<Long> seed() {
    return seed;
  }

  /**
   * This background with its columns in the order of {@code names}, which must name exactly this
   * background's features.
   *
   * @throws InvalidInputException if a name is missing from the background or the background has a
   *     feature {@code names} lacks
   */
  public Background reorder(List<String> names) {
    List<String> wanted = checkNames(names);
    if (wanted.equals(featureNames)) {
      return this;
    }
    for (String name : featureNames) {
      if (!wanted.contains(name)) {
        throw new InvalidInputException("background: column '" + name + "' is not a feature of the model (features: "
            + String.join(", ", wanted) + ")");
      }
    }
    int[] from = new int[wanted.size()];
    for (int j = 0; j < from.length; j++) {
      from[j] = featureNames.indexOf(wanted.get(j));
      if (from[j] < 0) {
        throw new InvalidInputException("background: no column for feature '" + wanted.get(j) + "'");
      }
    }
    double[][] out = new double[rows.length][from.length];
    double[] m = new double[from.length];
    for (int j = 0; j < from.length; j++) {
      m[j] = means[from[j]];
      for (int i = 0; i < rows.length; i++) {
        out[i][j] = rows[i][from[j]];
      }
    }
    return new Background(wanted, out, m, sourceRows, seed);
  }

  // ---- JSON (the stored file) ----

  /**
   * This background as JSON, the content of file {@link #FILE_NAME}: store it with a version by
   * {@code PublishOptions.builder().extraFile(Background.FILE_NAME, background.toJson())}.
   */
  public byte[] toJson() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeNumberField("format_version", 1);
      g.writeArrayFieldStart("features");
      for (String name : featureNames) {
        g.writeString(name);
      }
      g.writeEndArray();
      g.writeNumberField("source_rows", sourceRows);
      if (seed.isPresent()) {
        g.writeNumberField("seed", seed.get());
      }
      g.writeArrayFieldStart("means");
      for (double m : means) {
        g.writeNumber(m);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("rows");
      for (double[] row : rows) {
        g.writeArray(row, 0, row.length);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Parses what {@link #toJson()} wrote. */
  static Background fromJson(byte[] json) {
    List<String> names = null;
    List<double[]> rows = null;
    double[] means = null;
    long sourceRows = -1;
    Long seed = null;
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, "an object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "format_version" -> {
            expect(value, JsonToken.VALUE_NUMBER_INT, "format_version");
            if (p.getIntValue() != 1) {
              throw new InvalidInputException("unsupported background format_version " + p.getText());
            }
          }
          case "features" -> {
            expect(value, JsonToken.START_ARRAY, "features");
            names = new ArrayList<>();
            while (p.nextToken() == JsonToken.VALUE_STRING) {
              names.add(p.getText());
            }
            expect(p.currentToken(), JsonToken.END_ARRAY, "features");
          }
          case "source_rows" -> {
            expect(value, JsonToken.VALUE_NUMBER_INT, "source_rows");
            sourceRows = p.getLongValue();
          }
          case "seed" -> {
            expect(value, JsonToken.VALUE_NUMBER_INT, "seed");
            seed = p.getLongValue();
          }
          case "means" -> {
            expect(value, JsonToken.START_ARRAY, "means");
            means = numbers(p);
          }
          case "rows" -> {
            expect(value, JsonToken.START_ARRAY, "rows");
            rows = new ArrayList<>();
            while (p.nextToken() == JsonToken.START_ARRAY) {
              rows.add(numbers(p));
            }
            expect(p.currentToken(), JsonToken.END_ARRAY, "rows");
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException("malformed JSON: " + e.getMessage(), e);
    }
    if (names == null || rows == null || means == null || sourceRows < 0) {
      throw new InvalidInputException("features, rows, means and source_rows are required");
    }
    List<String> checked = checkNames(names);
    double[][] r = checkRows(checked, rows.toArray(new double[0][]));
    if (means.length != checked.size()) {
      throw new InvalidInputException("means has " + means.length + " values for " + checked.size() + " features");
    }
    return new Background(checked, r, means, sourceRows, Optional.ofNullable(seed));
  }

  private static double[] numbers(JsonParser p) throws IOException {
    double[] out = new double[8];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, 2 * n);
      }
      out[n++] = p.getDoubleValue();
    }
    expect(t, JsonToken.END_ARRAY, "a number");
    return java.util.Arrays.copyOf(out, n);
  }

  private static void expect(JsonToken actual, JsonToken expected, String what) {
    if (actual != expected) {
      throw new InvalidInputException("expected " + what + ", got " + actual);
    }
  }

  // ---- checks ----

  private static List<String> checkNames(List<String> featureNames) {
    List<String> names = List.copyOf(Objects.requireNonNull(featureNames, "featureNames"));
    if (names.isEmpty()) {
      throw new InvalidInputException("background: no feature columns");
    }
    for (String name : names) {
      if (name.isEmpty()) {
        throw new InvalidInputException("background: a feature name is empty");
      }
    }
    if (new HashSet<>(names).size() != names.size()) {
      throw new InvalidInputException("background: feature names repeat: " + names);
    }
    return names;
  }

  private static double[][] checkRows(List<String> names, double[][] rows) {
    if (rows.length == 0) {
      throw new InvalidInputException("background: no rows; an explanation needs at least one background row");
    }
    double[][] copy = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      double[] row = Objects.requireNonNull(rows[i], "background row");
      if (row.length != names.size()) {
        throw new InvalidInputException("background: row " + i + " has " + row.length + " values, expected "
            + names.size() + " (" + String.join(", ", names) + ")");
      }
      for (int j = 0; j < row.length; j++) {
        if (!Double.isFinite(row[j])) {
          throw new InvalidInputException("background: row " + i + ", feature '" + names.get(j) + "' is " + row[j]
              + "; values must be finite");
        }
      }
      copy[i] = row.clone();
    }
    return copy;
  }

  private static double[] columnMeans(double[][] rows, int p) {
    MeanAccumulator acc = new MeanAccumulator(p);
    for (double[] row : rows) {
      acc.add(row);
    }
    return acc.means();
  }

  /** Compensated (Neumaier) column sums, so that means of many rows keep their digits. */
  private static final class MeanAccumulator {
    private final double[] sum;
    private final double[] compensation;
    private long count;

    MeanAccumulator(int p) {
      sum = new double[p];
      compensation = new double[p];
    }

    void add(double[] row) {
      for (int j = 0; j < sum.length; j++) {
        double t = sum[j] + row[j];
        if (Math.abs(sum[j]) >= Math.abs(row[j])) {
          compensation[j] += (sum[j] - t) + row[j];
        } else {
          compensation[j] += (row[j] - t) + sum[j];
        }
        sum[j] = t;
      }
      count++;
    }

    double[] means() {
      double[] m = new double[sum.length];
      for (int j = 0; j < m.length; j++) {
        m[j] = (sum[j] + compensation[j]) / count;
      }
      return m;
    }
  }

  /**
   * Collects a seeded uniform sample of rows (reservoir sampling) and the means of every row, in one
   * pass over data of any size.
   *
   * <p>Instances are not thread-safe: one thread adds rows, then calls {@link #build()}.
   */
  public static final class Sampler {
    private final List<String> names;
    private final int size;
    private final long seed;
    private final SplittableRandom random;
    private final double[][] reservoir;
    private final MeanAccumulator means;
    private long seen;

    private Sampler(List<String> names, int size, long seed) {
      this.names = names;
      this.size = size;
      this.seed = seed;
      this.random = new SplittableRandom(seed);
      this.reservoir = new double[size][];
      this.means = new MeanAccumulator(names.size());
    }

    /**
     * Offers one row (copied when kept).
     *
     * @throws InvalidInputException if the row has the wrong length or a value that is not finite
     */
    public void add(double[] row) {
      Objects.requireNonNull(row, "row");
      if (row.length != names.size()) {
        throw new InvalidInputException("background: row " + seen + " has " + row.length + " values, expected "
            + names.size());
      }
      for (int j = 0; j < row.length; j++) {
        if (!Double.isFinite(row[j])) {
          throw new InvalidInputException("background: row " + seen + ", feature '" + names.get(j) + "' is "
              + row[j] + "; values must be finite");
        }
      }
      means.add(row);
      if (seen < size) {
        reservoir[(int) seen] = row.clone();
      } else {
        long k = random.nextLong(seen + 1);
        if (k < size) {
          reservoir[(int) k] = row.clone();
        }
      }
      seen++;
    }

    /**
     * The sample: the rows kept, and the means of every row added.
     *
     * @throws InvalidInputException if no row was added
     */
    public Background build() {
      if (seen == 0) {
        throw new InvalidInputException("background: no rows; an explanation needs at least one background row");
      }
      int n = (int) Math.min(seen, size);
      double[][] rows = new double[n][];
      for (int i = 0; i < n; i++) {
        rows[i] = reservoir[i].clone();
      }
      return new Background(names, rows, means.means(), seen, Optional.of(seed));
    }
  }
}
