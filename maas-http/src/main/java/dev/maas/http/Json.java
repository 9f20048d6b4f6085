package dev.maas.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** Small helpers for the codec's error messages: they name tokens and cap echoed text. Stateless. */
final class Json {
  private static final int MAX_ECHO = 40;

  private Json() {}

  static String describe(JsonToken token) {
    return token == null ? "end of input" : switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case END_OBJECT, END_ARRAY -> "the end of a container";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }

  /** {@code text} in double quotes, cut to a readable length. */
  static String quote(String text) {
    return "\"" + clip(text) + "\"";
  }

  /** {@code text} cut to a readable length, with the number of characters left out. */
  static String clip(String text) {
    if (text.length() <= MAX_ECHO) {
      return text;
    }
    return text.substring(0, MAX_ECHO) + "...(" + (text.length() - MAX_ECHO) + " more characters)";
  }

  static String where(JsonParser p) {
    return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
  }
}
