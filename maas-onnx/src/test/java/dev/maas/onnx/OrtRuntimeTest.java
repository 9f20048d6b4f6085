package dev.maas.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import org.junit.jupiter.api.Test;

class OrtRuntimeTest {
  @Test
  void logLevel_fatalUnlessTheProperty_namesAnother() {
    assertThat(OrtRuntime.logLevel(null)).isEqualTo(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
    assertThat(OrtRuntime.logLevel(" ")).isEqualTo(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
    assertThat(OrtRuntime.logLevel("loud")).isEqualTo(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
    assertThat(OrtRuntime.logLevel("Warning")).isEqualTo(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING);
    assertThat(OrtRuntime.logLevel("verbose")).isEqualTo(OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE);
    assertThat(OrtRuntime.logLevel("error")).isEqualTo(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
  }

  @Test
  void message_dropsTerminalColourCodes() {
    OrtException e = new OrtException("\u001B[1;31mNon-zero status code\u001B[m returned");
    assertThat(OrtRuntime.message(e)).isEqualTo("Non-zero status code returned");
  }
}
