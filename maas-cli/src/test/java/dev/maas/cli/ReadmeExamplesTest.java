package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's Java code, as a reader pastes it: every {@code ```java} block is compiled verbatim
 * (imports included, with {@code -Xlint:all -Werror}) against the modules' jars, and each program
 * is run in its own JVM in an empty directory.
 */
class ReadmeExamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)");

  @TempDir Path dir;

  static List<String> javaBlocks() throws IOException {
    Path readme = Path.of(System.getProperty("user.dir")).resolveSibling("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @Test
  void readmeJavaBlocks_compileAsPastedAndRun() throws Exception {
    List<String> blocks = javaBlocks();
    assertThat(blocks).isNotEmpty();
    Path sources = Files.createDirectories(dir.resolve("src"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> mains = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (String block : blocks) {
      Matcher name = CLASS_NAME.matcher(block);
      assertThat(name.find()).as("a README Java block declares a public class:%n%s", block).isTrue();
      mains.add(name.group(1));
      files.add(Files.writeString(sources.resolve(name.group(1) + ".java"), block).toString());
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-Xlint:all", "-Werror", "--release", "17", "-proc:none",
        "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()));
    args.addAll(files);
    int status = compiler.run(null, null, null, args.toArray(new String[0]));
    assertThat(status).as("javac of the README's Java blocks (its messages are on stderr)").isZero();

    for (String main : mains) {
      Path work = Files.createDirectories(dir.resolve("run-" + main));
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", classes + java.io.File.pathSeparator + System.getProperty("java.class.path"), main)
          .directory(work.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      if (main.equals("QuickExample")) {
        assertThat(output).contains("sales@production predicts", "sales.onnx predicts");
        assertThat(work.resolve("sales.onnx")).isRegularFile();
      }
    }
  }
}
