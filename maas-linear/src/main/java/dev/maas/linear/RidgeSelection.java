package dev.maas.linear;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.maas.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a {@link RidgeSearch}: the cross-validation curve over the grid, the penalty at
 * its minimum and the one-standard-error choice. Stored with a version as {@value #FILE_NAME}.
 *
 * @param method how each penalty was scored
 * @param folds the number of folds for k-fold, else 0
 * @param standardized whether the penalty applied to standardised features
 * @param rows the number of rows scored
 * @param curve one point per penalty, ascending
 * @param best the penalty with the lowest score (the smallest such penalty on a tie)
 * @param oneStandardError the largest penalty whose score is at most the minimum plus its standard
 *     error; NaN for generalised cross-validation, which has no standard error
 */
public record RidgeSelection(RidgeSearch.Method method, int folds, boolean standardized, long rows,
    List<Point> curve, double best, double oneStandardError) {

  /** The name of the record among a version's files. */
  public static final String FILE_NAME = "ridge-selection.json";

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * One penalty of the curve.
   *
   * @param ridge the penalty
   * @param score the mean squared error by cross-validation (for GCV, {@code n·RSS / (n − tr H)²})
   * @param standardError the score's standard error (NaN for GCV): for leave-one-out the standard
   *     deviation of the squared leave-one-out errors over sqrt(n), for k-fold that of the fold means
   *     over sqrt(k)
   * @param effectiveDf {@code tr H} on all the rows, the intercept counted
   */
  public record Point(double ridge, double score, double standardError, double effectiveDf) {}

  /** Validates and copies. */
  public RidgeSelection {
    Objects.requireNonNull(method, "method");
    curve = List.copyOf(curve);
    if (curve.isEmpty()) {
      throw new IllegalArgumentException("a ridge selection needs at least one point");
    }
  }

  static RidgeSelection of(RidgeSearch.Method method, int folds, boolean standardized, long rows, List<Point> curve) {
    int at = 0;
    for (int i = 1; i < curve.size(); i++) {
      if (curve.get(i).score() < curve.get(at).score()) {
        at = i;
      }
    }
    if (!Double.isFinite(curve.get(at).score())) {
      throw new InvalidInputException("no penalty of the grid has a finite cross-validation score");
    }
    double oneSe = Double.NaN;
    double limit = curve.get(at).score() + curve.get(at).standardError();
    if (!Double.isNaN(limit)) {
      oneSe = curve.get(at).ridge();
      for (int i = at + 1; i < curve.size(); i++) {
        if (curve.get(i).score() <= limit) {
          oneSe = curve.get(i).ridge();
        }
      }
    }
    return new RidgeSelection(method, folds, standardized, rows, curve, curve.get(at).ridge(), oneSe);
  }

  /** The record as JSON, as stored with a version. */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("method", method.label());
      g.writeNumberField("folds", folds);
      g.writeBooleanField("standardized", standardized);
      g.writeNumberField("rows", rows);
      number(g, "best", best);
      number(g, "one_standard_error", oneStandardError);
      g.writeArrayFieldStart("curve");
      for (Point p : curve) {
        g.writeStartObject();
        number(g, "ridge", p.ridge());
        number(g, "score", p.score());
        number(g, "standard_error", p.standardError());
        number(g, "effective_df", p.effectiveDf());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @throws InvalidInputException if the bytes are not such a record
   */
  public static RidgeSelection fromJson(byte[] json) {
    Objects.requireNonNull(json, "json");
    RidgeSearch.Method method = null;
    int folds = 0;
    boolean standardized = false;
    long rows = 0;
    List<Point> curve = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "method" -> method = method(p.getText());
          case "folds" -> folds = p.getIntValue();
          case "standardized" -> standardized = p.getBooleanValue();
          case "rows" -> rows = p.getLongValue();
          case "curve" -> {
            expect(t, JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              double ridge = Double.NaN;
              double score = Double.NaN;
              double se = Double.NaN;
              double df = Double.NaN;
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                double v = value(p);
                switch (name) {
                  case "ridge" -> ridge = v;
                  case "score" -> score = v;
                  case "standard_error" -> se = v;
                  case "effective_df" -> df = v;
                  default -> { }
                }
              }
              curve.add(new Point(ridge, score, se, df));
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidInputException("not a ridge selection record: " + e.getOriginalMessage());
    } catch (IOException | NumberFormatException e) {
      throw new InvalidInputException("not a ridge selection record: " + e.getMessage());
    }
    if (method == null || curve.isEmpty()) {
      throw new InvalidInputException("not a ridge selection record: no method or no curve");
    }
    return of(method, folds, standardized, rows, curve);
  }

  private static RidgeSearch.Method method(String label) {
    for (RidgeSearch.Method m : RidgeSearch.Method.values()) {
      if (m.label().equals(label)) {
        return m;
      }
    }
    throw new InvalidInputException("not a ridge selection record: unknown method '" + label + "'");
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new InvalidInputException("not a ridge selection record: expected " + expected + ", got " + actual);
    }
  }

  private static double value(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.VALUE_STRING ? Double.parseDouble(p.getText()) : p.getDoubleValue();
  }

  private static void number(JsonGenerator g, String name, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumberField(name, v);
    } else {
      g.writeStringField(name, Double.toString(v));
    }
  }
}
