package dev.maas.benchmarks;

import dev.maas.internal.Csv;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.linear.LinearRegressionTrainer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A streaming fit of a large CSV file ({@code rows} rows, {@code features} features and a target) in
 * a JVM with a 256 MiB heap, with the default settings, against the time to merely read the file
 * line by line and parse every cell with the CSV reader the fit itself uses ({@link Csv#parseRow})
 * on one thread (the floor a single-threaded one-pass reader cannot beat). The file is written once
 * per trial into the temporary directory and deleted afterwards.
 *
 * <p>JMH state; one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 1)
@Measurement(iterations = 2)
public class LinearStreamingBenchmark {
  /** Rows in the file. */
  @Param({"100000", "10000000"})
  public int rows;

  /**
   * Features: 4 (the model below, refined or not as the default decides) or 64 ({@code x ~ N(0, 1)},
   * coefficients drawn once from {@code N(0, 1)}, unit noise, written as floats: data on which the
   * default refines, taking its step from sums gathered on the one read of the file).
   */
  @Param({"4", "64"})
  public int features;

  private Path file;

  /** Writes the CSV: for 4 features, y = 2 + a - 2b + 0.5c + 3d + N(0, 1). */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Files.createTempFile("maas-linear-stream", ".csv");
    SplittableRandom random = new SplittableRandom(3);
    if (features != 4) {
      writeGaussian(random);
      return;
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("a,b,c,d,y\n");
      StringBuilder line = new StringBuilder(128);
      for (int i = 0; i < rows; i++) {
        double a = random.nextGaussian();
        double b = 10 + random.nextGaussian();
        double c = random.nextDouble(-100, 100);
        double d = random.nextInt(1000) / 10.0;
        double y = 2 + a - 2 * b + 0.5 * c + 3 * d + random.nextGaussian();
        line.setLength(0);
        line.append((float) a).append(',').append((float) b).append(',').append((float) c).append(',').append(d)
            .append(',').append((float) y).append('\n');
        out.append(line);
      }
    }
  }

  private void writeGaussian(SplittableRandom random) throws IOException {
    double[] beta = new double[features + 1];
    for (int j = 0; j <= features; j++) {
      beta[j] = random.nextGaussian();
    }
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder(16 * (features + 1));
      for (int j = 0; j < features; j++) {
        line.append('x').append(j + 1).append(',');
      }
      out.append(line).append("y\n");
      for (int i = 0; i < rows; i++) {
        line.setLength(0);
        double y = beta[0] + random.nextGaussian();
        for (int j = 0; j < features; j++) {
          float v = (float) random.nextGaussian();
          y += beta[j + 1] * v;
          line.append(v).append(',');
        }
        line.append((float) y).append('\n');
        out.append(line);
      }
    }
  }

  /** Deletes the file. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
  }

  /** MaaS: {@code fitCsv} on all cores, one pass, memory independent of the row count. */
  @Benchmark
  public LinearRegressionModel maasFitCsv() {
    return LinearRegressionTrainer.ordinaryLeastSquares().fitCsv(file, "y");
  }

  /** The baseline: read every line and parse every cell, single-threaded, no fitting. */
  @Benchmark
  public double readAndParseOnly() throws IOException {
    double sum = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      List<String> header = Csv.header(in.readLine());
      int[] slots = new int[header.size()];
      Arrays.setAll(slots, c -> c);
      double[] values = new double[header.size()];
      long lineNumber = 1;
      for (String line; (line = in.readLine()) != null; ) {
        Csv.parseRow(line, ++lineNumber, slots, header, values);
        for (double v : values) {
          sum += v;
        }
      }
    }
    return sum;
  }
}
