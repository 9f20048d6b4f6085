package dev.maas.http;

import com.sun.net.httpserver.HttpServer;
import dev.maas.Tensor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The server side of the wrk benchmarks in {@code maas-http/bench/wrk.sh} (not a test): {@code
 * noop PORT} runs a bare {@link HttpServer} whose handler reads the body and writes a fixed
 * response of the same size as the model's answer, the ceiling for this stack; {@code model PORT
 * MAX_IN_FLIGHT [batch]} runs an {@link InferenceServer} with a tiny model. Both use the same executor (a
 * fixed pool of 64 threads) and TCP_NODELAY. {@code bodies DIR} writes the request bodies.
 */
final class HttpBenchServer {
  private HttpBenchServer() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    switch (args[0]) {
      case "bodies" -> bodies(Path.of(args[1]));
      case "noop" -> noop(Integer.parseInt(args[1]));
      case "model" -> model(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args.length > 3);
      default -> throw new IllegalArgumentException("noop PORT | model PORT MAX_IN_FLIGHT | bodies DIR");
    }
  }

  private static final String ANSWER = "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"y\",\"shape\":[1,1],"
      + "\"datatype\":\"FP32\",\"data\":[6.0]}]}";

  private static ExecutorService executor() {
    return Executors.newFixedThreadPool(64);
  }

  private static void noop(int port) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
    byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.setExecutor(executor());
    server.start();
    System.out.println("ready");
    new CountDownLatch(1).await();
  }

  private static void model(int port, int maxInFlight, boolean batching) throws Exception {
    AffineModel model = new AffineModel(1, 0);
    InferenceServer.Builder builder = InferenceServer.builder().model("m", model).port(port).executor(executor())
        .maxInFlight(maxInFlight).maxInFlightPerModel(maxInFlight);
    if (batching) {
      builder.batching(dev.maas.BatchingOptions.builder().maxBatchRows(64).build());
    }
    builder.build().start();
    System.out.println("ready");
    new CountDownLatch(1).await();
  }

  private static void bodies(Path dir) throws Exception {
    Files.createDirectories(dir);
    InferenceRequest one = new InferenceRequest(Optional.empty(), Map.of(),
        List.of(InferenceTensor.of("x", Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3))), List.of(RequestedOutput.of("y")));
    Files.write(dir.resolve("request.json"), Codec.DEFAULT.encodeRequest(one, false).json());
    InferenceRequest binary = new InferenceRequest(Optional.empty(), Map.of(Codec.BINARY_DATA_OUTPUT, true),
        one.inputs(), one.outputs());
    Codec.Encoded encoded = Codec.DEFAULT.encodeRequest(binary, true);
    Files.write(dir.resolve("request.bin"), encoded.toBytes());
    Files.writeString(dir.resolve("request.bin.header"), Integer.toString(encoded.json().length));
  }
}
