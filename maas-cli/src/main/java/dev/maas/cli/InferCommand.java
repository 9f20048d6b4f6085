package dev.maas.cli;

import dev.maas.Model;
import dev.maas.ModelStore;
import dev.maas.ModelVersion;
import dev.maas.Tensor;
import dev.maas.http.InferenceJson;
import dev.maas.http.InferenceRequest;
import dev.maas.http.InferenceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maas infer REF --store DIR --request FILE.json}: runs one Open Inference Protocol
 * inference request against a stored model and prints the inference response JSON.
 */
@Command(name = "infer", mixinStandardHelpOptions = true,
    description = "Run an Open Inference Protocol request (JSON) on a stored model; print the response JSON.",
    footerHeading = "%nExample:%n", footer = "  maas infer demo@production --store maas-store --request request.json")
final class InferCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "name, name:VERSION or name@ALIAS")
  String reference;

  @Option(names = "--request", required = true, paramLabel = "FILE",
      description = "The inference request JSON body; - reads it from standard input.")
  Path request;

  @Override
  public Integer call() throws IOException {
    InferenceRequest inference;
    try (InputStream body = request.toString().equals("-") ? System.in
        : Files.newInputStream(InputFiles.requireReadable(request, "--request", "an inference request JSON file"))) {
      inference = InferenceJson.readRequest(body);
    }
    try (ModelStore s = store.open()) {
      ModelVersion version = References.resolve(s, reference);
      try (Model model = s.open(version.reference())) {
        Map<String, Tensor> outputs = model.predictor().predict(inference.inputTensors(), inference.outputNames());
        InferenceResponse response = InferenceResponse.answering(inference, version.name(),
            Optional.of(Integer.toString(version.version())), outputs);
        PrintWriter out = spec.commandLine().getOut();
        out.println(InferenceJson.toJson(response));
        out.flush();
      }
    }
    return 0;
  }
}
