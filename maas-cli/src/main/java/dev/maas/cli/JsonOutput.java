package dev.maas.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes the {@code --json} output of a command: one JSON object on one line, produced by
 * jackson-core. Numbers that are not finite are written as the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"}, as the Open Inference Protocol JSON does. Stateless.
 */
final class JsonOutput {
  private static final JsonFactory FACTORY = dev.maas.internal.Json.FACTORY;

  /** What fills one JSON document. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private JsonOutput() {}

  /** The JSON text {@code body} writes. */
  static String write(Body body) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(text)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Writes {@code value} as a JSON number, or as a string when it is not finite. */
  static void number(JsonGenerator json, double value) throws IOException {
    if (Double.isFinite(value)) {
      json.writeNumber(value);
    } else {
      json.writeString(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
  }
}
