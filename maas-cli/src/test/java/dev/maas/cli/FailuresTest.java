package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maas.InvalidInputException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The one-line messages and exit codes for what a command can throw. */
class FailuresTest {
  @Test
  void outOfMemory_exitFourWithAdvice() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertThat(Failures.exitCode(oom)).isEqualTo(Failures.OUT_OF_MEMORY);
    assertThat(Failures.message(oom)).startsWith("out of memory").contains("MAAS_JAVA_OPTS=-Xmx");
  }

  @Test
  void unexpectedException_exitThreeNamingWhereAndAskingForVerbose() {
    NullPointerException bug = new NullPointerException("x is null");
    assertThat(Failures.exitCode(bug)).isEqualTo(Failures.INTERNAL);
    assertThat(Failures.message(bug)).startsWith("internal error: NullPointerException: x is null (at ")
        .contains("--verbose");
  }

  @Test
  void expectedFailures_exitOneWithTheirMessage() {
    assertThat(Failures.exitCode(new InvalidInputException("bad"))).isEqualTo(Failures.FAILED);
    assertThat(Failures.message(new NoSuchFileException("data.csv"))).isEqualTo("no such file or directory: data.csv");
  }

  @Test
  void oneLine_capsHugeMessagesAndDropsJacksonSourceText() {
    String huge = "x".repeat(5_000_000);
    assertThat(Failures.oneLine("bad cell '" + huge + "'")).hasSizeLessThan(2_100).contains("more characters");
    assertThat(Failures.oneLine("Unexpected end-of-input\n at [Source: REDACTED (`X` disabled); line: 1, column: 2]"))
        .isEqualTo("Unexpected end-of-input");
  }
}
