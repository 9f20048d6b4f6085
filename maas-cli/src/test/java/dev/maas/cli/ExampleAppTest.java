package dev.maas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example application under {@code examples/house-prices}, as a reader builds it: its sources
 * compile with {@code -Xlint:all -Werror --release 17} against the modules' jars and it runs to the
 * end in an empty directory; its POM pins the compiler plugin; and every {@code ```java} block of
 * {@code docs/} is either a whole program (it declares a public class; all of them compile with the
 * same flags) or a fragment of the example, every line of it found in the example's source.
 */
class ExampleAppTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path APP = ROOT.resolve("examples/house-prices");
  private static final Pattern PUBLIC_CLASS = Pattern.compile("public (?:final )?class (\\w+)");
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  /** Pages whose Java needs Spark, which this build does not put on the test class path. */
  private static final Set<String> SPARK_PAGES = Set.of("spark.md");

  @TempDir Path dir;

  @Test
  void exampleApp_compilesAndRunsToTheEnd() throws Exception {
    List<String> sources;
    try (Stream<Path> files = Files.walk(APP.resolve("src/main/java"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
    }
    assertThat(sources).isNotEmpty();
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("-Xlint:all", "-Werror", "--release", "17", "-proc:none",
        "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()));
    args.addAll(sources);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assertThat(compiler.run(null, null, null, args.toArray(new String[0])))
        .as("javac of examples/house-prices (its messages are on stderr)").isZero();

    Path work = Files.createDirectories(dir.resolve("run"));
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        classes + java.io.File.pathSeparator + System.getProperty("java.class.path"), "com.example.HousePrices")
        .directory(work.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("R² 0.9", "90% prediction interval", "house-prices@production predicts",
        "version 1 released", "batched: ", "base ", "house-prices.onnx predicts", "published house-prices:2",
        "production is now house-prices:1", "HTTP 200 {\"model_name\":\"house-prices\",\"model_version\":\"1\"");
    assertThat(work.resolve("house-prices.onnx")).isRegularFile();
  }

  @Test
  void examplePom_pinsTheCompilerPluginForRelease17() throws IOException {
    String pom = Files.readString(APP.resolve("pom.xml"));
    assertThat(pom).contains("<maven.compiler.release>17</maven.compiler.release>")
        .containsPattern("<artifactId>maven-compiler-plugin</artifactId>\\s*<version>3\\.\\d+\\.\\d+</version>")
        .contains("<mainClass>com.example.HousePrices</mainClass>");
  }

  @Test
  void docsJavaBlocks_areWholeProgramsOrFragmentsOfTheExample() throws IOException {
    Set<String> exampleLines;
    try (Stream<Path> files = Files.walk(APP.resolve("src/main/java"))) {
      exampleLines = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
        try {
          return Files.readAllLines(f).stream();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).map(String::strip).collect(Collectors.toSet());
    }
    int fragments = 0;
    List<String> programs = new ArrayList<>();
    List<Path> pages;
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      pages = files.filter(f -> f.toString().endsWith(".md")).sorted().toList();
    }
    for (Path page : pages) {
      if (SPARK_PAGES.contains(page.getFileName().toString())) {
        continue;
      }
      Matcher m = JAVA_BLOCK.matcher(Files.readString(page));
      while (m.find()) {
        String block = m.group(1);
        if (block.contains("public class ") || block.contains("public final class ")) {
          Matcher name = PUBLIC_CLASS.matcher(block);
          assertThat(name.find()).as("a whole program in %s names its class", page).isTrue();
          Path source = dir.resolve("programs").resolve(name.group(1) + ".java");
          assertThat(source).as("two programs in docs/ are called %s", name.group(1)).doesNotExist();
          Files.createDirectories(source.getParent());
          Files.writeString(source, block);
          programs.add(source.toString());
          continue;
        }
        fragments++;
        for (String line : block.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("...")).toList()) {
          assertThat(exampleLines).as("%s: a fragment's line is in examples/house-prices:%n%s", page.getFileName(),
              block).contains(line);
        }
      }
    }
    assertThat(fragments).isGreaterThan(5);
    assertThat(programs).hasSizeGreaterThan(5);
    List<String> args = new ArrayList<>(List.of("-Xlint:all", "-Werror", "--release", "17", "-proc:none",
        "-classpath", System.getProperty("java.class.path"), "-d", dir.resolve("program-classes").toString()));
    args.addAll(programs);
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])))
        .as("javac of the whole programs in docs/ (its messages are on stderr)").isZero();
  }
}
