package dev.maas.linear;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.maas.InvalidInputException;
import dev.maas.Model;
import dev.maas.ModelLoadException;
import dev.maas.spi.ArtifactReader;
import dev.maas.spi.ArtifactWriter;
import dev.maas.spi.ModelFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code linear} model format: one JSON file, {@value #FILE}, holding a {@link
 * LinearRegressionModel}'s feature names, intercept and coefficients, and its {@link FitReport}
 * when it has one. Every number is stored as a hexadecimal floating-point string ({@link
 * Double#toHexString}), so a model reads back bit for bit; the coefficients are repeated in
 * decimal under {@code "readable"} for people, and that copy is ignored on reading. Registered
 * with {@link java.util.ServiceLoader}; public only so that the service loader and explicit
 * store configurations can instantiate it.
 *
 * <p>Instances are stateless and thread-safe.
 */
public final class LinearFormat implements ModelFormat {
  /** The artifact's file name. */
  public static final String FILE = "model.json";
  /** The format's name. */
  public static final String NAME = "linear";

  private static final int VERSION = 1;
  private static final JsonFactory JSON = new JsonFactory();

  /** Creates the format (for {@link java.util.ServiceLoader}). */
  public LinearFormat() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean canWrite(Model model) {
    return model instanceof LinearRegressionModel;
  }

  @Override
  public void write(Model model, ArtifactWriter out) throws IOException {
    Objects.requireNonNull(out, "out");
    if (!canWrite(model)) {
      throw new IllegalArgumentException("the linear format cannot write a " + model.getClass().getName());
    }
    LinearRegressionModel m = (LinearRegressionModel) model;
    try (OutputStream stream = out.create(FILE); JsonGenerator g = JSON.createGenerator(stream)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("format", NAME);
      g.writeNumberField("version", VERSION);
      g.writeArrayFieldStart("features");
      for (String name : m.featureNames()) {
        g.writeString(name);
      }
      g.writeEndArray();
      g.writeStringField("intercept", Double.toHexString(m.intercept()));
      g.writeArrayFieldStart("coefficients");
      for (int j = 0; j < m.featureCount(); j++) {
        g.writeString(Double.toHexString(m.coefficient(j)));
      }
      g.writeEndArray();
      g.writeObjectFieldStart("readable");
      g.writeNumberField("intercept", m.intercept());
      g.writeArrayFieldStart("coefficients");
      for (int j = 0; j < m.featureCount(); j++) {
        g.writeNumber(m.coefficient(j));
      }
      g.writeEndArray();
      g.writeEndObject();
      if (m.report().isPresent()) {
        writeReport(g, m.report().get());
      }
      g.writeEndObject();
    }
  }

  private static void writeReport(JsonGenerator g, FitReport r) throws IOException {
    g.writeObjectFieldStart("report");
    g.writeNumberField("row_count", r.rowCount());
    g.writeNumberField("parameter_count", r.parameterCount());
    g.writeBooleanField("intercept", r.intercept());
    hex(g, "ridge", r.ridge());
    g.writeBooleanField("standardized", r.standardized());
    g.writeArrayFieldStart("coefficients");
    for (FitReport.Coefficient c : r.coefficients()) {
      g.writeStartObject();
      g.writeStringField("name", c.name());
      hex(g, "estimate", c.estimate());
      hex(g, "standard_error", c.standardError());
      hex(g, "t_statistic", c.tStatistic());
      hex(g, "p_value", c.pValue());
      g.writeEndObject();
    }
    g.writeEndArray();
    hex(g, "residual_standard_error", r.residualStandardError());
    hex(g, "r_squared", r.rSquared());
    hex(g, "adjusted_r_squared", r.adjustedRSquared());
    hex(g, "f_statistic", r.fStatistic());
    hex(g, "f_p_value", r.fPValue());
    hex(g, "condition_number", r.conditionNumber());
    g.writeEndObject();
  }

  private static void hex(JsonGenerator g, String field, double value) throws IOException {
    g.writeStringField(field, Double.toHexString(value));
  }

  @Override
  public Model open(ArtifactReader in) throws IOException {
    Objects.requireNonNull(in, "in");
    byte[] bytes = in.readAllBytes(FILE);
    Object tree;
    try (JsonParser parser = JSON.createParser(bytes)) {
      if (parser.nextToken() == null) {
        throw bad(in, "the file is empty");
      }
      tree = read(parser);
    } catch (JsonProcessingException e) {
      throw bad(in, "not valid JSON: " + e.getOriginalMessage());
    }
    try {
      Map<String, Object> root = object(tree, "the document");
      if (!NAME.equals(root.get("format"))) {
        throw new IllegalArgumentException("\"format\" is " + root.get("format") + ", expected \"" + NAME + "\"");
      }
      Object version = root.get("version");
      if (!(version instanceof Long v) || v != VERSION) {
        throw new IllegalArgumentException("unsupported version " + version + "; this library reads version " + VERSION);
      }
      List<String> features = new ArrayList<>();
      for (Object o : list(root.get("features"), "features")) {
        features.add(string(o, "a feature name"));
      }
      double intercept = number(root.get("intercept"), "intercept");
      List<Object> coefficientList = list(root.get("coefficients"), "coefficients");
      double[] coefficients = new double[coefficientList.size()];
      for (int j = 0; j < coefficients.length; j++) {
        coefficients[j] = number(coefficientList.get(j), "coefficient " + j);
      }
      Object report = root.get("report");
      if (report == null) {
        return LinearRegressionModel.of(intercept, coefficients, features);
      }
      return LinearRegressionModel.withReport(intercept, coefficients, features, report(object(report, "report")));
    } catch (IllegalArgumentException | InvalidInputException | ClassCastException e) {
      throw bad(in, e.getMessage());
    }
  }

  private static FitReport report(Map<String, Object> r) {
    List<FitReport.Coefficient> coefficients = new ArrayList<>();
    for (Object o : list(r.get("coefficients"), "report coefficients")) {
      Map<String, Object> c = object(o, "a report coefficient");
      coefficients.add(new FitReport.Coefficient(string(c.get("name"), "a coefficient name"),
          number(c.get("estimate"), "estimate"), number(c.get("standard_error"), "standard_error"),
          number(c.get("t_statistic"), "t_statistic"), number(c.get("p_value"), "p_value")));
    }
    return new FitReport(integer(r.get("row_count"), "row_count"), (int) integer(r.get("parameter_count"), "parameter_count"),
        bool(r.get("intercept"), "intercept"), number(r.get("ridge"), "ridge"), bool(r.get("standardized"), "standardized"),
        coefficients, number(r.get("residual_standard_error"), "residual_standard_error"),
        number(r.get("r_squared"), "r_squared"), number(r.get("adjusted_r_squared"), "adjusted_r_squared"),
        number(r.get("f_statistic"), "f_statistic"), number(r.get("f_p_value"), "f_p_value"),
        number(r.get("condition_number"), "condition_number"));
  }

  private static ModelLoadException bad(ArtifactReader in, String why) {
    return new ModelLoadException(in.location() + ": " + FILE + " is not a valid linear model: " + why);
  }

  /** Reads the value at the parser's current token as Map, List, String, Long, Double, Boolean or null. */
  private static Object read(JsonParser p) throws IOException {
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          map.put(key, read(p));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p));
        }
        return items;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object o, String what) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o, String what) {
    if (!(o instanceof List)) {
      throw new IllegalArgumentException("\"" + what + "\" must be a JSON array");
    }
    return (List<Object>) o;
  }

  private static String string(Object o, String what) {
    if (!(o instanceof String s)) {
      throw new IllegalArgumentException(what + " must be a string");
    }
    return s;
  }

  private static double number(Object o, String what) {
    if (!(o instanceof String s)) {
      throw new IllegalArgumentException("\"" + what + "\" must be a hexadecimal floating-point string");
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + what + "\" is not a number: '" + s + "'");
    }
  }

  private static long integer(Object o, String what) {
    if (!(o instanceof Long v)) {
      throw new IllegalArgumentException("\"" + what + "\" must be an integer");
    }
    return v;
  }

  private static boolean bool(Object o, String what) {
    if (!(o instanceof Boolean b)) {
      throw new IllegalArgumentException("\"" + what + "\" must be true or false");
    }
    return b;
  }
}
