package dev.maas.benchmarks;

import dev.maas.DataType;
import dev.maas.ModelStore;
import dev.maas.Predictor;
import dev.maas.PublishOptions;
import dev.maas.Tensor;
import dev.maas.http.InferenceServer;
import dev.maas.linear.LinearRegressionModel;
import dev.maas.monitor.DriftMonitor;
import dev.maas.monitor.MonitorOptions;
import dev.maas.monitor.ReferenceOptions;
import dev.maas.monitor.ReferenceStatistics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The cost of drift monitoring on a tiny model (a linear regression on {@code p} features, one
 * output): in process, a plain predictor against the same predictor wrapped by {@link
 * DriftMonitor#monitoring}, and the monitor's {@code observe} alone (divide by {@code rows * (p + 1)}
 * values for the cost per feature value); over HTTP, a request to a stored version without a
 * reference against one to the same model stored with a reference, on one server.
 *
 * <p>JMH state; any number of benchmark threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class MonitorBenchmark {
  /** Features. */
  @Param({"8", "64"})
  public int p;

  /** Rows per call. */
  @Param({"1", "64"})
  public int rows;

  private Predictor plain;
  private Predictor monitored;
  private DriftMonitor monitor;
  private Map<String, Tensor> inputs;
  private Map<String, Tensor> outputs;
  private ModelStore store;
  private InferenceServer server;
  private HttpClient client;
  private HttpRequest plainRequest;
  private HttpRequest monitoredRequest;

  /** Builds the model, its reference from 10,000 random rows, the request, and a server on loopback. */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(11);
    double[] coefficients = new double[p];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      coefficients[j] = random.nextGaussian();
      names.add("f" + j);
    }
    LinearRegressionModel model = LinearRegressionModel.of(0.5, coefficients, names);
    plain = model.predictor();
    var reference = ReferenceStatistics.builder(model.signature(), ReferenceOptions.defaults());
    for (int b = 0; b < 10; b++) {
      Map<String, Tensor> batch = Map.of(LinearRegressionModel.INPUT,
          Tensor.ofDoubles(random.doubles(1000L * p).map(v -> v * 2 - 1).toArray(), 1000, p));
      reference.addInputs(batch).addOutputs(plain.predict(batch));
    }
    ReferenceStatistics stats = reference.build();
    monitor = DriftMonitor.create(stats, MonitorOptions.defaults());
    monitored = monitor.monitoring(plain);
    double[] x = random.doubles((long) rows * p).map(v -> v * 2 - 1).toArray();
    inputs = Map.of(LinearRegressionModel.INPUT, Tensor.wrap(DataType.FP64, x, rows, p));
    outputs = plain.predict(inputs);

    store = ModelStore.inMemory();
    store.publish("plain", model);
    store.publish("monitored", model, stats.attachTo(PublishOptions.builder()).build());
    server = InferenceServer.builder().store(store).port(0).build().start();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < x.length; i++) {
      data.append(i == 0 ? "" : ",").append(x[i]);
    }
    String body = "{\"inputs\":[{\"name\":\"" + LinearRegressionModel.INPUT + "\",\"shape\":[" + rows + "," + p
        + "],\"datatype\":\"FP64\",\"data\":[" + data + "]}]}";
    plainRequest = request("plain", body);
    monitoredRequest = request("monitored", body);
  }

  private HttpRequest request(String model, String body) {
    return HttpRequest.newBuilder(URI.create(server.uri() + "/v2/models/" + model + "/infer"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** Stops the server and closes the store. */
  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
    store.close();
  }

  /** Baseline: the model's own predictor. */
  @Benchmark
  public Map<String, Tensor> predictPlain() {
    return plain.predict(inputs);
  }

  /** The same predictor with drift monitoring of every input and output value. */
  @Benchmark
  public Map<String, Tensor> predictMonitored() {
    return monitored.predict(inputs);
  }

  /** Monitoring alone: counting {@code rows * (p + 1)} values into their bins. */
  @Benchmark
  public DriftMonitor observeOnly() {
    monitor.observe(inputs, outputs);
    return monitor;
  }

  /** Baseline over HTTP: a version stored without reference statistics. */
  @Benchmark
  public int httpPlain() throws IOException, InterruptedException {
    return send(plainRequest);
  }

  /** Over HTTP: the same model stored with reference statistics, so the server monitors it. */
  @Benchmark
  public int httpMonitored() throws IOException, InterruptedException {
    return send(monitoredRequest);
  }

  private int send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + answer.statusCode() + ": " + new String(answer.body(),
          java.nio.charset.StandardCharsets.UTF_8));
    }
    return answer.body().length;
  }
}
